"""Designing a program from Python: custom criteria (config ``[[criteria]]``) read from extra
columns of every table form, shown as columns of ``pairs`` and keys of ``explain``; hard criteria
as named rules; bad criteria and bad values raising with the criterion, row, id and column;
``preferences`` scored, written back by ``write_people_csv``, unknown ids warned about; the
dense and sparse solvers and ``match_groups`` agreeing with ``match``."""

from __future__ import annotations

from pathlib import Path

import pairwell
import pandas as pd
import pytest
from pairwell.people import write_people_csv

PEOPLE = [
    {"id": "g1", "level": 6, "roles": ["mentor"], "site": "Paris", "interests": "rust;go", "years": 10},
    {"id": "g2", "level": 6, "roles": ["mentor"], "site": "Lyon", "interests": "design", "years": 3},
    {"id": "r1", "level": 4, "roles": ["mentee"], "site": " paris", "interests": "Rust;ml", "years": 7},
    {"id": "r2", "level": 4, "roles": ["mentee"], "site": "Lyon", "interests": "design", "years": 2},
    {"id": "r3", "level": 4, "roles": ["mentee"], "site": None, "interests": None, "years": None},
]

#: The five built-in components weighed 0 and no logistics: scores are the criteria's mean.
TOML = """
timezone_weight = 0
language_weight = 0

[weights]
skills = 0
seniority = 0
goals = 0
expertise = 0
reciprocity = 0

[[criteria]]
name = "interests"
kind = "overlap"
giver = "interests"
receiver = "interests"
weight = 1

[[criteria]]
name = "site"
kind = "same"
giver = "site"
receiver = "site"
weight = 1
hard = true

[[criteria]]
name = "tenure"
kind = "closeness"
giver = "years"
receiver = "years"
scale = 10
weight = 2
"""


@pytest.fixture
def design(tmp_path: Path) -> Path:
    """:data:`TOML` as a config file."""
    path = tmp_path / "design.toml"
    path.write_text(TOML)
    return path


def test_criteria_are_columns_of_pairs_and_keys_of_explain(design: Path) -> None:
    result = pairwell.match(pd.DataFrame(PEOPLE), "mentoring", design)
    result.verify()
    columns = list(result.pairs.columns)
    assert columns[3:11] == ["skills", "seniority", "goals", "expertise", "reciprocity", "interests", "site", "tenure"]
    e = result.explain("g1", "r1")
    # interests: rust of {rust, ml}; site: paris = paris; tenure: 3 of 10 apart, weight 2.
    assert (e["interests"], e["site"], e["tenure"]) == (0.5, 1.0, pytest.approx(0.7))
    assert e["score"] == pytest.approx((0.5 + 1.0 + 2 * 0.7) / 4)
    # A different site is forbidden by the hard criterion, named as its rule.
    forbidden = result.explain("g1", "r2")
    assert (forbidden["allowed"], forbidden["rule"]) == (False, "site")
    # r3 has no values: scores 0 on each criterion, but no hard criterion shuts them out.
    assert result.explain("g1", "r3")["rule"] is None
    assert set(zip(result.pairs.giver, result.pairs.receiver)) == {("g1", "r1"), ("g2", "r2")}
    unmatched = result.unmatched.set_index("id").detail
    assert unmatched["r3"] == {"eligible": 2}


def test_every_table_form_and_both_solvers_agree(design: Path) -> None:
    frame = pd.DataFrame(PEOPLE)
    reference = pairwell.match(frame, "mentoring", design)
    for people in (PEOPLE, frame.iloc[::-1]):
        assert pairwell.match(people, "mentoring", design).total == pytest.approx(reference.total)
    for solver in ("dense", "sparse"):
        design.write_text(f'solver = "{solver}"\n' + TOML)
        result = pairwell.match(frame, "mentoring", design)
        assert result.solver == solver and result.total == pytest.approx(reference.total)
    grouped = pairwell.match_groups(frame.assign(unit="a"), "mentoring", "unit", design)
    assert grouped.total == pytest.approx(reference.total)
    assert {"interests", "site", "tenure"} <= set(grouped.pairs.columns)
    # A group where nobody has a value in a criterion's column still has the column.
    blank = frame.assign(unit="b", id=frame.id + "b", site=None, interests=None, years=None)
    both = pairwell.match_groups(pd.concat([frame.assign(unit="a"), blank]), "mentoring", "unit", design)
    assert both.total == pytest.approx(reference.total)


def test_hard_criteria_are_counted_in_unmatched_detail(design: Path) -> None:
    people = [*PEOPLE, {"id": "r4", "level": 4, "roles": ["mentee"], "site": "Rome"}]
    result = pairwell.match(people, "mentoring", design)
    assert result.unmatched.set_index("id").detail["r4"] == {"site": 2}


