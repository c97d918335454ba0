"""``pairwell.match_groups`` and ``compare_groups``: on 50 mixed cohorts in one table (one-person
cohorts, cohorts with no participants, a cohort with a missing key, ids repeated across
cohorts) every group's pairs, total and unmatched equal a loop of ``pairwell.match`` over the
groups, in all three programs; the tables put the ``by`` columns first; keys are values or
tuples, sorted, a missing key last as None; every input form works; row order changes nothing;
rules hold within a group only; and a bad group, a bad ``by`` or bad codes raise errors naming
them."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pairwell
import pandas as pd
import pytest
from pairwell import _core
from pairwell.compare import METRIC_COLUMNS
from pairwell.groups import typed
from pairwell.matching import PAIR_COLUMNS, UNMATCHED_COLUMNS


def _rows(table: pd.DataFrame, key: str | None) -> pd.DataFrame:
    return table[table["org"].isna()] if key is None else table[table["org"] == key]


@pytest.mark.parametrize("program", pairwell.PROGRAMS)
def test_each_group_equals_its_own_match(cohorts: pd.DataFrame, program: str) -> None:
    grouped = pairwell.match_groups(cohorts, program, "org", {"min_score": 0.1})
    assert len(grouped) == 50
    assert list(grouped) == [f"org{i:02d}" for i in range(49)] + [None]
    pair_tables, unmatched_tables = [], []
    for key in grouped:
        with warnings.catch_warnings():  # a cohort without one side warns that nobody is matched
            warnings.simplefilter("ignore", UserWarning)
            alone = pairwell.match(_rows(cohorts, key), program, {"min_score": 0.1})
        result = grouped[key]
        pd.testing.assert_frame_equal(result.pairs, alone.pairs)
        pd.testing.assert_frame_equal(result.unmatched, alone.unmatched)
        assert result.total == alone.total
        pd.testing.assert_series_equal(
            pd.Series(result.metrics).drop("seconds"), pd.Series(alone.metrics).drop("seconds")
        )
        result.verify()
        pair_tables.append(alone.pairs.assign(org=key))
        unmatched_tables.append(alone.unmatched.assign(org=key))
    for table, parts, columns in (
        (grouped.pairs, pair_tables, PAIR_COLUMNS),
        (grouped.unmatched, unmatched_tables, UNMATCHED_COLUMNS),
    ):
        expected = pd.concat(parts, ignore_index=True)[["org", *columns]]
        pd.testing.assert_frame_equal(table, expected.astype({"org": table["org"].dtype}), check_dtype=False)
    assert list(grouped.metrics.columns) == ["org", *METRIC_COLUMNS]
    assert grouped.metrics["total"].tolist() == [grouped[k].total for k in grouped]
    assert grouped.total == pytest.approx(sum(grouped[k].total for k in grouped))
    # The cohorts without participants and the one-person cohorts are there, matching nobody.
    assert grouped["org07"].pairs.empty and grouped["org07"].unmatched.empty
    assert len(grouped["org03"].people) == 1 and grouped["org03"].pairs.empty


def test_row_order_and_input_form_change_nothing(cohorts: pd.DataFrame, tmp_path) -> None:
    few = cohorts[cohorts["org"].isin(["org01", "org02", "org03", "org05"])]
    expected = pairwell.match_groups(few, "mentoring", "org")
    shuffled = pairwell.match_groups(few.iloc[::-1], "mentoring", "org")
    pd.testing.assert_frame_equal(shuffled.pairs, expected.pairs)
    pd.testing.assert_frame_equal(shuffled.unmatched, expected.unmatched)
    records = pairwell.match_groups(few.to_dict("records"), "mentoring", "org")
    pd.testing.assert_frame_equal(records.pairs, expected.pairs)
    path = tmp_path / "people.csv"
    few.to_csv(path, index=False)
    from_csv = pairwell.match_groups(path, "mentoring", "org")
    pd.testing.assert_frame_equal(from_csv.pairs, expected.pairs)


def test_keys_of_several_columns_are_tuples_and_missing_keys_are_none(cohorts: pd.DataFrame) -> None:
    few = cohorts[cohorts["org"].isin(["org01", "org04"]) | cohorts["org"].isna()]
    grouped = pairwell.match_groups(few, "mentoring", ["region", "org"])
    assert grouped.keys == [("r1", "org01"), ("r1", "org04"), ("r1", None)]
    assert ("r1", None) in grouped and ("r1", np.nan) in grouped and ("r2", "org01") not in grouped
    pd.testing.assert_frame_equal(grouped[("r1", np.nan)].pairs, pairwell.match(_rows(few, None), "mentoring").pairs)
    assert list(grouped.pairs.columns[:2]) == ["region", "org"]
    keys = grouped.metrics[["region", "org"]].itertuples(index=False, name=None)
    assert [tuple(None if pd.isna(v) else v for v in key) for key in keys] == grouped.keys
    with pytest.raises(KeyError):
        grouped["r1"]
    # Numeric keys come back as Python numbers, in numeric order.
    numbered = pairwell.match_groups(
        few.assign(n=few["org"].map({"org01": 10, "org04": 9}).fillna(-1)), "mentoring", "n"
    )
    assert numbered.keys == [-1.0, 9.0, 10.0]
    assert all(type(k) is float for k in numbered)


def test_compare_groups_has_one_row_per_group_and_method(cohorts: pd.DataFrame) -> None:
    few = cohorts[cohorts["org"].isin(["org01", "org02"])]
    table = pairwell.compare_groups(few, "sponsoring", "org", seed=3)
    assert list(table.columns) == ["org", "method", *METRIC_COLUMNS]
    assert table[["org", "method"]].values.tolist() == [
        [org, method] for org in ("org01", "org02") for method in ("optimal", "greedy", "random", "stable")
    ]
    for org in ("org01", "org02"):
        alone = pairwell.compare(_rows(few, org), "sponsoring", seed=3).drop(columns="seconds")
        mine = table[table["org"] == org].drop(columns=["org", "seconds"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, typed(pd.DataFrame(alone)), check_dtype=False)


def test_rules_hold_within_a_group_only() -> None:
    people = [
        {"id": "a", "level": 6, "roles": ["mentor"], "org": "x"},
        {"id": "b", "level": 3, "roles": ["mentee"], "manager": "a", "org": "x"},
        {"id": "a", "level": 6, "roles": ["mentor"], "org": "y"},
        {"id": "b", "level": 3, "roles": ["mentee"], "org": "y"},
    ]
    grouped = pairwell.match_groups(people, "mentoring", "org")
    assert grouped["x"].pairs.empty  # a manages b in x
    assert grouped["y"].pairs[["giver", "receiver"]].values.tolist() == [["a", "b"]]
    # A manager in another group is unknown in this one.
    people[3]["manager"] = "z"
    people.append({"id": "z", "level": 8, "org": "x"})
    with pytest.raises(
        pairwell.CohortError, match=r"^group 'y': .*row 3 \(id 'b'\) field 'manager': manager 'z' is not in"
    ):
        pairwell.match_groups(people, "mentoring", "org")


def test_bad_groups_are_named(cohorts: pd.DataFrame) -> None:
    few = cohorts[cohorts["org"].isin(["org01", "org02", "org05"])].reset_index(drop=True)
    # A second, different row with an id of org05 (an exact repeat would be dropped).
    twice = pd.concat([few, few[few["org"] == "org05"].head(1).assign(level="1")], ignore_index=True)
    with pytest.raises(pairwell.CohortError, match=r"^group 'org05': .*field 'id': duplicate id"):
        pairwell.match_groups(twice, "mentoring", "org")
    # A never pair whose ids only some groups have: the first group (in key order) without them.
    last = max(few.loc[few["org"] == "org05", "id"])
    assert last not in set(few.loc[few["org"] == "org01", "id"])
    with pytest.raises(pairwell.ConfigError, match=rf"^group 'org01': field 'never': never: unknown id \"{last}\""):
        pairwell.match_groups(few, "mentoring", "org", {"never": [["p00001", last]]})


@pytest.mark.parametrize(
    ("by", "message"),
    [
        ("country", r"by: unknown column 'country'"),
        ("roles", r"by: column 'roles' holds lists or dicts"),
        ([], r"by must name at least one column"),
        (["org", "org"], r"by names a column twice"),
        ("score", r"by: column 'score' has the name of a result column"),
    ],
)
def test_bad_by_is_a_config_error(by: object, message: str) -> None:
    people = [{"id": "a", "level": 1, "org": "x", "roles": ["mentee"], "score": 1}]
    with pytest.raises(pairwell.ConfigError, match=message):
        pairwell.match_groups(people, "mentoring", by)  # type: ignore[arg-type]


@pytest.mark.parametrize("by", [3, ["org", 3], None])
def test_by_of_the_wrong_type_is_a_type_error(by: object) -> None:
    with pytest.raises(TypeError, match=r"by must be a column name or a list of column names"):
        pairwell.match_groups([{"id": "a", "level": 1, "org": "x"}], "mentoring", by)  # type: ignore[arg-type]


def test_native_codes_are_checked() -> None:
    payload = _core.People.from_records([{"id": "a", "level": 1}, {"id": "b", "level": 2}])
    with pytest.raises(pairwell.CohortError, match=r"2 people but 1 group codes"):
        _core.match_groups(payload, np.array([0], dtype=np.int64), ["x"], "mentoring")
    with pytest.raises(pairwell.CohortError, match=r"row 1: group code -1 is negative"):
        _core.match_groups(payload, np.array([0, -1], dtype=np.int64), ["x"], "mentoring")
    with pytest.raises(pairwell.CohortError, match=r"group 1 has no people"):
        _core.match_groups(payload, np.array([0, 2], dtype=np.int64), ["x", "y", "z"], "mentoring")


def test_readme_example_runs() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Many cohorts\n.*?```python\n(.*?)```", readme, re.S)
    assert block, "the README lost its many-cohorts example"
    people = pd.concat(
        [
            pairwell.sample_cohort(40, seed=1).assign(country="FR"),
            pairwell.sample_cohort(30, seed=2).assign(country="DE"),
        ]
    )
    scope = {"pairwell": pairwell, "people": people}
    exec(compile(block.group(1), "README.md", "exec"), scope)
    assert scope["grouped"].keys == ["DE", "FR"]
