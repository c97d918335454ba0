"""``pairwell.match`` through Python: on one small hand-made cohort each of the three programs
pairs whom a person would (the README's example with its scores worked out by hand); every
input form (DataFrame, records, CSV with its ``python:4;sql:3`` / ``a;b;c`` encoding, JSON) and
config form (dict, TOML file, JSON file) gives the same result; the result tables have their
documented columns; ``explain`` and ``verify`` work; row order never changes the result; the
GIL is released while the engine runs; and every bad input raises ``CohortError`` or
``ConfigError`` (both ``PairwellError``, a ``ValueError``) with a message naming the field and
the id."""

from __future__ import annotations

import json
import threading
import time

import pairwell
import pandas as pd
import pytest
from pairwell import _core
from pairwell.people import to_native

PEOPLE = [
    {
        "id": "ana",
        "level": 7,
        "department": "eng",
        "skills": {"python": 5},
        "expertise": ["python", "ml"],
        "roles": ["mentor", "sponsor"],
        "capacity": 2,
    },
    {
        "id": "bo",
        "level": 6,
        "department": "sales",
        "skills": {"sales": 5},
        "expertise": ["sales"],
        "roles": ["mentor", "sponsor"],
    },
    {
        "id": "cy",
        "level": 3,
        "department": "data",
        "skills": {"python": 2},
        "goals": ["python", "ml"],
        "roles": ["mentee", "protege"],
        "manager": "ana",
        "target": "eng",
    },
    {
        "id": "di",
        "level": 2,
        "department": "eng",
        "skills": {"sales": 1, "genai": 5},
        "goals": ["sales"],
        "expertise": ["genai"],
        "target": "sales",
        "roles": ["mentee", "reverse_mentor", "protege"],
    },
    {"id": "ed", "level": 3, "department": "sales", "skills": {"python": 1}, "goals": ["python"], "roles": ["mentee"]},
    {"id": "flo", "level": 7, "department": "finance", "goals": ["genai"], "roles": ["reverse_mentee"]},
]

PAIR_COLUMNS = [
    "giver",
    "receiver",
    "score",
    "skills",
    "seniority",
    "goals",
    "expertise",
    "reciprocity",
    "logistics",
    "timezone_gap",
    "shared_language",
    "gap",
    "pinned",
]


def pair_set(result: pairwell.MatchResult) -> set[tuple[str, str]]:
    return set(zip(result.pairs["giver"], result.pairs["receiver"]))


def same_result(a: pairwell.MatchResult, b: pairwell.MatchResult) -> bool:
    return a.pairs.equals(b.pairs) and a.unmatched.equals(b.unmatched) and a.total == b.total


@pytest.mark.parametrize(
    ("program", "expected", "unmatched"),
    [
        # ana teaches python to ed (cy, who also wants it, reports to ana); bo teaches sales to di.
        ("mentoring", {("ana", "ed"), ("bo", "di")}, {"cy"}),
        # bo works in sales, di's destination; ana cannot sponsor her report cy.
        ("sponsoring", {("bo", "di")}, {"ana", "cy"}),
        # di, the junior genai expert, teaches flo, the senior who wants genai.
        ("reverse_mentoring", {("di", "flo")}, set()),
    ],
)
def test_each_program_pairs_whom_a_person_would(program, expected, unmatched):
    result = pairwell.match(PEOPLE, program)
    assert result.program == program
    assert pair_set(result) == expected
    assert set(result.unmatched["id"]) == unmatched
    assert result.total == pytest.approx(result.pairs["score"].sum())
    result.verify()


