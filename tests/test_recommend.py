"""Recommendations: ``MatchResult.recommend`` equals a brute-force ranking of every pair through
``explain`` (scores, ranks, matched flags, regrets) on random cohorts of each program, with the
dense and the sparse solver, with pins and rules; ``pairwell.recommend`` (no solve) ranks the
same partners; ``k`` beyond the partners available, bad ids and bad ``k`` are handled; the CLI
prints a table."""

from __future__ import annotations

import math
from typing import Any

import pairwell
import pandas as pd
import pytest
from pairwell import _core
from pairwell.cli import main
from pairwell.people import write_people_csv
from pairwell.recommend import RECOMMEND_COLUMNS, SUGGEST_COLUMNS

#: Configs the brute-force comparison runs under: the preset, rules that remove pairs, the
#: sparse solver (its searches walk the candidate arcs; with short candidate lists they reach
#: most pairs outside them lazily, by their bounds), and pins (added per cohort).
CONFIGS: list[dict[str, Any]] = [
    {},
    {"min_score": 0.3, "allow_same_department": False, "max_timezone_gap": 6},
    {"solver": "sparse"},
    {"solver": "sparse", "candidates": 1},
    {"solver": "sparse", "candidates": 2, "min_score": 0.2},
]


def _brute(result: pairwell.MatchResult, person: str) -> list[dict[str, Any]]:
    """Every partner of ``person`` through ``explain``, ranked: score, then partner id, then the
    person's giver side first."""
    givers, receivers = result._native.participants()
    capacity = result.people.set_index("id")["capacity"]
    rows = []
    for side, partners in (("giver", receivers), ("receiver", givers)):
        if person not in (givers if side == "giver" else receivers):
            continue
        for partner in partners:
            g, r = (person, partner) if side == "giver" else (partner, person)
            e = result.explain(g, r)
            if e["allowed"] and capacity[g] > 0:
                rows.append({"side": side, "partner": partner, **e})
    rows.sort(key=lambda e: (-e["score"], e["partner"], e["side"] != "giver"))
    return rows


def _check(result: pairwell.MatchResult, person: str, k: int) -> int:
    got = result.recommend(person, k)
    want = _brute(result, person)[:k]
    assert list(got.columns) == RECOMMEND_COLUMNS
    assert len(got) == len(want)
    for rank, (row, e) in enumerate(zip(got.to_dict("records"), want), start=1):
        assert (row["id"], row["side"], row["partner"], row["rank"]) == (person, e["side"], e["partner"], rank)
        for column in SUGGEST_COLUMNS[4:]:
            same = row[column] == e[column] or (math.isnan(row[column]) and math.isnan(e[column]))
            assert same, (person, e["partner"], column)
        assert row["matched"] == e["matched"]
        assert row["regret"] == pytest.approx(e["regret"], abs=1e-9)
        assert row["regret"] >= -1e-12 and (row["regret"] == 0) >= row["matched"]
    return len(got)


@pytest.mark.parametrize("program", pairwell.PROGRAMS)
@pytest.mark.parametrize("seed", [1, 3])
@pytest.mark.parametrize("config", range(len(CONFIGS) + 1))
def test_recommend_equals_explain_brute_force(program: str, seed: int, config: int) -> None:
    people = pairwell.sample_cohort(90, seed=seed)
    if config < len(CONFIGS):
        settings = CONFIGS[config]
    else:  # pin two of the unpinned optimum's pairs, from a giver with capacity above one
        first = pairwell.match(people, program)
        capacity = people.set_index("id")["capacity"]
        pairs = first.pairs.sort_values(["giver", "receiver"])
        pins = [[g, r] for g, r in zip(pairs["giver"], pairs["receiver"]) if capacity[g] > 1][:2]
        settings = {"pin": pins}
    result = pairwell.match(people, program, settings)
    givers, receivers = result._native.participants()
    listed = sum(_check(result, person, 1000) for person in sorted(set(givers) | set(receivers)))
    assert listed > 0
    for person in (givers + receivers)[::5]:
        _check(result, person, 3)