@pytest.mark.parametrize(
    ("criterion", "words"),
    [
        ({"kind": "similar", "giver": "site", "receiver": "site", "weight": 1}, "unknown kind 'similar'"),
        ({"kind": "same", "giver": "office", "receiver": "site", "weight": 1}, "column 'office'"),
        ({"kind": "closeness", "giver": "years", "receiver": "years", "weight": 1}, "'scale' is missing"),
    ],
)
def test_bad_criteria_name_the_criterion(criterion: dict[str, object], words: str) -> None:
    with pytest.raises(pairwell.ConfigError, match=f'criterion "where": .*{words}'):
        pairwell.match(PEOPLE, "mentoring", {"criteria": [{"name": "where", **criterion}]})


def test_builtin_names_and_zero_weights_are_config_errors() -> None:
    clash = {"name": "skills", "kind": "same", "giver": "site", "receiver": "site", "weight": 1}
    with pytest.raises(pairwell.ConfigError, match='criterion "skills": the name is already a built-in'):
        pairwell.match(PEOPLE, "mentoring", {"criteria": [clash]})
    zero = dict.fromkeys(["skills", "seniority", "goals", "expertise", "reciprocity"], 0)
    with pytest.raises(pairwell.ConfigError, match="at least one positive weight"):
        pairwell.match(PEOPLE, "mentoring", {"weights": zero})


def test_values_a_criterion_cannot_read_raise_with_row_id_and_column(design: Path) -> None:
    people = [dict(p) for p in PEOPLE]
    people[2]["years"] = "seven"
    with pytest.raises(pairwell.CohortError) as info:
        pairwell.match(people, "mentoring", design)
    assert [(p["row"], p["id"], p["field"]) for p in info.value.problems] == [(2, "r1", "years")]
    assert "criterion 'tenure'" in str(info.value)


def test_preferences_are_scored_written_back_and_unknown_ids_warned(tmp_path: Path) -> None:
    people = [
        {"id": "g1", "level": 6, "roles": ["mentor"], "preferences": ["r2", "r1"]},
        {"id": "g2", "level": 6, "roles": ["mentor"]},
        {"id": "r1", "level": 4, "roles": ["mentee"], "preferences": "g1;nobody"},
        {"id": "r2", "level": 4, "roles": ["mentee"]},
    ]
    config = {
        "weights": {"skills": 0, "seniority": 0, "goals": 0, "expertise": 0, "reciprocity": 0, "preference": 1},
        "timezone_weight": 0,
        "language_weight": 0,
    }
    unknown = r"row 2 \(id 'r1'\) field 'preferences': id 'nobody' is not in the cohort"
    with pytest.warns(UserWarning, match=unknown):
        result = pairwell.match(people, "mentoring", config)
    assert "preference" in result.pairs.columns
    # g1 ranks r2 first (1) and r1 last of two (1/2); r1 ranks g1 first: mutual, averaged.
    assert result.explain("g1", "r2")["preference"] == 1.0
    assert result.explain("g1", "r1")["preference"] == 0.75
    assert result.explain("g2", "r1")["preference"] == 0.0
    path = tmp_path / "people.csv"
    write_people_csv(people, path)
    text = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(text.preferences) == ["r2;r1", "", "g1;nobody", ""]
    with pytest.warns(UserWarning, match=unknown):
        again = pairwell.match(path, "mentoring", config)
    assert again.total == result.total


def test_no_preferences_no_preference_column() -> None:
    result = pairwell.match(PEOPLE, "mentoring")
    assert "preference" not in result.pairs.columns
    assert list(result.pairs.columns) == pairwell.matching.PAIR_COLUMNS


def test_the_readme_design_runs(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Designing a program", 1)[1].split("\n## ", 1)[0]
    config = tmp_path / "design.toml"
    config.write_text(section.split("```toml\n", 1)[1].split("```", 1)[0])
    people = [{**p, "preferences": ["r1"] if p["id"] == "g1" else []} for p in PEOPLE]
    result = pairwell.match(people, "mentoring", config)
    result.verify()
    assert {"preference", "interests", "site", "tenure"} <= set(result.pairs.columns)
    assert result.explain("g1", "r2")["rule"] == "site"
    sites = result.fairness("site").set_index("site")
    assert (sites["receivers_matched"] >= sites["floor"]).all() and (sites["floor"] > 0).any()
    assert (sites["givers_matched"] >= sites["giver_floor"]).all() and (sites["giver_floor"] > 0).any()
