"""Recommendation time on sample cohorts: ``MatchResult.recommend`` per person (the ranking and
each partner's exact regret), for receivers and for givers, and ``pairwell.recommend`` (no solve)
for every receiver at once.

``python benches/recommend.py --sizes 6000 20000 --programs mentoring --output F``

Targets (issue 9): ``result.recommend`` at most 5 ms per person at 20,000 people, and
``pairwell.recommend`` for every receiver of 20,000 people at most 2 s.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import time

import pairwell
from solver_peers import machine

HEADER = (
    "| people | program | solver | givers × receivers | k | first recommend s | recommend receiver ms (median / max) "
    "| recommend giver ms (median / max) | no-solve, every receiver s | rows |\n"
    "|---:|---|---|---:|---:|---:|---|---|---:|---:|"
)


def per_person(result: pairwell.MatchResult, ids: list[str], k: int) -> tuple[float, float]:
    """Median and maximum milliseconds of ``result.recommend`` over ``ids``."""
    times = []
    for person in ids:
        start = time.perf_counter()
        result.recommend(person, k)
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times), max(times)


def measure(n: int, program: str, k: int, people_sampled: int, repeat: int) -> str:
    people = pairwell.sample_cohort(n, seed=0)
    result = pairwell.match(people, program)
    givers, receivers = result._native.participants()
    start = time.perf_counter()  # the first call builds the residual graph, once per result
    result.recommend(receivers[-1], k)
    first = time.perf_counter() - start
    every = max(len(receivers) // people_sampled, 1)
    receiver_ms = per_person(result, receivers[::every][:people_sampled], k)
    every = max(len(givers) // people_sampled, 1)
    giver_ms = per_person(result, givers[::every][:people_sampled], k)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        table = pairwell.recommend(people, program, k=k)
        best = min(best, time.perf_counter() - start)
    return (
        f"| {n} | {program} | {result.solver} | {len(givers)} × {len(receivers)} | {k} | {first:.3f} "
        f"| {receiver_ms[0]:.2f} / {receiver_ms[1]:.2f} | {giver_ms[0]:.2f} / {giver_ms[1]:.2f} "
        f"| {best:.3f} | {len(table)} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[600, 6000, 20000])
    parser.add_argument("--programs", nargs="+", default=list(pairwell.PROGRAMS), choices=pairwell.PROGRAMS)
    parser.add_argument("-k", type=int, default=5, help="partners per person (default 5)")
    parser.add_argument("--people", type=int, default=50, help="people timed on each side (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many no-solve runs (default 3)")
    parser.add_argument("--output", help="also write the markdown table to this file")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    rows = []
    print(HEADER, flush=True)
    for n in args.sizes:
        for program in args.programs:
            rows.append(measure(n, program, args.k, args.people, args.repeat))
            print(rows[-1], flush=True)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as out:
            today = datetime.date.today().isoformat()
            out.write(f"# Recommendations\n\nMeasured {today} on {machine()}, load average {load:.2f} at start.\n")
            out.write("`first recommend`: the first `MatchResult.recommend` call of a result, which builds the\n")
            out.write("residual graph once (after a sparse solve: one parallel pass adding every near-tight pair;\n")
            out.write("then one search each way for every node's distance from the dummies).\n")
            out.write("`recommend` columns: later calls, per person (ranking plus each listed partner's exact\n")
            out.write("regret, DataFrame included), on up to `--people` receivers and givers spread over the\n")
            out.write("side; `no-solve`: `pairwell.recommend(people, program, k=k)` for every receiver, best\n")
            out.write("of several runs, reading the people table included.\n\n")
            out.write("\n".join([HEADER, *rows]) + "\n")


if __name__ == "__main__":
    main()
