"""Many cohorts at once: a Python loop of ``pairwell.match`` against ``pairwell.match_groups``
(one parallel native call) and ``pairwell.dask.match_groups`` on a 2-worker LocalCluster.
``python benches/many_cohorts.py --cohorts 1000 --size 600 --output F``.

Cohort ``i`` is ``sample_cohort(size, seed=i)`` with column ``cohort = i``: ids repeat across
cohorts, and grouping keeps them apart. Every path's pairs are checked equal to the loop's.
"""

from __future__ import annotations

import argparse
import datetime
import os
import time

import dask
import dask.dataframe as dd
import numpy as np
import pairwell
import pairwell.dask
import pandas as pd
from distributed import Client, LocalCluster
from pairwell import _core
from pairwell.groups import request
from pairwell.people import to_native
from solver_peers import machine


def _loop(table: pd.DataFrame, program: str) -> pd.DataFrame:
    return pd.concat(
        [pairwell.match(rows, program).pairs.assign(cohort=key) for key, rows in table.groupby("cohort")],
        ignore_index=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cohorts", type=int, default=1000)
    parser.add_argument("--size", type=int, default=600)
    parser.add_argument("--program", default="mentoring", choices=pairwell.PROGRAMS)
    parser.add_argument("--output", help="also write the results as markdown to this file")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    table = pd.concat(
        [pairwell.sample_cohort(args.size, seed=i).assign(cohort=i) for i in range(args.cohorts)], ignore_index=True
    )
    people = len(table)
    print(f"{args.cohorts} cohorts of {args.size} ({people} people), {args.program}, {cores} cores", flush=True)

    start = time.perf_counter()
    expected = _loop(table, args.program)
    loop = time.perf_counter() - start
    print(f"loop of match: {loop:.2f} s", flush=True)

    start = time.perf_counter()
    grouped = pairwell.match_groups(table, args.program, "cohort")
    together = time.perf_counter() - start
    pd.testing.assert_frame_equal(grouped.pairs.drop(columns="cohort"), expected.drop(columns="cohort"))
    print(f"match_groups: {together:.2f} s", flush=True)

    # Where match_groups spends its time: reading the table, and the native call; and the
    # native part alone against a loop of native single-cohort calls.
    _, config = request(args.program, "cohort", None)
    every_code = table["cohort"].to_numpy(dtype="int64")
    start = time.perf_counter()
    people_read, _, _ = to_native(table, groups=every_code.tolist())
    reading = time.perf_counter() - start
    rows = np.asarray(people_read.rows(), dtype="int64")
    codes = every_code[rows]
    start = time.perf_counter()
    _core.match_groups(people_read, codes, [str(i) for i in range(args.cohorts)], args.program, config)
    native = time.perf_counter() - start
    singles = [to_native(group)[0] for _, group in table.groupby("cohort")]
    start = time.perf_counter()
    for one in singles:
        _core.match_people(one, args.program, config)
    native_loop = time.perf_counter() - start
    print(
        f"  reading {reading:.2f} s, native call {native:.2f} s (loop of native calls {native_loop:.2f} s)", flush=True
    )

    # Dask takes list and dict fields in their CSV encoding (see pairwell.dask).
    encoded = pd.DataFrame(people_read.text_columns()).assign(cohort=codes)
    start = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    startup = time.perf_counter() - start
    ddf = dd.from_pandas(encoded, npartitions=2 * 2, sort=False)
    start = time.perf_counter()
    result = pairwell.dask.match_groups(ddf, args.program, "cohort")
    pairs, _, _ = dask.compute(result.pairs, result.unmatched, result.metrics)
    on_dask = time.perf_counter() - start
    client.close()
    cluster.close()
    pairs = pairs.sort_values(["cohort", "giver", "receiver"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(pairs, grouped.pairs, check_dtype=False)
    print(f"dask: {on_dask:.2f} s (+ {startup:.2f} s cluster start)", flush=True)

    rate = args.cohorts / together / cores
    rows = [
        ("Python loop of `match`", loop),
        ("`match_groups` (one native call)", together),
        ("`pairwell.dask.match_groups`, 2-worker LocalCluster", on_dask),
    ]
    header = "| path | seconds | cohorts / s | speed-up over the loop |\n|---|---:|---:|---:|"
    lines = [header] + [f"| {name} | {s:.2f} | {args.cohorts / s:.1f} | {loop / s:.2f}× |" for name, s in rows]
    notes = [
        f"Dask cluster start-up: {startup:.2f} s more; its overhead over `match_groups` is "
        f"{on_dask - together:+.2f} s (shuffle, pickling, two processes reading their share).",
        f"`match_groups` split: {reading:.2f} s reading and checking the table (serial, as in the loop), "
        f"{native:.2f} s in the native call; the native call alone is {native_loop / native:.2f}× a loop of "
        f"native single-cohort calls ({native_loop:.2f} s).",
        f"Projected throughput of `match_groups`: {rate:.1f} cohorts of {args.size} per second per core "
        f"({rate * args.size:,.0f} people per second per core).",
    ]
    print("\n".join([*lines, "", *notes]))
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            today = datetime.date.today().isoformat()
            out.write(f"# Many cohorts at once\n\nMeasured {today} on {machine()}.\n")
            out.write(
                f"{args.cohorts} cohorts of {args.size} people ({people:,} people), {args.program}; "
                "one run each, every path's pairs checked equal to the loop's.\n\n"
            )
            out.write("\n".join(lines) + "\n\n" + "\n".join(f"- {n}" for n in notes) + "\n")


if __name__ == "__main__":
    main()
