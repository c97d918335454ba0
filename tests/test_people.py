"""People data as it really comes (issue 7): every table form gives the same pairs; an HR
export with its own column names, mixed case, departed managers, a self-managed CEO and
duplicate rows is matched with ``columns=`` and ``unknown_manager="ignore"`` and lists every
problem without them; names are compared case-folded; CSV cells round-trip any text; bad files
and cells are pairwell errors; results travel (dict, JSON, pickle, deepcopy, Arrow, polars)."""

from __future__ import annotations

import copy
import json
import math
import pickle

import pairwell
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pl = pytest.importorskip("polars")


def pair_set(result: pairwell.MatchResult) -> set[tuple[str, str]]:
    return set(zip(result.pairs["giver"], result.pairs["receiver"]))


@pytest.fixture(scope="module")
def cohort() -> pd.DataFrame:
    return pairwell.sample_cohort(300, seed=3)


def test_every_table_form_gives_the_same_pairs(cohort, tmp_path):
    expected = pairwell.match(cohort, "mentoring")
    table = pa.Table.from_pandas(cohort, preserve_index=False)
    parquet = tmp_path / "people.parquet"
    pq.write_table(table, parquet)
    jsonl = tmp_path / "people.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in cohort.to_dict("records")))
    tsv = tmp_path / "people.tsv"
    pairwell.write_people_csv(cohort, tmp_path / "people.csv")
    pd.read_csv(tmp_path / "people.csv", dtype=str, keep_default_na=False).to_csv(tsv, sep="\t", index=False)
    polars_frame = pl.from_arrow(table)
    forms = {
        "parquet": parquet,
        "pyarrow": table,
        "reader": table.to_reader(),
        "batches": pa.Table.from_batches(table.to_batches()),
        "polars": polars_frame,
        "lazy": polars_frame.lazy(),
        "jsonl": jsonl,
        "tsv": tsv,
    }
    for name, people in forms.items():
        result = pairwell.match(people, "mentoring")
        assert pair_set(result) == pair_set(expected), name
        assert result.total == pytest.approx(expected.total, abs=1e-9), name
    # The parquet file holds skills as a map column: absent keys are null, which means absent.
    assert pairwell.read_people(parquet)["skills"].tolist() == pairwell.read_people(cohort)["skills"].tolist()


def test_struct_skills_with_nulls_are_absent():
    table = pa.table(
        {
            "id": ["m", "e"],
            "level": [6, 3],
            "skills": [{"python": 5.0, "sql": None}, {"python": None, "sql": 1.0}],
            "goals": [[], ["python"]],
            "roles": [["mentor"], ["mentee"]],
        }
    )
    people = pairwell.read_people(table)
    assert people["skills"].tolist() == [{"python": 5.0}, {"sql": 1.0}]
    assert pair_set(pairwell.match(table, "mentoring")) == {("m", "e")}


