"""``pairwell.match`` through Python: every input form (DataFrame, records, CSV with its
encoding, JSON), config as dict and TOML file, the result tables, explanations, the
certificate, row-order invariance, and every bad input raising a ValueError subclass that names
the field and the id."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import pairwell

PEOPLE = [
    {"id": "ana", "level": 7, "department": "eng", "skills": {"python": 5}, "expertise": ["python", "ml"],
     "roles": ["mentor", "sponsor"], "capacity": 2},
    {"id": "bo", "level": 6, "department": "sales", "skills": {"sales": 5}, "expertise": ["sales"],
     "roles": ["mentor", "sponsor"]},
    {"id": "cy", "level": 3, "department": "data", "skills": {"python": 2}, "goals": ["python", "ml"],
     "roles": ["mentee", "protege"], "manager": "ana", "target": "eng"},
    {"id": "di", "level": 2, "department": "eng", "skills": {"sales": 1, "genai": 5}, "goals": ["sales"],
     "expertise": ["genai"], "target": "sales", "roles": ["mentee", "reverse_mentor", "protege"]},
    {"id": "ed", "level": 3, "department": "sales", "skills": {"python": 1}, "goals": ["python"], "roles": ["mentee"]},
    {"id": "flo", "level": 7, "department": "finance", "goals": ["genai"], "roles": ["reverse_mentee"]},
]


def pair_set(result: pairwell.MatchResult) -> set[tuple[str, str]]:
    return set(zip(result.pairs["giver"], result.pairs["receiver"]))


def test_first_match_pairs_whom_a_person_would():
    result = pairwell.match(PEOPLE, "mentoring")
    assert pair_set(result) == {("ana", "ed"), ("bo", "di")}
    assert list(result.pairs.columns[:8]) == ["giver", "receiver", "score", "skills", "seniority", "goals", "expertise", "reciprocity"]
    assert result.unmatched.to_dict("records") == [
        {"id": "cy", "side": "receiver", "reason": "partners taken by others", "detail": "1 eligible, 1 reporting_chain"}
    ]
    assert result.total == pytest.approx(result.pairs["score"].sum())
    result.verify()
    assert pair_set(pairwell.match(PEOPLE, "reverse_mentoring")) == {("di", "flo")}
    assert pair_set(pairwell.match(PEOPLE, "sponsoring")) >= {("bo", "di")}


def test_explain():
    result = pairwell.match(PEOPLE, "mentoring")
    chain = result.explain("ana", "cy")
    assert (chain["allowed"], chain["rule"], chain["matched"], chain["regret"]) == (False, "reporting_chain", False, None)
    chosen = result.explain("ana", "ed")
    assert chosen["matched"] and chosen["regret"] == 0.0 and chosen["rule"] is None
    other = result.explain("bo", "ed")
    assert other["allowed"] and not other["matched"] and other["regret"] > 0
    assert set(pairwell.matching.PAIR_COLUMNS[2:8]) <= set(other)
    assert result.explain("flo", "ed")["rule"] == "not_opted_in"
    with pytest.raises(pairwell.CohortError, match="nobody"):
        result.explain("nobody", "ed")


def test_every_input_form_gives_the_same_pairs(tmp_path):
    expected = pair_set(pairwell.match(PEOPLE, "mentoring"))
    frame = pd.DataFrame(PEOPLE)
    assert pair_set(pairwell.match(frame, "mentoring")) == expected
    csv = tmp_path / "people.csv"
    pairwell.write_people_csv(PEOPLE, csv)
    assert "python:5" in csv.read_text()
    assert pair_set(pairwell.match(csv, "mentoring")) == expected
    assert pair_set(pairwell.match(str(csv), "mentoring")) == expected
    js = tmp_path / "people.json"
    js.write_text(json.dumps(PEOPLE))
    assert pair_set(pairwell.match(js, "mentoring")) == expected
    shuffled = frame.sample(frac=1.0, random_state=3)
    assert pairwell.match(shuffled, "mentoring").pairs.equals(pairwell.match(frame, "mentoring").pairs)


def test_hand_written_csv_encoding(tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text(
        "id,level,skills,goals,expertise,roles,manager,capacity,department\n"
        "m,6,python:5;sql:4,,python;sql,mentor,,2,eng\n"
        "e,3,python:1,python;sql,,mentee,,,data\n"
    )
    table = pairwell.read_people(csv)
    assert table.loc[0, "skills"] == {"python": 5.0, "sql": 4.0}
    assert table.loc[1, "goals"] == ["python", "sql"] and table.loc[1, "capacity"] == 1
    assert table.loc[0, "manager"] is None or pd.isna(table.loc[0, "manager"])
    assert pair_set(pairwell.match(csv, "mentoring")) == {("m", "e")}


def test_config_as_dict_and_toml(tmp_path):
    pinned = pairwell.match(PEOPLE, "mentoring", {"pin": [["ana", "di"]]})
    assert ("ana", "di") in pair_set(pinned)
    assert pinned.pairs.set_index("receiver").loc["di", "pinned"]
    toml = tmp_path / "rules.toml"
    toml.write_text('min_score = 0.7\nnever = [["bo", "di"]]\n[weights]\nskills = 0.5\n')
    strict = pairwell.match(PEOPLE, "mentoring", toml)
    assert ("bo", "di") not in pair_set(strict)
    assert (strict.pairs["score"] >= 0.7).all()
    assert strict.settings["weights"]["skills"] == 0.5
    assert strict.settings["min_score"] == 0.7


def test_people_extra_columns_are_kept_for_fairness():
    frame = pd.DataFrame(PEOPLE).assign(site=["a", "b", "a", "b", "a", "b"])
    result = pairwell.match(frame, "mentoring")
    table = result.fairness("site")
    assert list(table.columns) == ["site", "participants", "matched", "match_rate", "mean_score"]
    assert table["participants"].sum() == 5  # ana, bo, cy, di, ed take part in mentoring
    with pytest.raises(pairwell.ConfigError, match="unknown column"):
        result.fairness("nope")


def broken(index: int, **change):
    people = [dict(p) for p in PEOPLE]
    people[index].update(change)
    return people


@pytest.mark.parametrize(
    ("people", "program", "config", "error", "words"),
    [
        (broken(1, id="ana"), "mentoring", None, pairwell.CohortError, 'duplicate id "ana"'),
        (PEOPLE, "coaching", None, pairwell.ConfigError, "unknown program 'coaching'"),
        (broken(2, level=float("nan")), "mentoring", None, pairwell.CohortError, "'cy'.*'level'"),
        (broken(2, level=None), "mentoring", None, pairwell.CohortError, "'cy'.*'level' is missing"),
        (broken(2, manager="zed"), "mentoring", None, pairwell.CohortError, "manager \"zed\""),
        (broken(0, manager="cy"), "mentoring", None, pairwell.CohortError, "manager cycle"),
        (broken(1, capacity=-1), "mentoring", None, pairwell.CohortError, "'bo'.*'capacity'"),
        (broken(1, roles=["guru"]), "mentoring", None, pairwell.CohortError, "'bo'.*unknown role 'guru'"),
        (broken(1, skills={"sql": 9}), "mentoring", None, pairwell.CohortError, "'bo'.*skills.sql"),
        (broken(1, skills="sql"), "mentoring", None, pairwell.CohortError, "'bo'.*python:4"),
        (PEOPLE, "mentoring", {"never": [["ana", "zed"]]}, pairwell.ConfigError, "never: unknown id \"zed\""),
        (PEOPLE, "mentoring", {"pin": [["zed", "cy"]]}, pairwell.ConfigError, "pin: unknown id \"zed\""),
        (PEOPLE, "mentoring", {"pin": [["ana", "cy"]]}, pairwell.ConfigError, "reporting_chain"),
        (PEOPLE, "mentoring", {"pin": [["bo", "di"], ["bo", "ed"]]}, pairwell.ConfigError, "capacity"),
        (PEOPLE, "mentoring", {"wieghts": {}}, pairwell.ConfigError, "wieghts"),
        (PEOPLE, "mentoring", {"weights": {"luck": 1}}, pairwell.ConfigError, "luck"),
        (PEOPLE, "mentoring", {"min_score": 2}, pairwell.ConfigError, "min_score"),
        ([], "mentoring", None, pairwell.CohortError, "empty"),
        ("missing.csv", "mentoring", None, pairwell.CohortError, "does not exist"),
        (PEOPLE, "mentoring", "rules.yaml", pairwell.ConfigError, "does not exist"),
    ],
)
def test_bad_input(people, program, config, error, words):
    with pytest.raises(error, match=words) as info:
        pairwell.match(people, program, config)
    assert isinstance(info.value, ValueError)


def test_result_repr_and_html():
    result = pairwell.match(PEOPLE, "mentoring")
    assert "pairs=2" in repr(result)
    html = result._repr_html_()
    assert "<table" in html and "mentoring" in html
