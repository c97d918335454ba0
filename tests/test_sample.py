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


@pytest.mark.parametrize(
    "seed, error", [(-1, pairwell.PairwellError), (2**64, pairwell.PairwellError), (0.5, TypeError), (None, TypeError)]
)
def test_bad_seeds_raise(seed, error):
    with pytest.raises(error, match="seed"):
        pairwell.sample_cohort(10, seed=seed)
    assert issubclass(pairwell.PairwellError, ValueError)


@pytest.mark.parametrize("n, error", [(2**64, pairwell.PairwellError), (-1, pairwell.PairwellError), (2.0, TypeError)])
def test_bad_sizes_raise(n, error):
    with pytest.raises(error, match="n must be"):
        pairwell.sample_cohort(n)


@pytest.mark.parametrize("n", [2**64 - 1, 10**12, 2**50])
def test_impossible_sizes_are_a_memory_error_naming_the_bytes(n):
    # Each needs more bytes than an address space holds, so the reservation fails on any machine
    # before anything is built (issue 11: an abort, or a PanicException for 2**64 - 1, before).
    with pytest.raises(MemoryError, match=rf"a sample cohort of {n} people needs \d+ bytes"):
        pairwell.sample_cohort(n)
    assert len(pairwell.sample_cohort(3)) == 3  # and the next call works


@pytest.mark.parametrize("enabled", [True, False])
def test_garbage_collector_is_left_as_found(enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        pairwell.sample_cohort(50)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
