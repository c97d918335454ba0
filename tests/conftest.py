"""Shared fixtures: one table of 50 mixed cohorts for the grouped matching tests (in-process,
Dask and Spark)."""

from __future__ import annotations

import pairwell
import pandas as pd
import pytest
from pairwell.people import write_people_csv

#: How many cohorts :func:`cohorts` holds, and which of them are special.
COHORTS = 50


def _cohort(i: int) -> pd.DataFrame:
    if i % 10 == 3:  # one person
        return pairwell.sample_cohort(1, seed=i)
    if i % 10 == 7:  # people, but nobody opted into any program: no participants at all
        return pairwell.sample_cohort(4, seed=i).assign(roles=[[] for _ in range(4)])
    return pairwell.sample_cohort(5 + (i * 37) % 110, seed=i)


@pytest.fixture(scope="session")
def cohorts(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """50 cohorts in one table, as a warehouse export holds them: every field a string in the
    CSV encoding (``python:4;sql:3``, ``a;b``), column ``org`` naming the cohort (``org00``...;
    cohort 49's is missing) and ``region`` (``r0``-``r2``) a second grouping column. Ids repeat
    across cohorts (each is its own organisation); rows are interleaved across cohorts."""
    folder = tmp_path_factory.mktemp("cohorts")
    texts = []
    for i in range(COHORTS):  # each cohort encoded on its own: ids repeat across cohorts
        path = folder / f"people{i:02d}.csv"
        write_people_csv(_cohort(i).assign(org=f"org{i:02d}", region=f"r{i % 3}"), path)
        texts.append(pd.read_csv(path, dtype=str, keep_default_na=False))
    # Nobody gives preferences: without the empty column, a cluster's pairs tables declare the
    # same components as the local ones (a `preferences` column declares `preference`).
    table = pd.concat(texts, ignore_index=True).drop(columns="preferences")
    table["org"] = table["org"].astype(object).where(table["org"] != "org49", None)
    return table.sample(frac=1.0, random_state=0).reset_index(drop=True)
