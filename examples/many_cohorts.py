"""Many cohorts in one call: locally with ``pairwell.match_groups``, then on a Dask cluster.

One table holds several independent cohorts (here one per country); each is matched on its own,
exactly as ``pairwell.match`` would match its rows alone, in one parallel native call. The same
call on a Dask DataFrame runs on a cluster (here a small ``LocalCluster``) and returns lazy
tables; both give the same pairs.

    python examples/many_cohorts.py [--no-dask]
"""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

import pairwell
import pandas as pd

COUNTRIES = ["DE", "FR", "IN", "US"]


def people() -> pd.DataFrame:
    """Four sample cohorts with a `country` column; ids repeat across cohorts (that is fine:
    they need only be unique within a group)."""
    cohorts = [pairwell.sample_cohort(150, seed=i).assign(country=c) for i, c in enumerate(COUNTRIES)]
    return pd.concat(cohorts, ignore_index=True)


def local(table: pd.DataFrame) -> pd.DataFrame:
    grouped = pairwell.match_groups(table, "mentoring", by="country")
    print(grouped.metrics[["country", "total", "mean_score", "matched"]].to_string(index=False))
    grouped["FR"].verify()  # each group is a full MatchResult
    return grouped.pairs


def on_dask(table: pd.DataFrame, folder: Path) -> pd.DataFrame:
    """The same on a Dask cluster, reading the cohorts from CSV files as a cluster job would
    (list and dict fields in their CSV encodings, ``a;b`` and ``python:4;sql:3``; dask turns
    Python lists and dicts in object columns into their text, which pairwell cannot read)."""
    import dask
    import dask.dataframe as dd
    import pairwell.dask
    from distributed import Client, LocalCluster

    for country, rows in table.groupby("country"):
        pairwell.write_people_csv(rows, folder / f"people_{country}.csv")
    quiet = {"silence_logs": logging.ERROR, "dashboard_address": None}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, **quiet) as cluster, Client(cluster):
        ddf = dd.read_csv(str(folder / "people_*.csv"), dtype=str, keep_default_na=False)
        result = pairwell.dask.match_groups(ddf, "mentoring", by="country")
        (pairs,) = dask.compute(result.pairs)
    return pairs


def main(use_dask: bool = True) -> None:
    table = people()
    pairs = local(table)
    print(f"match_groups: {len(pairs)} pairs in {table['country'].nunique()} cohorts")
    if use_dask:
        with tempfile.TemporaryDirectory() as folder:
            distributed_pairs = on_dask(table, Path(folder))
        key = ["country", "giver", "receiver"]
        same = sorted(distributed_pairs[key].itertuples(index=False)) == sorted(pairs[key].itertuples(index=False))
        print(f"dask: {len(distributed_pairs)} pairs, the same as locally: {same}")
        if not same:
            raise SystemExit("the Dask pairs differ from the local ones")


if __name__ == "__main__":
    main(use_dask="--no-dask" not in sys.argv[1:])
