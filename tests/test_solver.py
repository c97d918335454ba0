"""The assignment solver through Python: scipy-compatible answers on every shape, dtype and
layout; the richer ``solve`` checked by brute force and by its certificate; every bad input
rejected with a ValueError subclass that says what and where; the GIL released while solving."""

from __future__ import annotations

import itertools
import threading
import time

import numpy as np
import pytest
import scipy.optimize

import pairwell
from pairwell import _core

rng = np.random.default_rng(20261126)


def optimum(cost: np.ndarray, maximize: bool = False) -> float:
    rows, cols = scipy.optimize.linear_sum_assignment(cost, maximize=maximize)
    return float(np.asarray(cost, dtype=float)[rows, cols].sum())


def check_like_scipy(cost, maximize: bool = False) -> None:
    rows, cols = pairwell.linear_sum_assignment(cost, maximize=maximize)
    array = np.asarray(cost, dtype=float)
    assert rows.dtype == np.intp and cols.dtype == np.intp
    assert np.all(np.diff(rows) > 0)
    assert len(rows) == min(array.shape)
    assert len(set(cols.tolist())) == len(cols)
    assert array[rows, cols].sum() == pytest.approx(optimum(array, maximize), rel=1e-12, abs=1e-9)


@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (7, 1), (5, 5), (6, 9), (9, 6), (40, 40), (30, 70), (70, 30)])
@pytest.mark.parametrize("maximize", [False, True])
def test_random_shapes_match_scipy(shape, maximize):
    for values in (rng.random(shape), rng.integers(0, 4, shape).astype(float), rng.normal(size=shape) * 1e6):
        check_like_scipy(values, maximize)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int32, np.int64, np.uint8, np.bool_])
def test_dtypes(dtype):
    cost = rng.integers(0, 2 if dtype == np.bool_ else 50, (8, 11)).astype(dtype)
    check_like_scipy(cost)
    check_like_scipy(cost.T, maximize=True)


def test_layouts_and_plain_lists():
    base = rng.random((20, 30))
    check_like_scipy(np.asfortranarray(base))
    check_like_scipy(base[::2, ::3])
    check_like_scipy(base[::-1, ::-1])
    frozen = base.copy()
    frozen.flags.writeable = False
    check_like_scipy(frozen)
    check_like_scipy(base.tolist())
    assert pairwell.linear_sum_assignment([[4, 1, 3], [2, 0, 5], [3, 2, 2]])[1].tolist() == [1, 0, 2]


@pytest.mark.parametrize("shape", [(0, 0), (0, 4), (4, 0)])
def test_empty_matrices_like_scipy(shape):
    rows, cols = pairwell.linear_sum_assignment(np.zeros(shape))
    expected = scipy.optimize.linear_sum_assignment(np.zeros(shape))
    assert rows.tolist() == expected[0].tolist() and cols.tolist() == expected[1].tolist()


def test_forbidden_pairs_match_scipy():
    for _ in range(30):
        cost = rng.integers(0, 9, (6, 8)).astype(float)
        cost[rng.random(cost.shape) < 0.3] = np.inf
        try:
            expected = optimum(cost)
        except ValueError:
            with pytest.raises(pairwell.InfeasibleError):
                pairwell.linear_sum_assignment(cost)
            continue
        rows, cols = pairwell.linear_sum_assignment(cost)
        assert cost[rows, cols].sum() == expected
        weights = -cost
        rows, cols = pairwell.linear_sum_assignment(weights, maximize=True)
        assert weights[rows, cols].sum() == -expected


@pytest.mark.parametrize(
    ("cost", "error", "words"),
    [
        ([[1.0, np.nan]], pairwell.CostMatrixError, "NaN at row 0, column 1"),
        ([[1.0], [-np.inf]], pairwell.CostMatrixError, "row 1, column 0"),
        (np.zeros((2, 2, 2)), pairwell.CostMatrixError, "2-D"),
        ([1.0, 2.0], pairwell.CostMatrixError, "2-D"),
        ([[1.0, 2.0], [3.0]], pairwell.CostMatrixError, "ragged"),
        ([["a", "b"]], pairwell.CostMatrixError, "numeric"),
        (np.ones((2, 2), dtype=complex), pairwell.CostMatrixError, "real"),
        ([[1.0, np.inf], [2.0, np.inf]], pairwell.InfeasibleError, "infeasible"),
    ],
)
def test_bad_input_is_a_clear_value_error(cost, error, words):
    with pytest.raises(error, match=words) as info:
        pairwell.linear_sum_assignment(cost)
    assert isinstance(info.value, ValueError)


