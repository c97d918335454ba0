"""The sample cohort's DataFrame, cell by cell: types, the opt-in rules, seed checks and the
garbage collector left as found. Seeding, speed and the bundled file are in test_cohorts.py."""

from __future__ import annotations

import gc

import pairwell
import pandas as pd
import pytest
from pairwell.people import FIELDS


@pytest.fixture(scope="module")
def cohort():
    return pairwell.sample_cohort(2000, seed=3)


def test_columns_and_cell_types(cohort):
    assert list(cohort.columns) == list(FIELDS)
    assert {str(cohort[c].dtype) for c in ("level", "timezone")} == {"float64"}
    assert cohort["capacity"].dtype == "int64"
    for column in ("goals", "expertise", "languages", "roles"):
        assert all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in cohort[column])
    assert all(
        isinstance(v, dict) and all(isinstance(k, str) and 0 <= x <= 5 for k, x in v.items()) for v in cohort["skills"]
    )
    for column in ("target", "manager"):
        assert all(isinstance(v, str) or pd.isna(v) for v in cohort[column])
    assert cohort["id"].str.fullmatch(r"p\d{5}").all()


def test_each_row_follows_the_people_rules(cohort):
    level = dict(zip(cohort["id"], cohort["level"]))
    for row in cohort.itertuples():
        assert pd.isna(row.manager) or level[row.manager] > row.level
        assert all(row.skills.get(g, 0) < 3 for g in row.goals)
        if "protege" in row.roles:
            assert isinstance(row.target, str) and 2 <= row.level <= 5
        if "reverse_mentor" in row.roles:
            assert row.level <= 3 and row.expertise
        if "sponsor" in row.roles:
            assert row.level >= 6
    assert cohort["level"].value_counts().idxmax() == 1
    assert cohort["department"].nunique() == 10


def test_empty_and_tiny_cohorts():
    assert pairwell.sample_cohort(0).shape == (0, len(FIELDS))
    assert pairwell.read_people(pairwell.sample_cohort(1)).shape[0] == 1


@pytest.mark.parametrize("seed", [-1, 2**64, 0.5, None])
def test_bad_seeds_raise(seed):
    with pytest.raises(pairwell.PairwellError, match="seed"):
        pairwell.sample_cohort(10, seed=seed)
    assert issubclass(pairwell.PairwellError, ValueError)


@pytest.mark.parametrize("enabled", [True, False])
def test_garbage_collector_is_left_as_found(enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        pairwell.sample_cohort(50)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