def test_arrow_columns_are_read_as_their_python_values():
    # Map values that are null, dictionary-encoded text, large lists, unsigned and 32-bit
    # numbers, string views and an all-null column: read in Rust from the Arrow arrays, they
    # give what the same values as Python objects give.
    table = pa.table(
        {
            "id": pa.array(["m", "e", "f"]).dictionary_encode(),
            "level": pa.array([6, 3, 2], pa.uint8()),
            "skills": pa.array(
                [[("python", 5.0), ("sql", None)], [("python", None), ("sql", 1.0)], None],
                pa.map_(pa.string(), pa.float32()),
            ),
            "goals": pa.array([[], ["python"], ["sql", "python"]], pa.large_list(pa.large_string())),
            "department": pa.array(["eng", "data", None], pa.string_view()),
            "timezone": pa.array([None, None, None], pa.null()),
            "languages": pa.array([["en"], ["en"], ["en"]], pa.list_(pa.string(), 1)),
            "roles": pa.array([["mentor"], ["mentee"], ["mentee"]]),
            "capacity": pa.array([2, 1, 1], pa.int16()),
        }
    )
    people = pairwell.read_people(table)
    assert people["skills"].tolist() == [{"python": 5.0}, {"sql": 1.0}, {}]
    assert people.drop(columns="skills").equals(pairwell.read_people(table.to_pylist()).drop(columns="skills"))
    categorical = pl.from_arrow(table.cast(table.schema.set(0, pa.field("id", pa.string())))).with_columns(
        pl.col("department").cast(pl.Categorical)
    )
    assert pairwell.read_people(categorical).equals(people)
    assert pair_set(pairwell.match(table, "mentoring")) == {("m", "e"), ("m", "f")}


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("level", pa.array(["senior", "3", "x"])),
        ("id", pa.array([1.5, 2.0, None])),
        ("id", pa.array(["m", "m", "f"])),  # a duplicate id, in the next batch when one row a batch
        ("goals", pa.array([1, 2, 3])),
        ("department", pa.array([["eng"], [], None])),
        ("target", pa.array([{"a": 1}, None, {"a": 2}])),
        ("timezone", pa.array([0, 2**63, 3], pa.uint64())),
        ("manager", pa.array([b"m", None, b"e"])),
        ("capacity", pa.array([0, 1, 2], pa.timestamp("s"))),
        ("skills", pa.array([["python"], [], None])),
    ],
)
def test_a_wrong_arrow_type_gives_the_problems_of_the_object_path(column, values):
    base = {"id": ["m", "e", "f"], "level": [6, 3, 2], "roles": [["mentor"], ["mentee"], ["mentee"]]}
    table = pa.table({**base, column: values})
    caught = []
    # One batch, a batch per row (rows numbered across batches), and the same rows as dicts.
    for people in (table, pa.Table.from_batches(table.to_batches(max_chunksize=1)), table.to_pylist()):
        with pytest.raises(pairwell.CohortError) as info:
            pairwell.read_people(people)
        caught.append((info.value.problems, str(info.value)))
    assert caught[0] == caught[1] == caught[2]


HR_COLUMNS = {
    "Employee ID": "id",
    "Job Level": "level",
    "Manager ID": "manager",
    "Department": "department",
    "Programs": "roles",
    "Wants To Learn": "goals",
    "Can Teach": "expertise",
}


@pytest.fixture
def hr_export(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Employee ID,Job Level,Manager ID,Department,Programs,Wants To Learn,Can Teach\n"
        "00100,8,00100,Executive,mentor,,Strategy\n"  # the CEO manages themself
        "00123,6,00100,Engineering,mentor,,Python;SQL\n"
        "00124,6,136810,Sales,mentor,,Negotiation\n"  # manager left the company
        "00200,3,00123,engineering,mentee,python,\n"
        "00201,2,999999,SALES,mentee,negotiation,\n"  # manager left too
        "00201,2,999999,SALES,mentee,negotiation,\n"  # an exact duplicate row
        "00202,3,00124,Sales,mentee,strategy ,\n"
    )
    return path


def test_a_messy_hr_export(hr_export):
    with pytest.warns(UserWarning, match="'Department' is not a field; did you mean 'department'"):
        with pytest.raises(pairwell.CohortError) as info:
            pairwell.read_people(hr_export)
    assert {p["field"] for p in info.value.problems} == {"id", "level"}  # no column is called id or level
    with pytest.raises(pairwell.CohortError) as info:
        pairwell.match(hr_export, "mentoring", columns=HR_COLUMNS)
    assert str(info.value).startswith("2 problems: row 2 (id '00124') field 'manager': manager '136810'")
    assert [(p["row"], p["id"], p["field"]) for p in info.value.problems] == [
        (2, "00124", "manager"),
        (4, "00201", "manager"),
    ]
    with pytest.warns(UserWarning) as caught:
        result = pairwell.match(hr_export, "mentoring", {"unknown_manager": "ignore"}, columns=HR_COLUMNS)
    assert len(result.warnings) == 3 and len(caught) == 3
    assert "manager '136810' is not in the cohort; they are the top of their known chain" in result.warnings[1]
    # Case-folded, trimmed names match ('strategy ' and 'Strategy', 'negotiation' and
    # 'Negotiation'); 00200 reports to 00123, who reports to the self-managed CEO: both are in
    # 00200's chain. 00202's chain ends at 00124, whose manager left: the CEO may mentor them.
    assert pair_set(result) == {("00100", "00202"), ("00124", "00201")}
    assert set(result.unmatched["id"]) == {"00123", "00200"}
    pairs = result.pairs.set_index("receiver")
    assert pairs.loc["00201", "giver"] == "00124" and pairs.loc["00201", "expertise"] == 1.0
    assert result.explain("00100", "00200")["rule"] == "reporting_chain"
    with pytest.raises(pairwell.CohortError, match='unknown id "123"'):
        result.explain(123, 200)  # the ids are text with leading zeros