def test_wrong_infinity_when_maximising():
    with pytest.raises(pairwell.CostMatrixError, match="inf"):
        pairwell.linear_sum_assignment([[np.inf, 1.0]], maximize=True)


def brute(cost: np.ndarray, capacities: list[int], unmatched: bool, maximize: bool) -> float:
    """Best total over every assignment of row copies to distinct columns (or none)."""
    copies = [r for r, k in enumerate(capacities) for _ in range(k)]
    n_cols = cost.shape[1]
    need = min(len(copies), n_cols)
    best = None
    for choice in itertools.product(range(-1, n_cols), repeat=len(copies)):
        used = [c for c in choice if c >= 0]
        if len(set(used)) != len(used) or (not unmatched and len(used) != need):
            continue
        if any(c >= 0 and not np.isfinite(cost[r, c]) for r, c in zip(copies, choice)):
            continue
        total = sum(cost[r, c] for r, c in zip(copies, choice) if c >= 0)
        if best is None or (total > best if maximize else total < best):
            best = total
    return best


@pytest.mark.parametrize("trial", range(25))
def test_capacities_and_unmatched_against_brute_force(trial):
    n, m = rng.integers(1, 4), rng.integers(1, 5)
    maximize = bool(trial % 2)
    cost = rng.integers(-5, 6, (n, m)).astype(float)
    cost[rng.random(cost.shape) < 0.2] = -np.inf if maximize else np.inf
    capacities = rng.integers(0, 3, n).tolist()
    unmatched = trial % 3 != 0
    expected = brute(cost, capacities, unmatched, maximize)
    if expected is None:
        with pytest.raises(pairwell.InfeasibleError):
            pairwell.solve(cost, maximize=maximize, capacities=capacities, allow_unmatched=unmatched)
        return
    a = pairwell.solve(cost, maximize=maximize, capacities=capacities, allow_unmatched=unmatched)
    assert a.objective == expected
    a.verify(cost)


def test_tampered_assignment_fails_its_certificate():
    cost = rng.integers(0, 20, (6, 6)).astype(float)
    good = pairwell.solve(cost)
    good.verify(cost)
    cols = good.cols.copy()
    cols[[0, 1]] = cols[[1, 0]]
    objective = float(cost[good.rows, cols].sum())
    tampered = pairwell.Assignment(good.rows, cols, objective, good.row_duals, good.col_duals)
    with pytest.raises(pairwell.CertificateError):
        tampered.verify(cost)
    duals = good.col_duals.copy()
    duals[0] += 1.0
    with pytest.raises(pairwell.CertificateError):
        pairwell.Assignment(good.rows, good.cols, good.objective, good.row_duals, duals).verify(cost)


def test_capacities_are_checked():
    with pytest.raises(pairwell.CostMatrixError, match="capacities"):
        pairwell.solve(np.zeros((2, 2)), capacities=[1])
    with pytest.raises(pairwell.CostMatrixError, match="capacities\\[1\\]"):
        pairwell.solve(np.zeros((2, 2)), capacities=[1, -1])


def test_batch_equals_single_solves():
    costs = [rng.random((k, k + 2)) for k in range(1, 9)]
    for got, cost in zip(pairwell.solve_batch(costs, maximize=True), costs):
        single = pairwell.solve(cost, maximize=True)
        assert got.rows.tolist() == single.rows.tolist() and got.cols.tolist() == single.cols.tolist()
    with pytest.raises(pairwell.CostMatrixError, match=r"costs\[1\]"):
        pairwell.solve_batch([np.zeros((2, 2)), np.zeros(3)])


def test_agrees_with_pathfinding_kuhn_munkres():
    for shape in [(5, 5), (12, 20), (30, 30)]:
        weights = rng.integers(0, 100, shape)
        total, cols = _core._kuhn_munkres(weights.astype(np.int64))
        rows, ours = pairwell.linear_sum_assignment(weights, maximize=True)
        assert weights[rows, ours].sum() == total


def test_gil_is_released_while_solving():
    cost = np.outer(np.arange(1500.0), np.arange(1500.0))  # Machol-Wien: a slow instance
    ticks = 0
    done = threading.Event()

    def count():
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    thread = threading.Thread(target=count)
    thread.start()
    start = time.perf_counter()
    pairwell.linear_sum_assignment(cost)
    elapsed = time.perf_counter() - start
    done.set()
    thread.join()
    assert elapsed < 0.05 or ticks >= 5