def test_pins_are_matched_and_rule_out_their_receiver() -> None:
    people = pairwell.sample_cohort(70, seed=3)
    first = pairwell.match(people, "mentoring")
    low = first.pairs.sort_values("score").iloc[0]
    result = pairwell.match(people, "mentoring", {"pin": [[low["giver"], low["receiver"]]]})
    mine = result.recommend(low["receiver"], 1000)
    assert list(mine["partner"]) == [low["giver"]] and bool(mine["matched"].iloc[0])
    assert mine["regret"].iloc[0] == 0.0


def test_partner_has_room() -> None:
    people = pairwell.sample_cohort(80, seed=4)
    result = pairwell.match(people, "mentoring")
    capacity = people.set_index("id")["capacity"]
    load = result.pairs["giver"].value_counts()
    matched_receivers = set(result.pairs["receiver"])
    givers, receivers = result._native.participants()
    for person in sorted(set(givers) | set(receivers)):
        table = result.recommend(person, 1000)
        want = [
            load.get(partner, 0) < capacity[partner] if side == "receiver" else partner not in matched_receivers
            for side, partner in zip(table["side"], table["partner"])
        ]
        assert list(table["partner_has_room"]) == want


@pytest.mark.parametrize("program", pairwell.PROGRAMS)
def test_no_solve_recommend_equals_result_recommend(program: str) -> None:
    people = pairwell.sample_cohort(120, seed=5)
    config = {"min_score": 0.2}
    result = pairwell.match(people, program, config)
    givers, receivers = result._native.participants()
    everyone = pairwell.recommend(people, program, k=4, config=config)
    assert list(everyone.columns) == SUGGEST_COLUMNS
    assert list(everyone["id"].drop_duplicates()) == [r for r in receivers if r in set(everyone["id"])]
    asked = givers[:5] + receivers[:5]
    some = pairwell.recommend(people, program, ids=asked, k=4, config=config)
    for table in (everyone, some):
        for person, rows in table.groupby("id", sort=False):
            want = result.recommend(person, 4)[SUGGEST_COLUMNS]
            pd.testing.assert_frame_equal(rows.reset_index(drop=True), want)
    assert list(some["id"].drop_duplicates()) == [p for p in asked if p in set(some["id"])]


def test_every_people_form_and_columns(tmp_path: Any) -> None:
    people = pairwell.sample_cohort(60, seed=6)
    want = pairwell.recommend(people, "mentoring", k=3)
    path = tmp_path / "people.csv"
    write_people_csv(people, path)
    assert pairwell.recommend(str(path), "mentoring", k=3).equals(want)
    assert pairwell.recommend(people.to_dict("records"), "mentoring", k=3).equals(want)
    renamed = people.rename(columns={"id": "Employee ID"})
    assert pairwell.recommend(renamed, "mentoring", k=3, columns={"Employee ID": "id"}).equals(want)


def test_k_beyond_the_partners_and_zero() -> None:
    people = pairwell.sample_cohort(40, seed=7)
    result = pairwell.match(people, "mentoring")
    _, receivers = result._native.participants()
    person = receivers[0]
    everything = result.recommend(person, 10_000)
    assert len(everything) == len(_brute(result, person)) < 10_000
    assert list(everything["rank"]) == list(range(1, len(everything) + 1))
    assert everything["score"].is_monotonic_decreasing
    assert result.recommend(person, 0).empty and list(result.recommend(person, 0).columns) == RECOMMEND_COLUMNS
    none = pairwell.recommend(people, "mentoring", ids=[person], k=0)
    assert none.empty and list(none.columns) == SUGGEST_COLUMNS
    assert len(pairwell.recommend(people, "mentoring", ids=person, k=2**62)) == len(everything)
    assert result.recommend(person, 2**62).equals(everything)


def test_a_person_on_both_sides_gets_both_ranked_together() -> None:
    people = pairwell.sample_cohort(150, seed=8)
    result = pairwell.match(people, "mentoring")
    givers, receivers = result._native.participants()
    both = sorted(set(givers) & set(receivers))
    assert both, "the sample cohort has people who are both mentor and mentee"
    table = result.recommend(both[0], 1000)
    assert set(table["side"]) == {"giver", "receiver"}
    _check(result, both[0], 1000)