def test_names_are_compared_case_folded_unless_normalize_is_false():
    people = [
        {"id": "m", "level": 6, "expertise": ["  Python"], "languages": ["English"], "roles": ["mentor"]},
        {"id": "e", "level": 4, "goals": ["python"], "languages": ["ENGLISH"], "roles": ["mentee"]},
        {"id": "s", "level": 4, "goals": ["STRASSE"], "languages": ["english"], "roles": ["mentee"]},
        {"id": "t", "level": 6, "expertise": ["Straße"], "languages": ["english"], "roles": ["mentor"]},
    ]
    folded = pairwell.match(people, "mentoring")
    assert folded.explain("m", "e")["expertise"] == 1 and folded.explain("m", "e")["shared_language"]
    assert folded.explain("t", "s")["expertise"] == 1  # full case folding: ß is ss
    plain = pairwell.match(people, "mentoring", {"normalize": False})
    assert plain.explain("m", "e")["expertise"] == 0 and not plain.explain("m", "e")["shared_language"]
    # Outputs keep what was written.
    assert pairwell.read_people(people)["expertise"][0] == ["  Python"]


def test_outputs_show_the_first_spelling_seen():
    people = [
        {"id": "m", "level": 6, "department": " Sales", "expertise": ["Python"], "languages": ["English"]},
        {"id": "e", "level": 4, "department": "SALES", "goals": ["python "], "skills": {"PYTHON": 1.0}},
        {"id": "f", "level": 3, "department": "eng", "target": "sales", "goals": ["PyThon"], "languages": ["english"]},
    ]
    people = [{**p, "roles": ["mentor" if p["id"] == "m" else "mentee"]} for p in people]
    config = {"allow_same_department": True}
    result = pairwell.match(people, "mentoring", config)
    table = result.people.set_index("id")
    assert table["department"].tolist() == ["Sales", "Sales", "eng"]
    assert table.loc["e", "goals"] == ["Python"] and table.loc["e", "skills"] == {"Python": 1.0}
    assert table.loc["f", "target"] == "Sales" and table.loc["f", "languages"] == ["English"]
    assert result.fairness("department")["department"].tolist() == ["Sales", "eng"]
    grouped = pairwell.match_groups(pd.DataFrame(people).assign(country="FR"), "mentoring", "country", config)
    assert grouped["FR"].people["department"].tolist() == ["Sales", "Sales", "eng"]
    # Off, every table shows what was written.
    plain = pairwell.match(people, "mentoring", {**config, "normalize": False})
    assert plain.people["department"].tolist() == [" Sales", "SALES", "eng"]
    assert plain.people.set_index("id").loc["e", "goals"] == ["python "]


names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1).filter(lambda s: s.strip() != "")


@settings(max_examples=60, deadline=None)
@given(
    ident=names,
    skills=st.dictionaries(names, st.sampled_from([0.0, 1.5, 5.0]), max_size=3),
    goals=st.lists(names, max_size=3),
    department=names,
)
def test_csv_round_trips_any_text(tmp_path_factory, ident, skills, goals, department):
    people = [{"id": ident, "level": 3.5, "skills": skills, "goals": goals, "department": department, "timezone": -3}]
    path = tmp_path_factory.mktemp("csv") / "people.csv"
    pairwell.write_people_csv(people, path)
    back = pairwell.read_people(path)
    expected = pairwell.read_people(people)
    assert back.to_dict("records")[0] == expected.to_dict("records")[0]


