"""Reading and validating people: ``pairwell.sample_cohort(n)`` handed to the engine's schema
(``pairwell.people.to_native``) in each input form, best of five: pandas and records through
Python objects, pyarrow, polars and parquet read from the Arrow arrays in Rust; the DataFrame
build (``read_people``) for reference. Prints the load average before and after: the machine
is shared.

Run: ``python benches/read_people.py [n]``; prints a markdown table row per input form.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time

import pairwell
from pairwell.people import to_native


def best(f, repeat: int = 5) -> tuple[float, float]:
    """The least wall time and the least CPU time (every thread of the process) of ``repeat``
    runs: on a shared machine the CPU time says what the work costs, the wall time what others
    left of the cores."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        f()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    load = os.getloadavg()
    frame = pairwell.sample_cohort(n)
    records = frame.to_dict("records")
    rows = [
        ("pandas DataFrame -> engine (to_native)", best(lambda: to_native(frame))),
        ("list of dicts -> engine", best(lambda: to_native(records))),
        ("pandas DataFrame -> read_people DataFrame", best(lambda: pairwell.read_people(frame))),
    ]
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(frame, preserve_index=False)
        rows.append(("pyarrow Table -> engine", best(lambda: to_native(table))))
        try:
            import polars as pl

            polars_frame = pl.from_arrow(table)
            rows.append(("polars DataFrame -> engine", best(lambda: to_native(polars_frame))))
        except ImportError:
            pass
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "people.parquet")
            pq.write_table(table, path)
            rows.append((".parquet file -> engine", best(lambda: to_native(path))))
    except ImportError:
        pass
    print(f"{n} people, {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, best of 5")
    print(f"load average before: {load}, after: {os.getloadavg()}")
    print("| input | seconds | CPU seconds |\n|---|---:|---:|")
    for name, (seconds, cpu) in rows:
        print(f"| {name} | {seconds:.3f} | {cpu:.3f} |")


if __name__ == "__main__":
    main()