def test_readme_example_scores_by_hand():
    result = pairwell.match(PEOPLE, "mentoring")
    rows = result.pairs.set_index("receiver")
    # ana -> ed: skills 1 (4 levels ahead), seniority 0.5 (gap 4, one above [1, 3]), goals 0,
    # expertise 1, reciprocity 0: 0.3 + 0.2 * 0.5 + 0.25 = 0.65.
    assert rows.loc["ed", ["skills", "seniority", "goals", "expertise", "reciprocity"]].tolist() == [1, 0.5, 0, 1, 0]
    assert rows.loc["ed", "score"] == pytest.approx(0.65)
    # bo -> di: gap 4 again, and bo works in di's target department: 0.65 + 0.1 = 0.75.
    assert rows.loc["di", "score"] == pytest.approx(0.75)
    assert result.total == pytest.approx(1.4)
    # Forcing bo -> ed (0.2) leaves ana only di (0): the total drops by 1.2.
    assert result.explain("bo", "ed")["regret"] == pytest.approx(1.2)
    assert result.unmatched.to_dict("records") == [
        {
            "id": "cy",
            "side": "receiver",
            "reason": "partners taken by others",
            "detail": {"eligible": 1, "reporting_chain": 1},
        }
    ]


def test_the_same_two_people_score_differently_in_each_direction():
    pair = [
        {
            "id": "jun",
            "level": 2,
            "skills": {"genai": 5},
            "expertise": ["genai"],
            "goals": ["strategy"],
            "roles": ["reverse_mentor", "mentee"],
        },
        {
            "id": "sen",
            "level": 6,
            "skills": {"strategy": 5},
            "expertise": ["strategy"],
            "goals": ["genai"],
            "roles": ["reverse_mentee", "mentor"],
        },
    ]
    config = {"timezone_weight": 0, "language_weight": 0}
    reverse = pairwell.match(pair, "reverse_mentoring", config).explain("jun", "sen")
    forward = pairwell.match(pair, "mentoring", config).explain("sen", "jun")
    assert (reverse["score"], forward["score"]) == (pytest.approx(0.95), pytest.approx(0.8))
    assert pairwell.match(pair, "mentoring").explain("jun", "sen")["rule"] == "not_opted_in"


def test_result_tables_have_their_columns():
    result = pairwell.match(PEOPLE, "mentoring")
    assert list(result.pairs.columns) == PAIR_COLUMNS
    assert list(result.unmatched.columns) == ["id", "side", "reason", "detail"]
    assert result.pairs["pinned"].dtype == bool and not result.pairs["pinned"].any()
    assert result.pairs[PAIR_COLUMNS[2:8]].apply(lambda c: c.between(0, 1).all()).all()
    assert list(result.pairs["giver"]) == sorted(result.pairs["giver"])
    with pytest.warns(UserWarning) as caught:
        empty = pairwell.match([{"id": "x", "level": 1}], "mentoring")
    assert [str(w.message).split(":")[0] for w in caught] == [
        "nobody opted into the role 'mentor' (column 'roles')",
        "nobody opted into the role 'mentee' (column 'roles')",
    ]
    assert list(empty.pairs.columns) == PAIR_COLUMNS and empty.pairs.empty and empty.total == 0


def test_explain():
    result = pairwell.match(PEOPLE, "mentoring")
    chain = result.explain("ana", "cy")
    assert (chain["allowed"], chain["rule"], chain["matched"], chain["regret"]) == (
        False,
        "reporting_chain",
        False,
        None,
    )
    chosen = result.explain("ana", "ed")
    assert chosen["matched"] and chosen["regret"] == 0.0 and chosen["rule"] is None and chosen["allowed"]
    assert chosen["score"] == pytest.approx(0.65)
    other = result.explain("bo", "ed")
    assert other["allowed"] and not other["matched"] and other["regret"] > 0
    assert set(PAIR_COLUMNS[:12]) | {"allowed", "rule", "matched", "regret"} == set(other)
    assert result.explain("flo", "ed")["rule"] == "not_opted_in"
    assert result.explain("ed", "ed")["rule"] == "not_opted_in"
    assert result.explain("ana", "ana")["rule"] == "not_opted_in"
    for giver, receiver in [("nobody", "ed"), ("ana", "nobody")]:
        with pytest.raises(pairwell.CohortError, match='unknown id "nobody"'):
            result.explain(giver, receiver)


def test_verify_proves_the_total():
    result = pairwell.match(PEOPLE, "mentoring", {"pin": [["bo", "ed"]]})
    result.verify()
    assert result.total == pytest.approx(0.2)  # bo -> ed pinned; ana's only other mentee scores 0
    assert result.pairs.set_index("receiver").loc["ed", "pinned"]