def test_time_zones_missing_nan_or_out_of_range():
    people = [
        {"id": "m", "level": 6, "timezone": float("nan"), "roles": ["mentor"]},
        {"id": "e", "level": 4, "timezone": 9, "roles": ["mentee"]},
    ]
    result = pairwell.match(people, "mentoring", {"max_timezone_gap": 0, "timezone_weight": 1})
    explained = result.explain("m", "e")
    assert explained["allowed"] and explained["logistics"] == 1 and math.isnan(explained["timezone_gap"])
    with pytest.raises(pairwell.CohortError, match="'timezone': is 15"):
        pairwell.match([{**people[0], "timezone": 15}, people[1]], "mentoring")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"id": pd.NA}, "row 0 field 'id': is missing"),
        ({"id": None}, "row 0 field 'id': is missing"),
        ({"id": ["a"]}, "'id': must be text or a whole number, got a list"),
        ({"id": True}, "'id': must be text or a whole number, got the boolean"),
        ({"target": {"a": 1}}, "'target': must be text, got a dict"),
        ({"department": ["eng"]}, "'department': must be text, got a list"),
        ({"id": "bad\ud800id"}, "lone surrogate"),
    ],
)
def test_bad_cells_are_cohort_errors(change, words):
    people = [{"id": "m", "level": 6, "roles": ["mentor"], **change}, {"id": "e", "level": 4, "roles": ["mentee"]}]
    with pytest.raises(pairwell.CohortError, match=words):
        pairwell.match(people, "mentoring")


def test_integer_ids_everywhere():
    people = [
        {"id": 1, "level": 6, "roles": ["mentor"], "capacity": 2},
        {"id": 2, "level": 4, "roles": ["mentee"], "manager": 1.0},
        {"id": 3, "level": 4, "roles": ["mentee"]},
        {"id": 4, "level": 4, "roles": ["mentee"]},
    ]
    result = pairwell.match(people, "mentoring", {"never": [[1, 3]], "pin": [[1, 4]]})
    assert pair_set(result) == {("1", "4")}
    assert result.explain(1, 3)["rule"] == "never" and result.explain(1, 2)["rule"] == "reporting_chain"
    with pytest.raises(TypeError, match="ids are text or whole numbers"):
        result.explain(1.5, 3)


def test_every_problem_at_once_at_most_a_hundred():
    people = [{"id": f"p{i}", "level": 3, "manager": f"gone{i}"} for i in range(130)]
    with pytest.raises(pairwell.CohortError) as info:
        pairwell.match(people, "mentoring")
    error = info.value
    assert len(error.problems) == 100 and error.more_problems == 30
    assert error.problems[0] == {
        "row": 0,
        "id": "p0",
        "field": "manager",
        "message": "manager 'gone0' is not in the cohort",
    }
    assert str(error).startswith("130 problems: row 0 (id 'p0') field 'manager'")
    assert str(error).endswith("and 125 more (every one is in .problems)")
    with pytest.raises(pairwell.ConfigError) as config_error:
        pairwell.match(people[:1], "mentoring", {"min_score": 3})
    assert config_error.value.problems[0]["field"] == "min_score"


