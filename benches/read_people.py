"""Reading and validating people: ``pairwell.sample_cohort(n)`` as a pandas DataFrame handed to
the engine's schema (``pairwell.people.to_native``), best of five, with the DataFrame build
(``read_people``) and a parquet round trip for reference.

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


def best(f, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
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
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "people.parquet")
            pq.write_table(table, path)
            rows.append((".parquet file -> engine", best(lambda: to_native(path))))
    except ImportError:
        pass
    print(f"{n} people, {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, best of 5")
    print("| input | seconds |\n|---|---:|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
