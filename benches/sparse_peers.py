"""Times pairwell's sparse exact solver against the sparse peers on identical graphs, in one run.

Peers: OR-Tools ``SimpleLinearSumAssignment`` (Goldberg–Kennedy cost scaling; its time includes
``add_arcs_with_cost``, which it needs before it can solve), ``scipy.sparse.csgraph.
min_weight_full_bipartite_matching`` (LAPJVsp) and ``lap.lapmod``. pairwell runs through its
drop-in ``pairwell.min_weight_full_bipartite_matching``, the same call as scipy's. Costs are
integers (OR-Tools takes nothing else), so every objective must be equal: the script stops if
one differs from OR-Tools'.

Graphs (square, n rows and n columns, all with a full matching):

- ``regular``: k-regular, each row takes the columns of k random permutations (duplicates merged),
  costs uniform integers in [1, 10⁶);
- ``top``: a low-rank score matrix (A·Bᵀ, 8 features in [0, 1)) of which each row keeps its k
  best columns and each column its k best rows (the engine's candidate graph), plus one random
  permutation so that a full matching exists; cost = the score's distance below the best score, scaled to integers
  in [1, 10⁶) (``lap.lapmod`` takes costs below 10⁶ only).

Every peer runs once per graph (these are long runs); a peer is skipped on a graph when its
time, extrapolated linearly in arcs from its previous graph of the same family, would exceed
``--budget`` seconds, or when ``--peers`` leaves it out ("not run").

    python benches/sparse_peers.py --cases regular:100000:10 regular:100000:50 top:20000:20 \\
        --output benches/results/sparse_peers.md
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
import warnings
from typing import Callable

import lap
import numpy as np
import pairwell
import scipy
import scipy.sparse
from ortools.graph.python import linear_sum_assignment as ortools_lsa
from scipy.sparse.csgraph import min_weight_full_bipartite_matching as scipy_matching
from solver_peers import machine

PEERS = ("pairwell", "ortools", "scipy", "lapmod")
HEADER = (
    "| graph | n | k | arcs | pairwell s | OR-Tools s | scipy s | lapmod s | pairwell / OR-Tools |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def csr(rows: np.ndarray, cols: np.ndarray, costs: np.ndarray, n: int) -> scipy.sparse.csr_array:
    """The graph of these arcs, a pair listed twice kept once (scipy would add the copies)."""
    first = np.unique(rows.astype(np.int64) * n + cols, return_index=True)[1]
    return scipy.sparse.csr_array((costs[first], (rows[first], cols[first])), shape=(n, n))


def regular(n: int, k: int, rng: np.random.Generator) -> scipy.sparse.csr_array:
    cols = np.stack([rng.permutation(n) for _ in range(k)], axis=1).ravel()
    rows = np.repeat(np.arange(n), k)
    return csr(rows, cols, rng.integers(1, 1_000_000, n * k).astype(np.float64), n)


def top(n: int, k: int, rng: np.random.Generator) -> scipy.sparse.csr_array:
    a, b = rng.random((n, 8)), rng.random((n, 8))
    pairs = [(np.arange(n), rng.permutation(n))]
    block = 2000
    for lhs, rhs, transpose in ((a, b, False), (b, a, True)):
        for start in range(0, n, block):
            scores = lhs[start : start + block] @ rhs.T
            best = np.argpartition(-scores, k, axis=1)[:, :k]
            near = np.repeat(np.arange(start, start + len(scores)), k)
            pairs.append((best.ravel(), near) if transpose else (near, best.ravel()))
    rows = np.concatenate([p[0] for p in pairs])
    cols = np.concatenate([p[1] for p in pairs])
    score = np.einsum("ij,ij->i", a[rows], b[cols])
    spread = score.max() - score.min()
    return csr(rows, cols, np.round(999_998 * (score.max() - score) / spread) + 1, n)


def run_pairwell(graph: scipy.sparse.csr_array) -> float:
    r, c = pairwell.min_weight_full_bipartite_matching(graph)
    return float(np.asarray(graph[r, c]).sum())


def run_scipy(graph: scipy.sparse.csr_array) -> float:
    r, c = scipy_matching(graph)
    return float(np.asarray(graph[r, c]).sum())


def run_ortools(graph: scipy.sparse.csr_array) -> float:
    solver = ortools_lsa.SimpleLinearSumAssignment()
    tails = np.repeat(np.arange(graph.shape[0]), np.diff(graph.indptr))
    solver.add_arcs_with_cost(tails, graph.indices, graph.data.astype(np.int64))
    if solver.solve() != solver.OPTIMAL:
        raise RuntimeError("OR-Tools found no optimal assignment")
    return float(solver.optimal_cost())


def run_lapmod(graph: scipy.sparse.csr_array) -> float:
    return float(lap.lapmod(graph.shape[0], graph.data, graph.indptr, graph.indices, return_cost=True)[0])


RUNNERS: dict[str, Callable[[scipy.sparse.csr_array], float]] = {
    "pairwell": run_pairwell,
    "ortools": run_ortools,
    "scipy": run_scipy,
    "lapmod": run_lapmod,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cases",
        nargs="+",
        default=["regular:100000:10", "regular:100000:50", "regular:1000000:10", "top:20000:20"],
        help="graphs as family:n:k (default: the issue's three random graphs and a top-20 graph)",
    )
    parser.add_argument("--peers", nargs="+", default=list(PEERS), choices=PEERS, help="solvers to time (default all)")
    parser.add_argument("--budget", type=float, default=600.0, help="skip runs predicted longer (s, default 600)")
    parser.add_argument("--output", help="also write the markdown table to this file")
    args = parser.parse_args()

    print(HEADER, flush=True)
    lines = []
    last: dict[tuple[str, str], tuple[int, float]] = {}  # (family, peer) -> (arcs, seconds)
    for case in args.cases:
        name, n_text, k_text = case.split(":")
        n, k = int(n_text), int(k_text)
        graph = {"regular": regular, "top": top}[name](n, k, np.random.default_rng(n + k))
        graph.sort_indices()
        arcs = graph.nnz
        seconds: dict[str, float | None] = {}
        objective: float | None = None
        for peer in PEERS:
            if peer not in args.peers:
                seconds[peer] = None
                continue
            before = last.get((name, peer))
            if before is not None and before[1] * arcs / before[0] > args.budget:
                seconds[peer] = None
                continue
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                value = RUNNERS[peer](graph)
            seconds[peer] = time.perf_counter() - start
            last[(name, peer)] = (arcs, seconds[peer])
            if objective is None:
                objective = value
            elif value != objective:
                raise SystemExit(f"{case}: {peer} objective {value} differs from {objective}")
        cells = ["not run" if s is None else f"{s:.2f}" for s in seconds.values()]
        pw, ot = seconds["pairwell"], seconds["ortools"]
        ratio = "" if pw is None or ot is None else f"**{pw / ot:.2f}**"
        line = f"| {name} | {n:,} | {k} | {arcs:,} | " + " | ".join(cells) + f" | {ratio} |"
        lines.append(line)
        print(line, flush=True)

    if args.output:
        stamp = datetime.date.today().isoformat()
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(
                f"# Sparse solver against its peers\n\n{stamp}, {machine()}; pairwell {pairwell.__version__}, "
                f"scipy {scipy.__version__}, lap {getattr(lap, '__version__', '?')}.\n\n"
                f"`python benches/sparse_peers.py {' '.join(sys.argv[1:])}`\n\n"
                + HEADER
                + "\n"
                + "\n".join(lines)
                + "\n"
            )


if __name__ == "__main__":
    main()