def test_near_miss_columns_warn():
    with pytest.warns(UserWarning, match="people column 'skils' is not a field; did you mean 'skills'"):
        table = pairwell.read_people([{"id": "a", "level": 1, "skils": {"python": 3}}])
    assert "skils" in table.columns


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("people.json", b"[{", "is not valid JSON"),
        ("people.csv", "id,level\nJos\xe9,3\n".encode("latin-1"), "is not UTF-8 text"),
        ("people.csv", b"", "is empty: no header row"),
        ("people.jsonl", b'{"id": "a"}\n{oops', "is not valid JSON"),
    ],
)
def test_bad_files_are_cohort_errors(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(pairwell.CohortError, match=words):
        pairwell.read_people(path)


def test_a_directory_and_duplicate_columns_are_cohort_errors(tmp_path):
    folder = tmp_path / "people.csv"
    folder.mkdir()
    with pytest.raises(pairwell.CohortError, match="is a directory"):
        pairwell.match(folder, "mentoring")
    frame = pd.DataFrame([["a", 1, 2]], columns=["id", "level", "level"])
    with pytest.raises(pairwell.CohortError, match="duplicate column names: 'level'"):
        pairwell.match(frame, "mentoring")
    with pytest.raises(TypeError, match="people must be a DataFrame"):
        pairwell.match(42, "mentoring")
    with pytest.raises(TypeError, match="sequence of int"):
        pairwell.match([1, 2], "mentoring")


def test_weights_are_scaled_before_summing():
    people = [{"id": "m", "level": 6, "roles": ["mentor"]}, {"id": "e", "level": 4, "roles": ["mentee"]}]
    zero = {"goals": 0, "expertise": 0, "reciprocity": 0}
    plain = pairwell.match(people, "mentoring", {"weights": {"skills": 1, "seniority": 1, **zero}})
    huge = pairwell.match(people, "mentoring", {"weights": {"skills": 1e308, "seniority": 1e308, **zero}})
    assert huge.total == pytest.approx(plain.total) and huge.total > 0
    with pytest.raises(pairwell.ConfigError, match=r"weights\.seniority"):
        pairwell.match(people, "mentoring", {"weights": {"seniority": math.inf}})


def test_allow_same_department_and_its_deprecated_old_name():
    people = [
        {"id": "m", "level": 6, "department": "eng", "roles": ["mentor"]},
        {"id": "e", "level": 4, "department": "eng", "roles": ["mentee"]},
    ]
    assert pairwell.match(people, "mentoring", {"allow_same_department": False}).pairs.empty
    with pytest.warns(DeprecationWarning, match="use 'allow_same_department'"):
        old = pairwell.match(people, "mentoring", {"same_department": False})
    assert old.explain("m", "e")["rule"] == "same_department"


def test_results_travel(cohort):
    result = pairwell.match(cohort, "mentoring")
    as_dict = result.to_dict()
    assert as_dict["program"] == "mentoring" and len(as_dict["pairs"]) == len(result.pairs)
    assert json.loads(result.to_json()) == as_dict
    for copied in (pickle.loads(pickle.dumps(result)), copy.deepcopy(result)):
        copied.verify()
        assert copied.pairs.equals(result.pairs) and copied.total == result.total
        giver, receiver = result.pairs.iloc[0][["giver", "receiver"]]
        assert copied.explain(giver, receiver) == result.explain(giver, receiver)
    arrow = result.to_arrow()
    assert arrow["pairs"].num_rows == len(result.pairs)
    assert arrow["unmatched"].schema.field("detail").type == pa.map_(pa.string(), pa.int64())
    frames = result.to_polars()
    assert frames["pairs"].height == len(result.pairs) and frames["unmatched"].height == len(result.unmatched)


def test_an_empty_side_gives_json_without_nan():
    with pytest.warns(UserWarning, match="nobody opted into the role 'mentee'"):
        result = pairwell.match([{"id": "m", "level": 6, "roles": ["mentor"]}], "mentoring")
    text = result.to_json()
    assert "NaN" not in text and json.loads(text)["metrics"]["mean_score"] is None


def test_lists_and_dicts_printed_as_text_are_named():
    # What dask's from_pandas makes of list and dict columns: their printed form, as text.
    people = pairwell.sample_cohort(20, seed=1)
    for column in ("skills", "goals", "expertise", "roles"):
        people[column] = people[column].map(str)
    with pytest.raises(pairwell.CohortError) as info:
        pairwell.read_people(people)
    fields = {p["field"] for p in info.value.problems}
    assert {"skills", "roles"} <= fields and ({"goals", "expertise"} & fields)
    assert "is a dict printed as text" in str(info.value)
    assert all("'dataframe.convert-string'" in p["message"] for p in info.value.problems)
    # A name in brackets alone is not a printed list.
    named = pairwell.read_people([{"id": "a", "level": 1, "goals": "[beta] program;sql"}])
    assert named["goals"].tolist() == [["[beta] program", "sql"]]


def test_extra_columns_reach_criteria_and_floors_from_every_table_form(cohort, tmp_path):
    people = cohort.assign(site=[["lyon", "oslo", "pune"][i % 3] for i in range(len(cohort))])
    config = {
        "criteria": [{"name": "same_site", "kind": "same", "giver": "site", "receiver": "site", "weight": 0.5}],
        "floors": [{"by": "site", "rate": 0.5}],
    }
    expected = pairwell.match(people, "mentoring", config)
    assert "same_site" in expected.pairs.columns and expected.pairs["same_site"].mean() > 0.5
    table = pa.Table.from_pandas(people, preserve_index=False)
    pq.write_table(table, tmp_path / "people.parquet")
    forms = {"pyarrow": table, "polars": pl.from_arrow(table), "parquet": tmp_path / "people.parquet"}
    for name, form in forms.items():
        result = pairwell.match(form, "mentoring", config)
        assert pair_set(result) == pair_set(expected), name
        assert result.pairs["same_site"].tolist() == expected.pairs["same_site"].tolist(), name
