"""Group floors: the best matching that gives each group its floor, certified, or an error
naming the group that cannot reach it."""

from __future__ import annotations

import math

import numpy as np
import pairwell
import pytest

BASE: dict = {}  # mentor capacity, not the rules, limits how many mentees are matched


def receivers_matched(result: pairwell.MatchResult, column: str, side: str = "receiver") -> dict[str, tuple[int, int]]:
    """Per group of ``column``: (people of ``side``, those matched)."""
    people = result.people.set_index("id")[column]
    givers, receivers = result._native.participants()
    matched = set(result.pairs[side])
    out: dict[str, tuple[int, int]] = {}
    for r in givers if side == "giver" else receivers:
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
        ([{"by": "department", "rate": 0.5, "side": "mentors"}], "expected `giver` or `receiver`"),
        ([{"by": "department", "rate": 0.5, "colour": 1}], "colour"),
        ([{"by": "department", "rate": 0.5}, {"by": "site", "rate": 0.5}], "at most one"),
        (
            [{"by": "department", "rate": 0.5, "side": "giver"}, {"by": "site", "min": {"x": 1}, "side": "giver"}],
            "at most one .* per side",
        ),
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


@pytest.fixture(scope="module")
def roomy(people):
    """Mentors with room for three: the best total leaves some of them idle."""
    return people.assign(capacity=3)


def test_giver_floors_spread_the_mentors(roomy):
    plain = pairwell.match(roomy, "mentoring")
    assert receivers_matched(plain, "site", "giver") == {"office": (36, 29), "remote": (19, 10)}
    config = {"floors": [{"by": "site", "rate": 0.9, "side": "giver"}]}
    dense = pairwell.match(roomy, "mentoring", {**config, "solver": "dense"})
    sparse = pairwell.match(roomy, "mentoring", {**config, "solver": "sparse", "candidates": 3})
    for result in (dense, sparse):
        result.verify()
        assert receivers_matched(result, "site", "giver") == {"office": (36, 33), "remote": (19, 18)}
        assert result.total == pytest.approx(dense.total, abs=1e-9)
    assert dense.total < plain.total
    table = dense.fairness("site").set_index("site")
    assert table[["givers", "givers_matched", "giver_floor"]].to_dict("index") == {
        "office": {"givers": 36, "givers_matched": 33, "giver_floor": 33},
        "remote": {"givers": 19, "givers_matched": 18, "giver_floor": 18},
    }
    assert "floor" not in table.columns
    # Regrets stay exact in the solver's weights: recommend agrees with explain on both paths.
    for result in (dense, sparse):
        mentor = result.pairs["giver"].iloc[0]
        ranked = result.recommend(mentor, 4)
        for partner, regret in zip(ranked["partner"], ranked["regret"]):
            assert regret == pytest.approx(result.explain(mentor, partner)["regret"], abs=1e-6)


def test_floors_on_both_sides_hold_together(roomy):
    config = {"floors": [{"by": "site", "rate": 0.9, "side": "giver"}, {"by": "department", "rate": 0.95}]}
    dense = pairwell.match(roomy, "mentoring", config)
    sparse = pairwell.match(roomy, "mentoring", {**config, "solver": "sparse", "candidates": 2})
    for result in (dense, sparse):
        result.verify()
        assert result.total == pytest.approx(dense.total, abs=1e-9)
        for group, (size, got) in receivers_matched(result, "site", "giver").items():
            assert got >= math.ceil(0.9 * size), group
        for group, (size, got) in receivers_matched(result, "department").items():
            assert got >= math.ceil(0.95 * size - 1e-9), group
    assert set(dense.fairness("department").columns) >= {"receivers", "floor"}
    assert set(dense.fairness("site").columns) >= {"givers", "giver_floor"}


def test_infeasible_giver_floors_name_the_group(roomy):
    with pytest.raises(pairwell.InfeasibleError, match='group "remote" needs 19 givers matched, but at most 18'):
        pairwell.match(roomy, "mentoring", {"floors": [{"by": "site", "rate": 1.0, "side": "giver"}]})


def test_a_pinned_giver_counts_toward_a_giver_floor(roomy):
    # p00046 (remote) is idle in the best matching; pinned, it counts as one of the remote
    # mentors matched, and the floor's other 17 come from the solver.
    config = {"pin": [["p00046", "p00255"]], "floors": [{"by": "site", "min": {"remote": 18}, "side": "giver"}]}
    dense = pairwell.match(roomy, "mentoring", config)
    sparse = pairwell.match(roomy, "mentoring", {**config, "solver": "sparse", "candidates": 2})
    for result in (dense, sparse):
        result.verify()
        assert result.total == pytest.approx(dense.total, abs=1e-9)
        assert receivers_matched(result, "site", "giver")["remote"] == (19, 18)
        assert "p00046" in set(result.pairs["giver"])
    everyone = {**config, "floors": [{"by": "site", "min": {"remote": 19}, "side": "giver"}]}
    with pytest.raises(pairwell.InfeasibleError, match='"remote" needs 19 givers matched, but at most 18'):
        pairwell.match(roomy, "mentoring", everyone)
