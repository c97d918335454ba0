"""``solve_batch`` on 1 thread against 2: 32 uniform problems of 1500 x 1500, in one 3-D array.

The binding's pool takes its size from ``RAYON_NUM_THREADS`` when it starts, so each thread
count runs in its own subprocess; each reports the best of ``--repeat`` runs. The speed-up is
the 1-thread time over the 2-thread time.

    python benches/solve_batch_threads.py --output benches/results/solve_batch_threads.md
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import sys

CHILD = """
import sys, time
import numpy as np
import pairwell

batch, n, repeat = map(int, sys.argv[1:4])
costs = np.random.default_rng(0).integers(0, 1_000_000, (batch, n, n)).astype(np.float64)
pairwell.solve_batch(costs[:2])  # starts the pool
best = min(
    (lambda start: (pairwell.solve_batch(costs), time.perf_counter() - start)[1])(time.perf_counter())
    for _ in range(repeat)
)
print(best)
"""


def timed(threads: int, batch: int, n: int, repeat: int) -> float:
    env = {**os.environ, "RAYON_NUM_THREADS": str(threads)}
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(batch), str(n), str(repeat)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(run.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--n", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", help="write the table (with machine and date) to this file")
    args = parser.parse_args()
    one = timed(1, args.batch, args.n, args.repeat)
    two = timed(2, args.batch, args.n, args.repeat)
    table = (
        f"solve_batch of {args.batch} uniform {args.n}x{args.n} problems (one 3-D array), best of {args.repeat}; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{datetime.date.today().isoformat()}\n\n"
        "| threads | seconds | speed-up |\n|---:|---:|---:|\n"
        f"| 1 | {one:.3f} | 1.00 |\n| 2 | {two:.3f} | **{one / two:.2f}** |\n"
    )
    print(table)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(table)


if __name__ == "__main__":
    main()
