"""Times pairwell's solver against its peers on identical matrices, in one run.

Peers: ``scipy.optimize.linear_sum_assignment``, ``lap.lapjv`` and the Rust ``pathfinding``
crate's ``kuhn_munkres`` (through ``pairwell._core._kuhn_munkres``; it needs integer weights,
so float families are scaled by 1e6 and rounded for it, and it is skipped above
``--km-max`` to keep runs short). Matrix families follow the brief: ``uniform``
(integers 0..1e6), ``lowrank`` (A·Bᵀ with 8 features in [0, 1)), ``ties`` (lowrank rounded to
quarters) and ``machol_wien`` (c[i][j] = i·j). Every objective is checked against scipy's.
Each cell is the best of ``--repeat`` runs; ``ratio`` is pairwell over the faster of scipy and
lap (below 1 means pairwell is faster). Machines here are shared: compare ratios, not seconds.

    python benches/solver_peers.py --sizes 500 1000 2000 --output benches/results/solver_peers.md
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import subprocess
import time
from typing import Callable

import lap
import numpy as np
import scipy
import scipy.optimize

import pairwell
from pairwell import _core

FAMILIES = ("uniform", "lowrank", "ties", "machol_wien")


def family(name: str, n: int, seed: int = 0) -> np.ndarray:
    """A square cost matrix of one family, float64, C order."""
    rng = np.random.default_rng(seed)
    if name == "uniform":
        return rng.integers(0, 1_000_000, (n, n)).astype(np.float64)
    if name in ("lowrank", "ties"):
        low = rng.random((n, 8)) @ rng.random((n, 8)).T
        return np.round(low * 4) / 4 if name == "ties" else low
    if name == "machol_wien":
        i = np.arange(n, dtype=np.float64)
        return np.outer(i, i)
    raise ValueError(f"unknown family {name!r}")


def best_of(repeat: int, run: Callable[[], float]) -> tuple[float, float]:
    """(best seconds, objective) over `repeat` runs."""
    best, objective = float("inf"), float("nan")
    for _ in range(repeat):
        start = time.perf_counter()
        objective = run()
        best = min(best, time.perf_counter() - start)
    return best, objective


def machine() -> str:
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout.splitlines()
            if line.startswith("Model name")
        )
    except (OSError, subprocess.CalledProcessError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs (default 3)")
    parser.add_argument("--km-max", type=int, default=1000, help="largest n for kuhn_munkres (default 1000)")
    parser.add_argument("--output", help="also write the markdown table to this file")
    args = parser.parse_args()

    header = "| family | n | pairwell s | scipy s | lap s | kuhn_munkres s | ratio |\n|---|---:|---:|---:|---:|---:|---:|"
    rows = []
    print(header, flush=True)
    for n in args.sizes:
        for name in args.families:
            cost = family(name, n)
            repeat = 1 if n >= 4000 else args.repeat
            ours, ours_obj = best_of(repeat, lambda: cost[pairwell.linear_sum_assignment(cost)].sum())
            sp, sp_obj = best_of(repeat, lambda: cost[scipy.optimize.linear_sum_assignment(cost)].sum())
            lp, lp_obj = best_of(repeat, lambda: float(lap.lapjv(cost)[0]))
            for who, value in (("pairwell", ours_obj), ("lap", lp_obj)):
                if not np.isclose(value, sp_obj, rtol=1e-9, atol=1e-6):
                    raise SystemExit(f"{who} objective {value} differs from scipy's {sp_obj} on {name} n={n}")
            if n <= args.km_max:
                weights = -np.round(cost * (1 if name in ("uniform", "machol_wien") else 1e6)).astype(np.int64)
                km, _ = best_of(1, lambda: float(_core._kuhn_munkres(weights)[0]))
                km_cell = f"{km:.3f}"
            else:
                km_cell = "skipped"
            ratio = ours / min(sp, lp)
            row = f"| {name} | {n} | {ours:.3f} | {sp:.3f} | {lp:.3f} | {km_cell} | **{ratio:.2f}** |"
            rows.append(row)
            print(row, flush=True)
    if args.output:
        when = datetime.date.today().isoformat()
        versions = f"pairwell {pairwell.__version__}, scipy {scipy.__version__}, lap {getattr(lap, '__version__', '?')}, numpy {np.__version__}"
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(f"# Solver against its peers\n\nMeasured {when} on {machine()}.\n{versions}.\n")
            out.write("Best of several runs (one at n = 4000); ratio = pairwell / min(scipy, lap).\n\n")
            out.write("\n".join([header, *rows]) + "\n")


if __name__ == "__main__":
    main()