def test_every_input_form_gives_the_same_result(tmp_path):
    expected = pairwell.match(PEOPLE, "mentoring")
    csv = tmp_path / "people.csv"
    pairwell.write_people_csv(PEOPLE, csv)
    text = csv.read_text()
    assert "python:5" in text and "python;ml" in text and "mentor;sponsor" in text
    as_json = tmp_path / "people.json"
    as_json.write_text(json.dumps(PEOPLE))
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"people": PEOPLE}))
    for people in [pd.DataFrame(PEOPLE), tuple(PEOPLE), csv, str(csv), as_json, wrapped]:
        assert same_result(pairwell.match(people, "mentoring"), expected), people


def test_hand_written_csv_encoding(tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text(
        "id,level,skills,goals,expertise,roles,manager,capacity,department,timezone,languages,target\n"
        "m,6,python:5;sql:4.5,,python;sql,mentor,,2,eng,5.5,en;fr,\n"
        "e,3,python:1,python;sql,,mentee;protege,,,data,0,fr,eng\n"
        "f,3,,python,,mentee,m,,data,-3,,\n"
    )
    table = pairwell.read_people(csv)
    assert table.loc[0, "skills"] == {"python": 5.0, "sql": 4.5}
    assert table.loc[0, "languages"] == ["en", "fr"] and table.loc[0, "timezone"] == 5.5
    assert table.loc[1, "goals"] == ["python", "sql"] and table.loc[1, "capacity"] == 1
    assert table.loc[1, "roles"] == ["mentee", "protege"] and table.loc[1, "target"] == "eng"
    assert table.loc[2, "skills"] == {} and table.loc[2, "manager"] == "m"
    assert pd.isna(table.loc[0, "manager"])
    result = pairwell.match(csv, "mentoring")
    assert pair_set(result) == {("m", "e")}  # f reports to m
    assert result.explain("m", "f")["rule"] == "reporting_chain"
    assert result.pairs.loc[0, "timezone_gap"] == 5.5 and result.pairs.loc[0, "shared_language"]


def test_config_as_dict_toml_and_json_file(tmp_path):
    config = {"min_score": 0.7, "never": [["bo", "di"]], "weights": {"skills": 0.5}}
    toml = tmp_path / "rules.toml"
    toml.write_text('min_score = 0.7\nnever = [["bo", "di"]]\n[weights]\nskills = 0.5\n')
    as_json = tmp_path / "rules.json"
    as_json.write_text(json.dumps(config))
    results = [pairwell.match(PEOPLE, "mentoring", c) for c in (config, toml, str(toml), as_json)]
    assert all(same_result(r, results[0]) for r in results)
    strict = results[0]
    assert ("bo", "di") not in pair_set(strict) and (strict.pairs["score"] >= 0.7).all()
    # Weights are scaled so the largest is 1: skills 0.5 is the largest, expertise the preset's 0.25.
    assert strict.settings["weights"]["skills"] == 1.0
    assert strict.settings["weights"]["expertise"] == 0.5
    assert strict.settings["min_score"] == 0.7
    assert strict.explain("bo", "di")["rule"] == "never"


@pytest.mark.parametrize(
    ("config", "giver", "receiver", "rule"),
    [
        ({"allow_same_department": False}, "bo", "ed", "same_department"),
        ({"gap_bounds": [1, 3]}, "ana", "ed", "seniority_gap"),
        ({"max_timezone_gap": 0}, "ana", "ed", None),
        ({"require_shared_language": True}, "ana", "ed", None),
        ({"pin": [["ana", "di"]]}, "bo", "di", "taken_by_pin"),
        ({"min_score": 0.5}, "bo", "ed", "below_min_score"),
    ],
)
def test_config_rules_through_python(config, giver, receiver, rule):
    result = pairwell.match(PEOPLE, "mentoring", config)
    assert result.explain(giver, receiver)["rule"] == rule
    result.verify()


def test_score_config_keys_through_python():
    far = [dict(p) for p in PEOPLE]
    far[4] = {**far[4], "timezone": 6, "languages": ["ja"]}
    far[0] = {**far[0], "languages": ["en"], "timezone": 0}
    base = pairwell.match(far, "mentoring", {"timezone_weight": 0, "language_weight": 0}).explain("ana", "ed")
    tuned = pairwell.match(far, "mentoring", {"timezone_weight": 0.4, "language_weight": 0.5}).explain("ana", "ed")
    assert base["score"] == pytest.approx(0.65) and base["logistics"] == 1
    assert tuned["logistics"] == pytest.approx((1 - 0.4 * 6 / 12) * 0.5)
    assert tuned["score"] == pytest.approx(0.65 * tuned["logistics"])
    window = pairwell.match(PEOPLE, "mentoring", {"window": [4, 5]}).explain("ana", "ed")
    assert window["seniority"] == 1


def test_extra_columns_are_kept_for_fairness():
    frame = pd.DataFrame(PEOPLE).assign(site=["a", "b", "a", "b", "a", "b"])
    table = pairwell.match(frame, "mentoring").fairness("site")
    assert list(table.columns) == ["site", "participants", "matched", "match_rate", "mean_score"]
    assert table["participants"].sum() == 5  # ana, bo, cy, di, ed take part in mentoring
    with pytest.raises(pairwell.ConfigError, match="unknown column"):
        pairwell.match(frame, "mentoring").fairness("nope")


def test_result_repr_and_html():
    result = pairwell.match(PEOPLE, "mentoring")
    assert repr(result) == "MatchResult(program='mentoring', pairs=2, unmatched=1, total=1.4000)"
    html = result._repr_html_()
    assert "<table" in html and "mentoring" in html


def test_row_order_never_changes_the_result():
    frame = pd.DataFrame(PEOPLE)
    for program in pairwell.PROGRAMS:
        expected = pairwell.match(frame, program)
        for seed in range(3):
            assert same_result(pairwell.match(frame.sample(frac=1.0, random_state=seed), program), expected)
    cohort = pairwell.sample_cohort(300, seed=4)
    expected = pairwell.match(cohort, "mentoring")
    shuffled = pairwell.match(cohort.sample(frac=1.0, random_state=1).reset_index(drop=True), "mentoring")
    assert len(expected.pairs) > 20 and same_result(shuffled, expected)


def test_the_engine_releases_the_gil():
    people, _, _ = to_native(pairwell.sample_cohort(3000, seed=1))
    ticks = 0
    done = threading.Event()

    def tick():
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    time.sleep(0.02)
    try:
        before = ticks
        start = time.perf_counter()
        _core.match_people(people, "mentoring")
        seconds = time.perf_counter() - start
        during = ticks - before
    finally:
        done.set()
        ticker.join()
    # Holding the GIL, the ticker could not tick at all during the call.
    assert during >= min(5, seconds / 0.01), (during, seconds)


def test_error_classes():
    assert issubclass(pairwell.CohortError, pairwell.PairwellError)
    assert issubclass(pairwell.ConfigError, pairwell.PairwellError)
    assert issubclass(pairwell.PairwellError, ValueError)


def broken(index: int, **change):
    people = [dict(p) for p in PEOPLE]
    people[index].update(change)
    return people


@pytest.mark.parametrize(
    ("people", "program", "config", "error", "words"),
    [
        (broken(1, id="ana"), "mentoring", None, pairwell.CohortError, r"row 1 \(id 'ana'\) field 'id': duplicate"),
        (broken(1, id=None), "mentoring", None, pairwell.CohortError, "row 1 field 'id': is missing"),
        (PEOPLE, "coaching", None, pairwell.ConfigError, "unknown program 'coaching'"),
        (broken(2, level=float("nan")), "mentoring", None, pairwell.CohortError, "'cy'.*'level': is missing"),
        (broken(2, level=None), "mentoring", None, pairwell.CohortError, "'cy'.*'level': is missing"),
        (broken(2, level="high"), "mentoring", None, pairwell.CohortError, "'cy'.*'level': must be a number"),
        (broken(2, level=10**400), "mentoring", None, pairwell.CohortError, "'cy'.*'level': must be a number"),
        (broken(2, timezone=20), "mentoring", None, pairwell.CohortError, "'cy'.*'timezone'"),
        (broken(2, manager="zed"), "mentoring", None, pairwell.CohortError, "'cy'.*manager 'zed' is not in"),
        (broken(0, manager="cy"), "mentoring", None, pairwell.CohortError, "manager cycle: .*ana.*cy"),
        (broken(1, capacity=-1), "mentoring", None, pairwell.CohortError, "'bo'.*'capacity'"),
        (broken(1, capacity=1.5), "mentoring", None, pairwell.CohortError, "'bo'.*'capacity'"),
        (broken(1, capacity=2**40), "mentoring", None, pairwell.CohortError, "'bo'.*'capacity'"),
        (broken(1, roles=["guru"]), "mentoring", None, pairwell.CohortError, "'bo'.*unknown role 'guru'"),
        (broken(1, goals=[1, 2]), "mentoring", None, pairwell.CohortError, "'bo'.*'goals'"),
        (broken(1, skills={"sql": 9}), "mentoring", None, pairwell.CohortError, "'bo'.*skills.sql"),
        (broken(1, skills="sql"), "mentoring", None, pairwell.CohortError, "'bo'.*python:4"),
        (PEOPLE, "mentoring", {"never": [["ana", "zed"]]}, pairwell.ConfigError, 'never: unknown id "zed"'),
        (PEOPLE, "mentoring", {"pin": [["zed", "cy"]]}, pairwell.ConfigError, 'pin: unknown id "zed"'),
        (PEOPLE, "mentoring", {"pin": [["ana", "cy"]]}, pairwell.ConfigError, '"ana".*"cy".*reporting_chain'),
        (PEOPLE, "mentoring", {"pin": [["bo", "di"], ["bo", "ed"]]}, pairwell.ConfigError, '"bo".*"ed".*capacity'),
        (PEOPLE, "mentoring", {"pin": [["ed", "di"]]}, pairwell.ConfigError, '"ed".*giver role'),
        (PEOPLE, "mentoring", {"wieghts": {}}, pairwell.ConfigError, "wieghts"),
        (PEOPLE, "mentoring", {"weights": {"luck": 1}}, pairwell.ConfigError, "luck"),
        (PEOPLE, "mentoring", {"weights": {"skills": -1}}, pairwell.ConfigError, "weights.skills"),
        (PEOPLE, "mentoring", {"min_score": 2}, pairwell.ConfigError, "min_score"),
        (PEOPLE, "mentoring", {"min_score": "high"}, pairwell.ConfigError, "key 'min_score'"),
        (PEOPLE, "mentoring", {"min_score": float("nan")}, pairwell.ConfigError, "min_score"),
        (PEOPLE, "mentoring", {"window": [3, 1]}, pairwell.ConfigError, "window"),
        (PEOPLE, "mentoring", ["min_score"], pairwell.ConfigError, "dict or a path"),
        ([], "mentoring", None, pairwell.CohortError, "empty"),
        ("missing.csv", "mentoring", None, pairwell.CohortError, "does not exist"),
        (PEOPLE, "mentoring", "rules.yaml", pairwell.ConfigError, "does not exist"),
    ],
)
def test_bad_input(people, program, config, error, words):
    with pytest.raises(error, match=words) as info:
        pairwell.match(people, program, config)
    assert isinstance(info.value, pairwell.PairwellError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('pin = [["bo", "ed", "di"]]', '"pin": expected 2 entries'),
        ("window = [1, 2, 3]", '"window": expected 2 entries'),
        ("min_score = nan", "min_score"),
        ("min_scor = 0.1", "min_scor"),
        ("min_score = ", "TOML parse error"),
    ],
)
def test_bad_toml_config(tmp_path, toml, words):
    path = tmp_path / "rules.toml"
    path.write_text(toml)
    with pytest.raises(pairwell.ConfigError, match=words):
        pairwell.match(PEOPLE, "mentoring", path)


def test_bad_file_suffixes(tmp_path):
    people, config = tmp_path / "people.txt", tmp_path / "rules.yaml"
    people.write_text("id,level\n")
    config.write_text("")
    with pytest.raises(pairwell.CohortError, match=r"must end in \.csv, \.tsv"):
        pairwell.match(people, "mentoring")
    with pytest.raises(pairwell.ConfigError, match=r"must end in \.toml or \.json"):
        pairwell.match(PEOPLE, "mentoring", config)
