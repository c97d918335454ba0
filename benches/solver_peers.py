"""Times pairwell's solver against its peers on identical matrices, in one run.

Peers: ``scipy.optimize.linear_sum_assignment``, ``lap.lapjv`` (square matrices as they are,
others with ``extend_cost=True``) and the Rust ``pathfinding`` crate's ``kuhn_munkres``
(through ``pairwell._core._kuhn_munkres``, which maximises integer weights: it gets ``-cost``,
float families scaled by 1e6 and rounded first; it is O(n³), so it is skipped above
``--km-max`` or when its time, extrapolated from the family's previous size, would exceed
``--km-budget``). Matrix families follow the brief: ``uniform`` (integers 0..1e6), ``lowrank``
(A·Bᵀ with 8 features in [0, 1)), ``ties`` (lowrank rounded to quarters) and ``machol_wien``
(c[i][j] = i·j). Every objective is checked against scipy's. Each cell is the best of
``--repeat`` runs; ``ratio`` is pairwell over the faster of scipy and lap (below 1 means
pairwell is faster). Machines here are shared: compare ratios, not seconds.

    python benches/solver_peers.py --sizes 500 1000 2000 --output benches/results/solver_peers.md
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import subprocess
import sys
import time
from typing import Callable

import lap
import numpy as np
import pairwell
import scipy
import scipy.optimize
from pairwell import _core

FAMILIES = ("uniform", "lowrank", "ties", "machol_wien")
INTEGER_FAMILIES = ("uniform", "machol_wien")
KM_SCALE = 1e6  # float families are multiplied by this and rounded for kuhn_munkres
HEADER = "| family | n | pairwell s | scipy s | lap s | kuhn_munkres s | ratio |\n|---|---:|---:|---:|---:|---:|---:|"
NOTES = (
    "kuhn_munkres maximises integer weights: it solves -cost, with lowrank and ties scaled by "
    f"{int(KM_SCALE):,} and rounded (its objective is checked against scipy's within the rounding).\n"
    "Each cell is the best of several runs (one at n >= 4000); "
    "ratio = pairwell / min(scipy, lap), below 1 means pairwell is faster."
)


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


def pairwell_objective(cost: np.ndarray) -> float:
    return float(cost[pairwell.linear_sum_assignment(cost)].sum())


def scipy_objective(cost: np.ndarray) -> float:
    return float(cost[scipy.optimize.linear_sum_assignment(cost)].sum())


def lap_objective(cost: np.ndarray) -> float:
    return float(lap.lapjv(cost, extend_cost=cost.shape[0] != cost.shape[1])[0])


def kuhn_munkres_weights(name: str, cost: np.ndarray) -> tuple[np.ndarray, float]:
    """Integer weights whose maximum is the minimum of `cost`, and the factor between them."""
    scale = 1.0 if name in INTEGER_FAMILIES else KM_SCALE
    return -np.round(cost * scale).astype(np.int64), scale


def check(who: str, value: float, expected: float, tolerance: float, where: str) -> None:
    if not abs(value - expected) <= tolerance:
        raise SystemExit(f"{who} objective {value} differs from scipy's {expected} on {where}")


def machine() -> str:
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        cpu = next(line.split(":", 1)[1].strip() for line in lscpu.splitlines() if line.startswith("Model name"))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.machine()}, Python {platform.python_version()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 4000])
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=FAMILIES)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs, one at n >= 4000 (default 3)")
    parser.add_argument("--km-max", type=int, default=2000, help="largest n for kuhn_munkres (default 2000)")
    parser.add_argument(
        "--km-budget", type=float, default=60.0, help="skip kuhn_munkres runs predicted to take longer (s, default 60)"
    )
    parser.add_argument("--output", help="also write the markdown table to this file")
    args = parser.parse_args()

    print(NOTES + "\n\n" + HEADER, flush=True)
    rows = []
    km_last: dict[str, tuple[int, float]] = {}  # family -> (n, seconds) of its last kuhn_munkres run
    for n in sorted(args.sizes):
        for name in args.families:
            cost = family(name, n)
            where = f"{name} n={n}"
            repeat = 1 if n >= 4000 else args.repeat
            ours, ours_obj = best_of(repeat, lambda cost=cost: pairwell_objective(cost))
            sp, sp_obj = best_of(repeat, lambda cost=cost: scipy_objective(cost))
            lp, lp_obj = best_of(repeat, lambda cost=cost: lap_objective(cost))
            exact = 1e-9 * max(1.0, abs(sp_obj))
            check("pairwell", ours_obj, sp_obj, exact, where)
            check("lap", lp_obj, sp_obj, exact, where)
            last_n, last_s = km_last.get(name, (n, 0.0))
            if n <= args.km_max and last_s * (n / last_n) ** 3 <= args.km_budget:
                weights, scale = kuhn_munkres_weights(name, cost)
                km, km_total = best_of(1, lambda weights=weights: float(_core._kuhn_munkres(weights)[0]))
                check("kuhn_munkres", -km_total / scale, sp_obj, exact + (0 if scale == 1 else n / scale), where)
                km_last[name] = (n, km)
                km_cell = f"{km:.3f}"
            else:
                km_cell = "skipped"
            row = f"| {name} | {n} | {ours:.3f} | {sp:.3f} | {lp:.3f} | {km_cell} | **{ours / min(sp, lp):.2f}** |"
            rows.append(row)
            print(row, flush=True)
    if args.output:
        versions = (
            f"pairwell {pairwell.__version__}, scipy {scipy.__version__}, "
            f"lap {getattr(lap, '__version__', '?')}, numpy {np.__version__}"
        )
        with open(args.output, "w", encoding="utf-8") as out:
            out.write("# Solver against its peers\n\n")
            out.write(f"Measured {datetime.date.today().isoformat()} on {machine()}.\n{versions}.\n")
            out.write(f"Generated by `python benches/solver_peers.py {shlex.join(sys.argv[1:])}`.\n")
            out.write(NOTES + "\n\n" + "\n".join([HEADER, *rows]) + "\n")


if __name__ == "__main__":
    main()