def test_errors() -> None:
    people = pairwell.sample_cohort(40, seed=9)
    result = pairwell.match(people, "mentoring")
    with pytest.raises(pairwell.CohortError) as explained:
        result.explain("nobody", "nobody")
    with pytest.raises(type(explained.value), match='id: unknown id "nobody"'):
        result.recommend("nobody")
    with pytest.raises(pairwell.CohortError, match='unknown id "nobody"'):
        pairwell.recommend(people, "mentoring", ids=["nobody"])
    givers, receivers = result._native.participants()
    outsider = sorted(set(people["id"]) - set(givers) - set(receivers))[0]
    for call in (lambda: result.recommend(outsider), lambda: pairwell.recommend(people, "mentoring", ids=[outsider])):
        with pytest.raises(pairwell.CohortError, match=r"neither side of mentoring.*'mentor' or 'mentee'") as info:
            call()
        assert isinstance(info.value, ValueError)
        assert info.value.problems[0]["field"] == "roles" and info.value.problems[0]["id"] == outsider
    with pytest.raises(pairwell.ConfigError, match="k must be 0 or more"):
        result.recommend(receivers[0], -1)
    with pytest.raises(TypeError, match="k must be a whole number"):
        pairwell.recommend(people, "mentoring", k=True)
    with pytest.raises(pairwell.ConfigError, match="unknown program"):
        pairwell.recommend(people, "coaching")
    with pytest.raises(TypeError, match="ids are text or whole numbers"):
        pairwell.recommend(people, "mentoring", ids=[1.5])


def test_native_stub_signature() -> None:
    people, _, _ = pairwell.people.to_native(pairwell.sample_cohort(20, seed=10))
    columns, rows = _core.recommend(people, "mentoring", None, 2, None)
    assert columns == SUGGEST_COLUMNS and rows
    assert all(set(row) == set(SUGGEST_COLUMNS) for row in rows)


def test_criteria_and_objectives_reach_recommendations() -> None:
    # Criteria are columns of the recommendations as of the pairs; with a bonus in the solver's
    # weights (participation, floors), regrets are explain's, in those weights.
    people = pairwell.sample_cohort(120, seed=4)
    people["site"] = [["lyon", "oslo"][i % 2] for i in range(len(people))]
    criteria = [{"name": "same_site", "kind": "same", "giver": "site", "receiver": "site", "weight": 0.4}]
    for extra in ({}, {"objective": "participation"}, {"floors": [{"by": "site", "rate": 0.5}]}):
        config = {"criteria": criteria, **extra}
        result = pairwell.match(people, "mentoring", config)
        receiver = result.pairs["receiver"].iloc[0]
        got = result.recommend(receiver, 4)
        assert "same_site" in got.columns
        for row in got.itertuples():
            explained = result.explain(row.partner, receiver)
            assert row.score == pytest.approx(explained["score"]) and row.same_site == explained["same_site"]
            assert row.regret == pytest.approx(explained["regret"], abs=1e-9)
        unsolved = pairwell.recommend(people, "mentoring", ids=[receiver], k=4, config=config)
        assert "same_site" in unsolved.columns


def test_cli(tmp_path: Any, capsys: pytest.CaptureFixture[str]) -> None:
    people = pairwell.sample_cohort(90, seed=1)
    path = tmp_path / "people.csv"
    write_people_csv(people, path)
    result = pairwell.match(people, "sponsoring")
    _, receivers = result._native.participants()
    assert main(["recommend", str(path), "--program", "sponsoring", "--id", receivers[0], "-k", "3"]) == 0
    out = capsys.readouterr().out
    want = result.recommend(receivers[0], 3)
    assert f"sponsoring: best {len(want)} partners of {receivers[0]}" in out
    for partner in want["partner"]:
        assert partner in out
    assert "regret" in out and "partner_has_room" in out
    assert main(["recommend", str(path), "--program", "sponsoring", "--id", "nobody"]) == 2
    assert 'unknown id "nobody"' in capsys.readouterr().err
