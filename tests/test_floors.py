"""Group floors: the best matching that gives each group its floor, certified, or an error
naming the group that cannot reach it."""

from __future__ import annotations

import math

import numpy as np
import pairwell
import pytest

BASE: dict = {}  # mentor capacity, not the rules, limits how many mentees are matched


def receivers_matched(result: pairwell.MatchResult, column: str) -> dict[str, tuple[int, int]]:
    """Per group of ``column``: (receivers, receivers matched)."""
    people = result.people.set_index("id")[column]
    receivers = result._native.participants()[1]
    matched = set(result.pairs["receiver"])
    out: dict[str, tuple[int, int]] = {}
    for r in receivers:
        size, got = out.get(people[r], (0, 0))
        out[people[r]] = (size + 1, got + (r in matched))
    return out


@pytest.fixture(scope="module")
def people():
    frame = pairwell.sample_cohort(400, seed=7)
    frame["site"] = np.where(np.arange(len(frame)) % 3 == 0, "remote", "office")
    return frame


def test_rate_floors_hold_and_cost_little(people):
    plain = pairwell.match(people, "mentoring", BASE)
    rate = 0.9
    assert receivers_matched(plain, "site")["office"] == (65, 58)  # below ceil(0.9 * 65) = 59: it binds
    config = {**BASE, "floors": [{"by": "site", "rate": rate}]}
    floored = pairwell.match(people, "mentoring", config)
    floored.verify()
    for group, (size, got) in receivers_matched(floored, "site").items():
        assert got >= math.ceil(rate * size), group
    assert floored.total < plain.total
    sparse = pairwell.match(people, "mentoring", {**config, "solver": "sparse", "candidates": 3})
    sparse.verify()
    assert sparse.solver == "sparse"
    assert sparse.total == pytest.approx(floored.total, abs=1e-9)
    table = floored.fairness("site")
    assert table.set_index("site")[["receivers", "receivers_matched", "floor"]].to_dict("index") == {
        "office": {"receivers": 65, "receivers_matched": 59, "floor": 59},
        "remote": {"receivers": 30, "receivers_matched": 27, "floor": 27},
    }
    assert "floor" not in floored.fairness("department").columns


def test_min_floors_and_rematching(people):
    config = {**BASE, "floors": [{"by": "site", "min": {"remote": 30}}]}
    floored = pairwell.match(people, "mentoring", config)
    floored.verify()
    assert receivers_matched(floored, "site")["remote"] == (30, 30)
    rematched = pairwell.rematch(pairwell.match(people, "mentoring"), people, "mentoring", config)
    rematched.verify()
    assert receivers_matched(rematched, "site")["remote"] == (30, 30)
    by_department = pairwell.match(people, "mentoring", {"floors": [{"by": "department", "min": {"data": 9}}]})
    assert receivers_matched(by_department, "department")["data"] == (9, 9)


def test_infeasible_floors_name_the_group_and_its_reach(people):
    config = {**BASE, "floors": [{"by": "site", "min": {"remote": 31}}]}
    with pytest.raises(pairwell.InfeasibleError, match='group "remote" needs 31 receivers matched, but at most 30'):
        pairwell.match(people, "mentoring", config)
    with pytest.raises(pairwell.InfeasibleError, match=r'group "nowhere" needs 1 .* at most 0'):
        pairwell.match(people, "mentoring", {"floors": [{"by": "site", "min": {"nowhere": 1}}]})
    with pytest.raises(pairwell.InfeasibleError, match="cannot all be met together"):
        pairwell.match(people, "mentoring", {"floors": [{"by": "site", "rate": 0.93}]})


@pytest.mark.parametrize(
    ("floors", "words"),
    [
        ([{"by": "planet", "rate": 0.5}], "'planet', an unknown column"),
        ([{"by": "department", "rate": 0.5, "min": {"x": 1}}], "exactly one of rate and min"),
        ([{"by": "department"}], "exactly one of rate and min"),
        ([{"by": "department", "rate": 1.5}], "rate from 0 to 1"),
        ([{"by": "department", "rate": 0.5, "side": "giver"}], "side"),
        ([{"by": "department", "rate": 0.5, "colour": 1}], "colour"),
        ([{"by": "department", "rate": 0.5}, {"by": "site", "rate": 0.5}], "at most one"),
    ],
)
def test_bad_floors_are_config_errors(people, floors, words):
    with pytest.raises(pairwell.ConfigError, match=words):
        pairwell.match(people, "mentoring", {"floors": floors})


def test_floors_from_a_toml_file(people, tmp_path):
    path = tmp_path / "program.toml"
    path.write_text('[[floors]]\nby = "site"\nrate = 0.9\n')
    from_file = pairwell.match(people, "mentoring", path)
    from_dict = pairwell.match(people, "mentoring", {"floors": [{"by": "site", "rate": 0.9}]})
    assert from_file.total == from_dict.total
