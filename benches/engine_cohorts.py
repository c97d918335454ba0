"""End-to-end matching time on sample cohorts: reading the table, scoring with the rules, and
solving, for each program. ``python benches/engine_cohorts.py --sizes 600 6000 --output F``."""

from __future__ import annotations

import argparse
import datetime
import time

import pairwell
from solver_peers import machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 6000, 20000])
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    parser.add_argument("--output", help="also write the markdown table to this file")
    args = parser.parse_args()
    header = (
        "| people | program | givers × receivers | pairs | total s | scoring s | solving s |\n"
        "|---:|---|---:|---:|---:|---:|---:|"
    )
    rows = []
    print(header, flush=True)
    for n in args.sizes:
        people = pairwell.sample_cohort(n, seed=0)
        for program in pairwell.PROGRAMS:
            best = None
            for _ in range(args.repeat):
                start = time.perf_counter()
                result = pairwell.match(people, program)
                elapsed = time.perf_counter() - start
                if best is None or elapsed < best[0]:
                    best = (elapsed, result)
            elapsed, result = best
            givers, receivers = result._native.participants()
            row = (
                f"| {n} | {program} | {len(givers)} × {len(receivers)} | {len(result.pairs)} | "
                f"{elapsed:.3f} | {result.scoring_seconds:.3f} | {result.solving_seconds:.3f} |"
            )
            rows.append(row)
            print(row, flush=True)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            today = datetime.date.today().isoformat()
            out.write(f"# Matching sample cohorts end to end\n\nMeasured {today} on {machine()}.\n")
            out.write("Best of several runs. `total` includes reading and checking the people table in Python;\n")
            out.write("`scoring` is every pair's score and rules (parallel), `solving` the exact assignment.\n\n")
            out.write("\n".join([header, *rows]) + "\n")


if __name__ == "__main__":
    main()
