"""Tests of pairwell's exact assignment solver, seen from Python.

What is checked:

- ``pairwell.linear_sum_assignment`` against ``scipy.optimize.linear_sum_assignment``: the same
  optimum on many random shapes (square, wide, tall, 1xN, Nx1, 0xN, Nx0), with and without
  ``maximize``, on tie-heavy integer matrices and with forbidden pairs (+inf when minimising,
  -inf when maximising), including agreement on which matrices are infeasible; the same
  answer for every dtype (float64, float32, int32, int64, bool, big-endian, Python lists) and
  memory layout (Fortran order, non-contiguous slices, negative strides, read-only arrays);
  integer index arrays with the rows sorted like scipy's; the input left untouched.
- Bad input raises a ``ValueError`` subclass (``pairwell.PairwellError``) with a message that
  says what is wrong (and where, for NaN/infinities): NaN, -inf when minimising, +inf when
  maximising, 3-D, 1-D, ragged lists, bad capacities; all-forbidden rows raise
  ``InfeasibleError``. Where scipy raises ``TypeError`` (arrays of strings, objects, complex
  numbers, dates, durations, ``longdouble``), so does pairwell, and a wrongly typed capacity
  (``None``, NaN, ``True``, a float, a scalar) is a ``TypeError`` naming it.
- ``pairwell.solve`` with ``capacities`` and ``allow_unmatched``: the optimum equals a brute
  force over every matching (itertools) on tiny matrices, ``.verify`` accepts the result and an
  independent Python check of the dual certificate holds.
- ``Assignment.verify`` raises ``CertificateError`` on tampered results (swapped columns,
  perturbed duals, wrong objective, duplicated column, dropped pair, another matrix).
- ``pairwell.solve_batch`` equals one-by-one solves.
- Integer matrices agree with ``pairwell._core._kuhn_munkres`` (the pathfinding crate).
- The benchmark families of the brief (uniform, low-rank, ties, Machol-Wien) at a few hundred
  rows, and costs from 1e-300 to 1e300, agree with scipy.
- Finite costs spread too wide for float64 arithmetic are solved (scaled) like scipy solves
  them, not a false "infeasible"; constant matrices give scipy's diagonal; objectives are never
  ``-0.0``.
- The GIL is released: a Python thread keeps counting while a slow 1500x1500 solve runs.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
import time
from fractions import Fraction

import numpy as np
import pairwell
import pytest
import scipy.optimize
from pairwell import _core

# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def scipy_optimum(cost, maximize=False):
    array = np.asarray(cost, dtype=np.float64)
    rows, cols = scipy.optimize.linear_sum_assignment(array, maximize=maximize)
    return rows, cols, float(array[rows, cols].sum())


def check_result_shape(rows, cols, array):
    """Integer numpy arrays, rows strictly ascending, one entry per smaller side, no repeats."""
    assert isinstance(rows, np.ndarray) and isinstance(cols, np.ndarray)
    assert rows.dtype == np.intp and cols.dtype == np.intp
    assert rows.ndim == 1 and cols.ndim == 1
    assert len(rows) == len(cols) == min(array.shape)
    assert np.all(np.diff(rows) > 0)
    assert len(np.unique(cols)) == len(cols)
    if len(rows):
        assert rows.min() >= 0 and rows.max() < array.shape[0]
        assert cols.min() >= 0 and cols.max() < array.shape[1]


def check_like_scipy(cost, maximize=False, exact_indices=False):
    """pairwell's answer is a valid assignment with scipy's optimum (and scipy's indices when
    the optimum is unique, which holds almost surely for continuous random costs)."""
    array = np.asarray(cost, dtype=np.float64)
    rows, cols = pairwell.linear_sum_assignment(cost, maximize=maximize)
    check_result_shape(rows, cols, array)
    s_rows, s_cols, best = scipy_optimum(array, maximize)
    ours = float(array[rows, cols].sum())
    scale = max(1.0, float(np.abs(array[np.isfinite(array)]).max(initial=0.0))) * max(1, min(array.shape))
    assert ours == pytest.approx(best, rel=1e-12, abs=1e-12 * scale)
    if exact_indices:
        np.testing.assert_array_equal(rows, s_rows)
        np.testing.assert_array_equal(cols, s_cols)
    else:
        # The rows chosen may differ from scipy's only for tall matrices with ties.
        if array.shape[0] <= array.shape[1]:
            np.testing.assert_array_equal(rows, s_rows)
    return rows, cols


def brute_force(cost, maximize=False, capacities=None, allow_unmatched=False):
    """Best total over every matching that respects capacities and forbidden pairs; None when
    no admissible matching exists. Without ``allow_unmatched`` the smaller side (counting
    capacities) must be assigned in full."""
    n_rows, n_cols = cost.shape
    caps = [1] * n_rows if capacities is None else list(capacities)
    need = min(sum(caps), n_cols)
    forbidden = -np.inf if maximize else np.inf
    best = None
    for choice in itertools.product(range(-1, n_rows), repeat=n_cols):  # row of each column
        used = [0] * n_rows
        total = 0.0
        ok = True
        for j, i in enumerate(choice):
            if i < 0:
                continue
            if cost[i, j] == forbidden:
                ok = False
                break
            used[i] += 1
            total += cost[i, j]
        if not ok or any(u > c for u, c in zip(used, caps)):
            continue
        if not allow_unmatched and sum(used) != need:
            continue
        if best is None or (total > best if maximize else total < best):
            best = total
    return best


def python_certificate_check(assignment, cost, maximize=False, capacities=None, allow_unmatched=False):
    """Independent check of the LP dual certificate (written from the documented conditions)."""
    cost = np.asarray(cost, dtype=np.float64)
    rows, cols = assignment.rows, assignment.cols
    u, v = np.asarray(assignment.row_duals), np.asarray(assignment.col_duals)
    sign = -1.0 if maximize else 1.0  # maximising == minimising the negated costs and duals
    c, u, v = sign * cost, sign * u, sign * v
    n_rows, n_cols = cost.shape
    caps = np.ones(n_rows, dtype=int) if capacities is None else np.asarray(capacities, dtype=int)
    finite = np.isfinite(c)
    scale = max(1.0, float(np.abs(c[finite]).max(initial=0.0)))
    tol = 1e-9 * scale * max(1, n_rows + n_cols)
    assert u.shape == (n_rows,) and v.shape == (n_cols,)
    # dual feasibility on every allowed pair
    reduced = c - u[:, None] - v[None, :]
    assert np.all(reduced[finite] >= -tol)
    # complementary slackness on chosen pairs
    assert np.all(np.abs(reduced[rows, cols]) <= tol)
    # usage and sign conditions on sides that may stay below their capacity
    row_used = np.bincount(rows, minlength=n_rows) if n_rows else np.zeros(0, int)
    col_used = np.bincount(cols, minlength=n_cols) if n_cols else np.zeros(0, int)
    assert np.all(row_used <= caps) and np.all(col_used <= 1)
    rows_may_idle = allow_unmatched or caps.sum() > n_cols
    cols_may_idle = allow_unmatched or caps.sum() < n_cols
    if rows_may_idle:
        assert np.all(u <= tol)
        assert np.all(np.abs(u[row_used < caps]) <= tol)
    if cols_may_idle:
        assert np.all(v <= tol)
        assert np.all(np.abs(v[col_used < 1]) <= tol)
    # zero duality gap
    dual = float((caps * u).sum() + v.sum())
    assert dual == pytest.approx(sign * assignment.objective, abs=tol * max(1, n_rows * n_cols))


# --------------------------------------------------------------------------------------------
# scipy agreement: shapes, values, maximize
# --------------------------------------------------------------------------------------------

SHAPES = [
    (1, 1),
    (1, 9),
    (9, 1),
    (2, 2),
    (3, 5),
    (5, 3),
    (6, 6),
    (7, 13),
    (13, 7),
    (25, 25),
    (20, 60),
    (60, 20),
    (100, 100),
    (80, 150),
    (150, 80),
]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_random_shapes_match_scipy(shape, maximize):
    rng = np.random.default_rng(1000 + 31 * shape[0] + shape[1] + 7 * maximize)
    check_like_scipy(rng.random(shape), maximize, exact_indices=True)
    check_like_scipy(rng.normal(size=shape) * 1e6, maximize, exact_indices=True)
    check_like_scipy(rng.normal(size=shape) * 1e-6 - 3.0, maximize, exact_indices=True)
    check_like_scipy(-rng.exponential(size=shape), maximize, exact_indices=True)


@pytest.mark.parametrize("seed", range(40))
def test_many_small_random_matrices_match_scipy(seed):
    rng = np.random.default_rng(seed)
    shape = tuple(rng.integers(1, 12, size=2))
    maximize = bool(seed % 2)
    check_like_scipy(rng.uniform(-10, 10, shape), maximize, exact_indices=True)


@pytest.mark.parametrize("shape", [(0, 0), (0, 1), (0, 5), (1, 0), (5, 0)], ids=str)
@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_empty_matrices_like_scipy(shape, maximize):
    cost = np.zeros(shape)
    rows, cols = pairwell.linear_sum_assignment(cost, maximize=maximize)
    s_rows, s_cols = scipy.optimize.linear_sum_assignment(cost, maximize=maximize)
    check_result_shape(rows, cols, cost)
    assert rows.shape == s_rows.shape == (0,) and cols.shape == s_cols.shape == (0,)
    result = pairwell.solve(cost, maximize=maximize)
    assert result.objective == 0.0
    assert result.row_duals.shape == (shape[0],) and result.col_duals.shape == (shape[1],)
    result.verify(cost)


@pytest.mark.parametrize("values", [2, 3, 5], ids=lambda k: f"0..{k - 1}")
@pytest.mark.parametrize("shape", [(4, 4), (6, 9), (9, 6), (30, 30), (25, 50), (50, 25), (1, 6), (6, 1)], ids=str)
@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_tie_heavy_integer_matrices(values, shape, maximize):
    rng = np.random.default_rng(values * 1000 + shape[0] * 10 + shape[1])
    for _ in range(3):
        cost = rng.integers(0, values, shape)
        check_like_scipy(cost, maximize)
    check_like_scipy(np.zeros(shape), maximize)
    check_like_scipy(np.full(shape, 7), maximize)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_forbidden_pairs_match_scipy(seed, maximize):
    rng = np.random.default_rng(500 + seed)
    shape = tuple(rng.integers(1, 10, size=2))
    cost = rng.uniform(-5, 5, shape)
    density = [0.2, 0.5, 0.8][seed % 3]
    forbidden = -np.inf if maximize else np.inf
    cost[rng.random(shape) < density] = forbidden
    try:
        s_rows, s_cols = scipy.optimize.linear_sum_assignment(cost, maximize=maximize)
    except ValueError as exc:
        assert "infeasible" in str(exc)
        with pytest.raises(pairwell.InfeasibleError, match="infeasible"):
            pairwell.linear_sum_assignment(cost, maximize=maximize)
        return
    rows, cols = pairwell.linear_sum_assignment(cost, maximize=maximize)
    check_result_shape(rows, cols, cost)
    assert np.all(np.isfinite(cost[rows, cols]))
    assert cost[rows, cols].sum() == pytest.approx(cost[s_rows, s_cols].sum(), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_forbidden_pairs_fixed_cases(maximize):
    f = -np.inf if maximize else np.inf
    # a single allowed pair per row forces the answer
    cost = np.array([[f, 1.0, f], [f, f, 2.0], [3.0, f, f]])
    rows, cols = pairwell.linear_sum_assignment(cost, maximize=maximize)
    assert rows.tolist() == [0, 1, 2] and cols.tolist() == [1, 2, 0]
    # wide matrix with a whole forbidden column is fine
    cost = np.array([[1.0, f, 2.0], [4.0, f, 3.0]])
    check_like_scipy(cost, maximize)
    # tall matrix with a whole forbidden row is fine too
    check_like_scipy(cost.T.copy(), maximize)


def benchmark_family(name, shape, rng):
    """A matrix of one of the brief's benchmark families, on any shape."""
    n_rows, n_cols = shape
    if name == "uniform":
        return rng.integers(0, 1_000_000, shape).astype(np.float64)
    if name == "machol_wien":
        return np.outer(np.arange(n_rows, dtype=np.float64), np.arange(n_cols, dtype=np.float64))
    low = rng.random((n_rows, 8)) @ rng.random((n_cols, 8)).T
    return np.round(low * 4) / 4 if name == "ties" else low


@pytest.mark.parametrize("family", ["uniform", "lowrank", "ties", "machol_wien"])
@pytest.mark.parametrize("shape", [(250, 250), (200, 263), (263, 200)], ids=str)
@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_benchmark_families_match_scipy(family, shape, maximize):
    """The families the kernel is tuned on (low-rank and tie-heavy matrices take the slow paths
    of shortest augmenting path solvers) at a few hundred rows, with certificates."""
    cost = benchmark_family(family, shape, np.random.default_rng(sum(shape) + 2 * maximize))
    check_like_scipy(cost, maximize, exact_indices=family in ("uniform", "lowrank") and shape[0] <= shape[1])
    result = pairwell.solve(cost, maximize=maximize)
    result.verify(cost)
    python_certificate_check(result, cost, maximize)


@pytest.mark.parametrize("scale", [1e-300, 1e-12, 1e12, 1e300], ids=str)
@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_extreme_magnitudes_match_scipy(scale, maximize):
    """Tolerances inside the solver must follow the size of the costs: tiny, huge, and costs
    that differ only in their last digits."""
    rng = np.random.default_rng(int(np.log10(scale)) + 400)
    for shape in [(30, 30), (20, 45), (45, 20)]:
        check_like_scipy(rng.random(shape) * scale, maximize, exact_indices=shape[0] <= shape[1])
        near = (1.0 + rng.integers(0, 4, shape) * np.finfo(float).eps) * scale
        check_like_scipy(near, maximize)
        pairwell.solve(near, maximize=maximize).verify(near)


# --------------------------------------------------------------------------------------------
# dtypes and layouts
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype", [np.float64, np.float32, np.int32, np.int64, np.int16, np.uint8, np.bool_, ">f8", "<i4"], ids=str
)
@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_dtypes(dtype, maximize):
    rng = np.random.default_rng(7)
    high = 2 if dtype is np.bool_ else 60
    for shape in [(8, 8), (6, 11), (11, 6)]:
        cost = rng.integers(0, high, shape).astype(dtype)
        rows, cols = check_like_scipy(cost, maximize)
        as_float = pairwell.linear_sum_assignment(cost.astype(np.float64), maximize=maximize)
        assert cost.astype(float)[rows, cols].sum() == cost.astype(float)[as_float].sum()
    if np.dtype(dtype).kind == "f":
        check_like_scipy(rng.random((9, 12)).astype(dtype), maximize)


@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_python_lists(maximize):
    rng = np.random.default_rng(11)
    for shape in [(1, 1), (3, 3), (3, 5), (5, 3)]:
        floats = rng.random(shape).tolist()
        check_like_scipy(floats, maximize, exact_indices=True)
        ints = rng.integers(-9, 9, shape).tolist()
        check_like_scipy(ints, maximize)
        bools = (rng.random(shape) < 0.5).tolist()
        check_like_scipy(bools, maximize)
    rows, cols = pairwell.linear_sum_assignment([[5]], maximize=maximize)
    assert rows.tolist() == [0] and cols.tolist() == [0]
    # a tuple of tuples
    rows, cols = pairwell.linear_sum_assignment(((1, 2), (3, 0)), maximize=maximize)
    assert rows.tolist() == [0, 1] and cols.tolist() == ([1, 0] if maximize else [0, 1])


def _layouts(base):
    fortran = np.asfortranarray(base)
    big = np.zeros((base.shape[0] * 2, base.shape[1] * 3))
    big[::2, 1::3] = base
    strided = big[::2, 1::3]
    reversed_ = base[::-1, ::-1].copy()[::-1, ::-1]
    readonly = base.copy()
    readonly.flags.writeable = False
    readonly_strided = strided.copy(order="F")[:, :]
    readonly_strided.flags.writeable = False
    transposed = np.ascontiguousarray(base.T).T
    return {
        "fortran": fortran,
        "strided": strided,
        "negative": reversed_,
        "readonly": readonly,
        "readonly_fortran": readonly_strided,
        "transposed_view": transposed,
        "broadcast_ro": np.broadcast_to(base, base.shape),
    }


@pytest.mark.parametrize("shape", [(7, 7), (5, 9), (9, 5)], ids=str)
@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_layouts_give_the_contiguous_answer(shape, maximize):
    rng = np.random.default_rng(shape[0] * 100 + shape[1])
    base = rng.random(shape)
    expected = pairwell.linear_sum_assignment(base, maximize=maximize)
    for name, view in _layouts(base).items():
        np.testing.assert_array_equal(np.asarray(view), base, err_msg=name)
        got = pairwell.linear_sum_assignment(view, maximize=maximize)
        np.testing.assert_array_equal(got[0], expected[0], err_msg=name)
        np.testing.assert_array_equal(got[1], expected[1], err_msg=name)
        result = pairwell.solve(view, maximize=maximize)
        result.verify(view)
    # negative strides for real (a view, not a copy) on a matrix that is not symmetric
    flipped = base[::-1, ::-1]
    assert flipped.strides[0] < 0 and flipped.strides[1] < 0
    check_like_scipy(flipped, maximize, exact_indices=True)
    check_like_scipy(base[:, ::-2], maximize, exact_indices=True)
    check_like_scipy(base[::-3, :], maximize, exact_indices=True)
    # float32 and int in Fortran order with strides
    check_like_scipy(np.asfortranarray((base * 100).astype(np.float32))[::-1], maximize)
    check_like_scipy(np.asfortranarray((base * 100).astype(np.int32))[:, ::-1], maximize)


def test_input_is_not_modified():
    rng = np.random.default_rng(3)
    cost = rng.random((6, 8))
    cost[0, 0] = np.inf
    before = cost.copy()
    pairwell.linear_sum_assignment(cost)
    pairwell.solve(cost, capacities=[2, 1, 1, 1, 1, 1])
    pairwell.solve(cost, allow_unmatched=True)
    pairwell.solve_batch([cost, cost.T])
    np.testing.assert_array_equal(cost, before)


def test_objective_and_duals_are_consistent_with_scipy():
    rng = np.random.default_rng(21)
    for shape in [(5, 5), (4, 9), (9, 4), (40, 55)]:
        for maximize in (False, True):
            cost = rng.normal(size=shape)
            result = pairwell.solve(cost, maximize=maximize)
            _, _, best = scipy_optimum(cost, maximize)
            assert result.objective == pytest.approx(best, rel=1e-12, abs=1e-12)
            assert result.objective == pytest.approx(cost[result.rows, result.cols].sum(), abs=1e-12)
            assert isinstance(result.objective, float)
            assert result.row_duals.dtype == np.float64 and result.col_duals.dtype == np.float64
            result.verify(cost)
            python_certificate_check(result, cost, maximize)


# --------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------


def _raises(cost, error, *words, maximize=False):
    with pytest.raises(error) as info:
        pairwell.linear_sum_assignment(cost, maximize=maximize)
    exc = info.value
    assert isinstance(exc, TypeError) or (isinstance(exc, ValueError) and isinstance(exc, pairwell.PairwellError))
    message = str(exc)
    for word in words:
        assert word in message, (word, message)
    return message


@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
@pytest.mark.parametrize("where", [(0, 0), (2, 3), (4, 1)], ids=str)
def test_nan_names_row_and_column(maximize, where):
    cost = np.random.default_rng(1).random((5, 4))
    cost[where] = np.nan
    _raises(cost, pairwell.CostMatrixError, "NaN", f"row {where[0]}", f"column {where[1]}", maximize=maximize)
    with pytest.raises(pairwell.CostMatrixError, match="NaN"):
        pairwell.solve(cost, maximize=maximize, allow_unmatched=True)
    # also through a float32, Fortran-ordered and a list input
    _raises(np.asfortranarray(cost.astype(np.float32)), pairwell.CostMatrixError, "NaN", maximize=maximize)
    _raises(cost.tolist(), pairwell.CostMatrixError, f"row {where[0]}", f"column {where[1]}", maximize=maximize)


def test_wrong_sign_infinities():
    cost = np.ones((3, 4))
    cost[1, 2] = -np.inf
    _raises(cost, pairwell.CostMatrixError, "-inf", "row 1", "column 2", "minimising")
    check_like_scipy(cost, maximize=True)  # -inf is a forbidden pair when maximising
    cost = np.ones((3, 4))
    cost[2, 3] = np.inf
    _raises(cost, pairwell.CostMatrixError, "inf", "row 2", "column 3", "maximising", maximize=True)
    check_like_scipy(cost, maximize=False)  # +inf is a forbidden pair when minimising
    for kwargs in ({}, {"allow_unmatched": True}, {"capacities": [1, 2, 1]}):
        with pytest.raises(pairwell.CostMatrixError, match="inf"):
            pairwell.solve(cost, maximize=True, **kwargs)


CAST = "Cannot cast array data"  # scipy's phrase (numpy's), kept before pairwell's detail


@pytest.mark.parametrize(
    "cost, error, words",
    [
        (np.zeros((2, 2, 2)), pairwell.CostMatrixError, ["expected a matrix", "2-D", "3-D"]),
        (np.zeros((1, 1, 1, 1)), pairwell.CostMatrixError, ["expected a matrix", "4-D"]),
        (np.zeros(3), pairwell.CostMatrixError, ["expected a matrix", "1-D"]),
        ([1.0, 2.0, 3.0], pairwell.CostMatrixError, ["expected a matrix", "1-D"]),
        (np.float64(3.0), pairwell.CostMatrixError, ["expected a matrix", "0-D"]),
        ([[1.0, 2.0], [3.0]], pairwell.CostMatrixError, ["ragged"]),
        ([[1.0, 2.0], [3.0, [4.0]]], pairwell.CostMatrixError, ["ragged"]),
        ([["a", "b"], ["c", "d"]], pairwell.CostMatrixError, ["numeric", "'a'"]),
        ([[b"x"]], pairwell.CostMatrixError, ["numeric"]),
        # As scipy: arrays whose dtype does not cast safely to float64 are a TypeError.
        (np.array([["1", "2"], ["3", "4"]]), TypeError, [CAST, "<U1", "real numbers"]),
        (np.array([[1, None], [2, 3]], dtype=object), TypeError, [CAST, "dtype('O')"]),
        (np.array([[1, 2], [3, 4]], dtype=object), TypeError, [CAST, "dtype('O')"]),
        (np.ones((2, 2), dtype=complex), TypeError, [CAST, "complex128"]),
        ([[1 + 2j, 0], [0, 1]], TypeError, ["real numbers", "complex"]),
        ([[None, 1.0], [2.0, 3.0]], pairwell.CostMatrixError, ["invalid numeric entries", "NaN at row 0, column 0"]),
        ([[{}, 1.0], [2.0, 3.0]], TypeError, ["real numbers", "dict"]),
        (np.array([["2020-01-01"]], dtype="datetime64[D]"), TypeError, [CAST, "M8[D]"]),
        (np.ones((2, 2), dtype="timedelta64[s]"), TypeError, [CAST, "m8[s]"]),
        (np.ones((2, 2), dtype=np.longdouble), TypeError, [CAST, "float128"]),
    ],
    ids=[
        "3d",
        "4d",
        "1d",
        "1d-list",
        "0d",
        "ragged",
        "ragged-nested",
        "strings",
        "bytes",
        "string-array",
        "object-none",
        "object-numbers",
        "complex",
        "complex-list",
        "none-list",
        "dict-list",
        "datetime",
        "timedelta",
        "longdouble",
    ],
)
def test_bad_input_is_a_clear_error_where_scipy_raises(cost, error, words):
    with pytest.raises(TypeError if error is TypeError else ValueError):
        scipy.optimize.linear_sum_assignment(cost)
    _raises(cost, error, *words)
    with pytest.raises(error):
        pairwell.solve(cost)
    with pytest.raises(error):
        pairwell.solve_batch([np.ones((2, 2)), cost])


@pytest.mark.parametrize(
    "cost, maximize",
    [
        (np.array([[np.inf, np.inf], [1.0, 2.0]]), False),
        (np.array([[1.0, np.inf, 3.0], [np.inf, np.inf, np.inf]]), False),
        (np.array([[1.0, np.inf], [2.0, np.inf]]), False),  # both rows need column 0
        (np.array([[1.0, np.inf], [2.0, np.inf], [3.0, np.inf]]), False),  # tall, a dead column
        (np.full((3, 3), np.inf), False),
        (np.array([[-np.inf, -np.inf], [1.0, 2.0]]), True),
        (np.array([[1.0, -np.inf], [2.0, -np.inf]]), True),
    ],
    ids=["row-all-inf", "wide-row-all-inf", "shared-column", "tall-dead-column", "all-inf", "max-row", "max-col"],
)
def test_infeasible(cost, maximize):
    with pytest.raises(ValueError):
        scipy.optimize.linear_sum_assignment(cost, maximize=maximize)
    message = _raises(cost, pairwell.InfeasibleError, "infeasible", maximize=maximize)
    assert "row" in message or "column" in message
    with pytest.raises(pairwell.InfeasibleError):
        pairwell.solve(cost, maximize=maximize)
    # allowing unmatched makes any matrix feasible
    result = pairwell.solve(cost, maximize=maximize, allow_unmatched=True)
    result.verify(cost)
    assert np.all(np.isfinite(cost[result.rows, result.cols]))


@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
@pytest.mark.parametrize(
    "cost",
    [
        [[1.7e308, 1.7e308], [-1.7e308, -1.7e308]],
        [[1e308, -1e308], [0.0, 1.0]],
        [[1.7e308, 0.0], [0.0, 1.7e308]],
        [[0.0, 1.7e308, -1.7e308], [5.0, -1.7e308, 1.7e308], [1e-300, 3.0, -2.0]],
        [[1.7e308, -1.7e308, 0.0]],
        [[1.7e308], [-1.7e308], [3.0]],
    ],
    ids=["rows-of-extremes", "opposite-extremes", "diagonal-max", "mixed", "one-row", "one-column"],
)
def test_costs_spanning_beyond_float64_are_solved_like_scipy(cost, maximize):
    # Their differences overflow float64: solved scaled down by a power of two, exactly.
    cost = np.array(cost)
    expected = scipy.optimize.linear_sum_assignment(cost, maximize=maximize)
    got = pairwell.linear_sum_assignment(cost, maximize=maximize)

    def exact_total(pairs):  # float64 sums of such costs overflow
        return sum(map(Fraction, cost[pairs].tolist()))

    assert exact_total(got) == exact_total(expected)
    # `solve` also returns the certificate, whose potentials must fit in float64 once scaled
    # back: they do on a single row or column; on a square they may not, and then it says so.
    try:
        result = pairwell.solve(cost, maximize=maximize)
    except pairwell.CostMatrixError as exc:
        assert 1 not in cost.shape and "potentials that certify the optimum" in str(exc)
    else:
        assert [result.rows.tolist(), result.cols.tolist()] == [x.tolist() for x in got]
        result.verify(cost)


@pytest.mark.parametrize("shape", [(8, 8), (3, 5), (5, 3), (1, 1)])
@pytest.mark.parametrize("value", [1.0, 0.0, -2.5])
def test_constant_matrices_give_the_diagonal_like_scipy(shape, value):
    cost = np.full(shape, value)
    for maximize in (False, True):
        expected = scipy.optimize.linear_sum_assignment(cost, maximize=maximize)
        got = pairwell.linear_sum_assignment(cost, maximize=maximize)
        assert [x.tolist() for x in got] == [x.tolist() for x in expected] == [list(range(min(shape)))] * 2
        pairwell.solve(cost, maximize=maximize).verify(cost)


def test_objective_is_never_negative_zero():
    for cost, kwargs in [
        (np.zeros((0, 3)), {}),
        (np.zeros((2, 0)), {"maximize": True}),
        (np.full((2, 2), -0.0), {}),
        (np.array([[-0.0, 1.0], [1.0, -0.0]]), {"maximize": False}),
        (np.array([[5.0, -1.0]]), {"maximize": True, "capacities": [0]}),
        (np.array([[1.0, 2.0]]), {"allow_unmatched": True}),
    ]:
        objective = pairwell.solve(cost, **kwargs).objective
        assert objective == 0.0 and np.copysign(1.0, objective) == 1.0, (cost, kwargs)


def test_exception_hierarchy():
    for exc in (pairwell.CostMatrixError, pairwell.InfeasibleError, pairwell.CertificateError):
        assert issubclass(exc, pairwell.PairwellError)
        assert issubclass(exc, ValueError)
    assert issubclass(pairwell.PairwellError, ValueError)
    assert not issubclass(pairwell.InfeasibleError, pairwell.CostMatrixError)


@pytest.mark.parametrize(
    "capacities, error, words",
    [
        ([1, 1], pairwell.CostMatrixError, ["2 entries", "3 rows"]),
        ([1, 1, 1, 1], pairwell.CostMatrixError, ["4 entries", "3 rows"]),
        ([1, -1, 1], pairwell.CostMatrixError, ["capacities[1]", "non-negative"]),
        ((c for c in [1, 1, -1]), pairwell.CostMatrixError, ["capacities[2]", "non-negative"]),
        ([1, 1.5, 1], TypeError, ["capacities[1]", "integer", "1.5"]),
        ([1, 2.0, 1], TypeError, ["capacities[1]", "integer", "2.0"]),
        ([1, 1, "x"], TypeError, ["capacities[2]", "integer", "'x'"]),
        ([None, 1, 1], TypeError, ["capacities[0]", "integer", "None"]),
        ([1, float("nan"), 1], TypeError, ["capacities[1]", "integer", "nan"]),
        ([1, 1, float("inf")], TypeError, ["capacities[2]", "integer", "inf"]),
        ([True, 1, 1], TypeError, ["capacities[0]", "integer", "True"]),
        (np.array([1.0, 1.0, 1.0]), TypeError, ["capacities[0]", "integer"]),
        (2, TypeError, ["capacities", "sequence", "int"]),
        ("111", TypeError, ["capacities", "sequence", "str"]),
    ],
    ids=[
        "short",
        "long",
        "negative",
        "negative-generator",
        "fraction",
        "float",
        "string",
        "none",
        "nan",
        "inf",
        "bool",
        "float-array",
        "scalar",
        "str",
    ],
)
def test_bad_capacities(capacities, error, words):
    with pytest.raises(error) as info:
        pairwell.solve(np.ones((3, 4)), capacities=capacities)
    for word in words:
        assert word in str(info.value)


def test_capacities_of_any_size_or_iterable_work():
    cost = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    for capacities in ([2**64, 0], (c for c in [2**200, 0]), np.array([10**18, 0], dtype=np.uint64)):
        result = pairwell.solve(cost, capacities=capacities)
        assert result.rows.tolist() == [0, 0, 0]
        assert result.capacities == [4, 0]  # cut at columns + 1, which changes nothing
        result.verify(cost)


def test_verify_names_bad_indices():
    cost = np.array([[1.0, 2.0], [3.0, 4.0]])
    result = pairwell.solve(cost)
    with pytest.raises(pairwell.CertificateError, match=r"rows\[0\] is -1"):
        dataclasses.replace(result, rows=np.array([-1, 1])).verify(cost)
    with pytest.raises(pairwell.CertificateError, match="outside"):
        dataclasses.replace(result, cols=np.array([0, 2**40])).verify(cost)
    with pytest.raises(TypeError, match="cols must be a 1-D array of integer"):
        dataclasses.replace(result, cols=np.array([0.0, 1.0])).verify(cost)
    with pytest.raises(pairwell.CertificateError, match="not finite"):
        dataclasses.replace(result, row_duals=np.array([np.nan, 0.0])).verify(cost)


def test_verify_tolerance_is_relative_to_each_entry():
    # A huge cost elsewhere in the matrix must not hide a violation of size 1 (issue 11):
    # rows 0 and 1 swapped columns cost 2 where 0 is optimal, and the duals claim otherwise.
    cost = np.array([[0.0, 1.0, 1e12], [1.0, 0.0, 1e12], [1e12, 1e12, 0.0]])
    tampered = pairwell.Assignment(
        rows=np.array([0, 1, 2]),
        cols=np.array([1, 0, 2]),
        objective=2.0,
        row_duals=np.array([1.0, 1.0, 0.0]),
        col_duals=np.zeros(3),
    )
    with pytest.raises(pairwell.CertificateError, match="dual infeasible at row 0, column 0"):
        tampered.verify(cost)
    pairwell.solve(cost).verify(cost)
    # Costs of very different sizes, solved for real, still verify.
    rng = np.random.default_rng(11)
    for _ in range(20):
        cost = rng.random((30, 40)) * 10.0 ** rng.integers(-6, 14, (30, 40))
        for maximize in (False, True):
            pairwell.solve(cost, maximize=maximize).verify(cost)
            pairwell.solve(cost, maximize=maximize, allow_unmatched=True).verify(cost)


# solve: capacities and allow_unmatched against brute force
# --------------------------------------------------------------------------------------------


def _tiny_case(seed):
    rng = np.random.default_rng(9000 + seed)
    n_rows, n_cols = (int(x) for x in rng.integers(1, 5, size=2))
    kind = seed % 4
    if kind == 0:
        cost = rng.uniform(-5, 5, (n_rows, n_cols))
    elif kind == 1:
        cost = rng.integers(-3, 4, (n_rows, n_cols)).astype(float)  # ties and zeros
    elif kind == 2:
        cost = rng.uniform(0, 10, (n_rows, n_cols))
    else:
        cost = -rng.uniform(0, 10, (n_rows, n_cols))
    return rng, cost


@pytest.mark.parametrize("seed", range(48))
@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_capacities_and_unmatched_against_brute_force(seed, maximize):
    rng, cost = _tiny_case(seed)
    n_rows = cost.shape[0]
    if seed % 3 == 0:
        cost[rng.random(cost.shape) < 0.3] = -np.inf if maximize else np.inf
    for capacities in (None, [int(c) for c in rng.integers(0, 4, n_rows)], [2] * n_rows):
        for allow_unmatched in (False, True):
            best = brute_force(cost, maximize, capacities, allow_unmatched)
            if best is None:
                assert not allow_unmatched
                with pytest.raises(pairwell.InfeasibleError):
                    pairwell.solve(cost, maximize=maximize, capacities=capacities)
                continue
            result = pairwell.solve(cost, maximize=maximize, capacities=capacities, allow_unmatched=allow_unmatched)
            context = (cost.tolist(), maximize, capacities, allow_unmatched)
            assert result.objective == pytest.approx(best, abs=1e-9), context
            assert result.rows.dtype == np.intp and result.cols.dtype == np.intp
            assert np.all(np.diff(result.rows) >= 0), context
            if capacities is None:
                assert np.all(np.diff(result.rows) > 0), context
            pairs = list(zip(result.rows.tolist(), result.cols.tolist()))
            assert len(set(result.cols.tolist())) == len(pairs), context
            assert np.all(np.isfinite(cost[result.rows, result.cols])), context
            assert cost[result.rows, result.cols].sum() == pytest.approx(result.objective, abs=1e-9)
            result.verify(cost)
            python_certificate_check(result, cost, maximize, capacities, allow_unmatched)


def test_unmatched_leaves_out_pairs_that_worsen_the_total():
    cost = np.array([[-1.0, 2.0], [3.0, 4.0]])
    result = pairwell.solve(cost, allow_unmatched=True)
    assert list(zip(result.rows.tolist(), result.cols.tolist())) == [(0, 0)]
    assert result.objective == -1.0
    result = pairwell.solve(cost, maximize=True, allow_unmatched=True)
    assert result.objective == 5.0  # (0, 1) and (1, 0)
    result.verify(cost)
    assert pairwell.solve(np.ones((3, 3)), allow_unmatched=True).rows.size == 0
    assert pairwell.solve(-np.ones((3, 3)), maximize=True, allow_unmatched=True).objective == 0.0


def test_capacities_fixed_example():
    # one mentor with room for two, one with room for one; four mentees
    cost = np.array([[1.0, 2.0, 9.0, 3.0], [9.0, 9.0, 1.0, 9.0]])
    result = pairwell.solve(cost, capacities=[2, 1])
    assert result.rows.tolist() == [0, 0, 1]
    assert sorted(result.cols[:2].tolist()) == [0, 1] and result.cols[2] == 2
    assert result.objective == 4.0
    result.verify(cost)
    # zero capacity removes a row entirely
    result = pairwell.solve(cost, capacities=[0, 1])
    assert result.rows.tolist() == [1] and result.cols.tolist() == [2]
    # capacities summing past the number of columns: every column assigned
    result = pairwell.solve(cost, capacities=[4, 4])
    assert sorted(result.cols.tolist()) == [0, 1, 2, 3] and result.objective == 1 + 2 + 1 + 3
    result.verify(cost)
    # numpy integers are accepted as capacities
    pairwell.solve(cost, capacities=np.array([2, 1])).verify(cost)


def unmatched_reference(cost, maximize):
    """Best matching of any size through scipy: each row may pair with its own dummy column and
    each column with its own dummy row at cost 0 (dummies pair with each other at 0)."""
    n, m = cost.shape
    c = -cost if maximize else cost
    big = np.full((n + m, m + n), np.inf)
    big[:n, :m] = c
    big[np.arange(n), m + np.arange(n)] = 0.0
    big[n + np.arange(m), np.arange(m)] = 0.0
    big[n:, m:] = 0.0
    rows, cols = scipy.optimize.linear_sum_assignment(big)
    total = float(big[rows, cols].sum())
    return -total if maximize else total


@pytest.mark.parametrize("seed", range(16))
@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_unmatched_medium_sizes_against_scipy(seed, maximize):
    rng = np.random.default_rng(3000 + seed)
    shape = tuple(int(x) for x in rng.integers(5, 60, size=2))
    if seed % 2:
        cost = rng.integers(-4, 5, shape).astype(float)
    else:
        cost = rng.normal(size=shape)
    if seed % 4 < 2:
        cost[rng.random(shape) < 0.4] = -np.inf if maximize else np.inf
    result = pairwell.solve(cost, maximize=maximize, allow_unmatched=True)
    assert result.objective == pytest.approx(unmatched_reference(cost, maximize), abs=1e-9)
    if maximize:
        assert np.all(cost[result.rows, result.cols] >= 0)
    else:
        assert np.all(cost[result.rows, result.cols] <= 0)
    result.verify(cost)
    python_certificate_check(result, cost, maximize, None, True)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_forbidden_pairs_medium_sizes(seed, maximize):
    rng = np.random.default_rng(4000 + seed)
    n = int(rng.integers(20, 80))
    shape = (n, n) if seed % 2 else (n, int(rng.integers(n, 2 * n)))
    cost = rng.integers(0, 20, shape).astype(float)
    cost[rng.random(shape) < 0.5] = -np.inf if maximize else np.inf
    if seed % 4 >= 2:
        cost = np.ascontiguousarray(cost.T)
    check_like_scipy(cost, maximize)
    result = pairwell.solve(cost, maximize=maximize)
    result.verify(cost)
    python_certificate_check(result, cost, maximize)


@pytest.mark.parametrize("seed", range(4))
def test_capacities_equal_a_replicated_matrix(seed):
    """Capacity k on a row equals that row repeated k times (a larger-scale check than brute force)."""
    rng = np.random.default_rng(77 + seed)
    n_rows, n_cols = 12, 30
    cost = rng.random((n_rows, n_cols))
    caps = [int(c) for c in rng.integers(0, 4, n_rows)]
    replicated = np.repeat(cost, caps, axis=0)
    for maximize in (False, True):
        result = pairwell.solve(cost, maximize=maximize, capacities=caps)
        _, _, best = scipy_optimum(replicated, maximize)
        assert result.objective == pytest.approx(best, abs=1e-9)
        assert np.all(np.bincount(result.rows, minlength=n_rows) <= caps)
        result.verify(cost)
        python_certificate_check(result, cost, maximize, caps)


# --------------------------------------------------------------------------------------------
# Assignment.verify detects tampering
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(5, 5), (4, 7), (7, 4)], ids=str)
@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
def test_tampered_assignment_fails_its_certificate(shape, maximize):
    rng = np.random.default_rng(shape[0] * 10 + shape[1] + 100 * maximize)
    cost = rng.uniform(1, 10, shape)
    good = pairwell.solve(cost, maximize=maximize)
    good.verify(cost)
    replace = dataclasses.replace

    def swapped():
        cols = good.cols.copy()
        cols[[0, 1]] = cols[[1, 0]]
        return replace(good, cols=cols, objective=float(cost[good.rows, cols].sum()))

    def swapped_same_objective():
        cols = good.cols.copy()
        cols[[0, 1]] = cols[[1, 0]]
        return replace(good, cols=cols)

    def perturbed(which, index, delta):
        duals = getattr(good, which).copy()
        duals[index] += delta
        return replace(good, **{which: duals})

    def duplicated():
        cols = good.cols.copy()
        cols[1] = cols[0]
        return replace(good, cols=cols)

    tampered = {
        "swap-cols": swapped(),
        "swap-cols-stale-objective": swapped_same_objective(),
        "row-dual-up": perturbed("row_duals", 0, 0.5),
        "row-dual-down": perturbed("row_duals", 1, -0.5),
        "col-dual-up": perturbed("col_duals", int(good.cols[0]), 0.5),
        "col-dual-down": perturbed("col_duals", int(good.cols[-1]), -0.5),
        "objective": replace(good, objective=good.objective + 1.0),
        "duplicated-col": duplicated(),
        "dropped-pair": replace(good, rows=good.rows[1:], cols=good.cols[1:]),
    }
    for name, bad in tampered.items():
        with pytest.raises(pairwell.CertificateError) as info:
            bad.verify(cost)
        assert isinstance(info.value, ValueError), name
        assert str(info.value), name
    # the right answer for another matrix is not certified for this one
    other = cost.copy()
    other[good.rows[0], good.cols[0]] += 20.0 * (-1 if maximize else 1)
    with pytest.raises(pairwell.CertificateError):
        good.verify(other)
    # the untouched result still verifies
    good.verify(cost)


def test_verify_checks_capacity_and_unmatched_modes():
    rng = np.random.default_rng(5)
    cost = rng.uniform(-1, 1, (4, 6))
    result = pairwell.solve(cost, capacities=[2, 1, 1, 1], allow_unmatched=True)
    result.verify(cost)
    # claiming the row may not exceed one column breaks feasibility when it took two
    if np.bincount(result.rows, minlength=4)[0] > 1:
        with pytest.raises(pairwell.CertificateError):
            dataclasses.replace(result, capacities=[1, 1, 1, 1]).verify(cost)
    full = pairwell.solve(cost)
    with pytest.raises(pairwell.CertificateError):
        # the full assignment, dropped to one pair, is no longer complete
        dataclasses.replace(
            full, rows=full.rows[:1], cols=full.cols[:1], objective=float(cost[full.rows[0], full.cols[0]])
        ).verify(cost)


# --------------------------------------------------------------------------------------------
# solve_batch
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("maximize", [False, True], ids=["min", "max"])
@pytest.mark.parametrize("allow_unmatched", [False, True], ids=["full", "unmatched"])
def test_batch_equals_single_solves(maximize, allow_unmatched):
    rng = np.random.default_rng(42 + 2 * maximize + allow_unmatched)
    costs = [rng.normal(size=tuple(rng.integers(1, 40, size=2))) for _ in range(12)]
    costs += [np.zeros((0, 3)), np.zeros((3, 0)), rng.integers(0, 3, (9, 9)), rng.random((5, 8)).tolist()]
    costs.append(np.asfortranarray(rng.random((7, 6)))[::-1])
    batch = pairwell.solve_batch(costs, maximize=maximize, allow_unmatched=allow_unmatched)
    assert len(batch) == len(costs)
    for cost, got in zip(costs, batch):
        single = pairwell.solve(cost, maximize=maximize, allow_unmatched=allow_unmatched)
        assert isinstance(got, pairwell.Assignment)
        assert got.maximize == maximize and got.allow_unmatched == allow_unmatched
        assert got.objective == pytest.approx(single.objective, rel=1e-12, abs=1e-12)
        np.testing.assert_array_equal(got.rows, single.rows)
        np.testing.assert_array_equal(got.cols, single.cols)
        np.testing.assert_allclose(got.row_duals, single.row_duals, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(got.col_duals, single.col_duals, rtol=1e-12, atol=1e-12)
        got.verify(cost)


def test_batch_edge_cases():
    assert pairwell.solve_batch([]) == []
    bad = np.ones((3, 3))
    bad[1, 1] = np.nan
    with pytest.raises(pairwell.CostMatrixError, match="NaN"):
        pairwell.solve_batch([np.ones((2, 2)), bad])
    with pytest.raises(pairwell.CostMatrixError, match=r"costs\[1\]"):
        pairwell.solve_batch([np.ones((2, 2)), np.ones(3)])
    with pytest.raises(pairwell.InfeasibleError):
        pairwell.solve_batch([np.ones((2, 2)), np.array([[np.inf, np.inf], [1.0, 1.0]])])


# --------------------------------------------------------------------------------------------
# the pathfinding crate as an independent reference
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (4, 4), (5, 8), (20, 20), (15, 40), (60, 60)], ids=str)
@pytest.mark.parametrize("high", [3, 1000], ids=["ties", "spread"])
def test_agrees_with_pathfinding_kuhn_munkres(shape, high):
    rng = np.random.default_rng(shape[0] * 1000 + shape[1] + high)
    for _ in range(3):
        weights = rng.integers(-high, high, shape).astype(np.int64)
        # maximising
        total, km_cols = _core._kuhn_munkres(weights)
        assert weights[np.arange(shape[0]), km_cols].sum() == total
        assert len(set(km_cols.tolist())) == shape[0]
        rows, cols = pairwell.linear_sum_assignment(weights, maximize=True)
        assert weights[rows, cols].sum() == total
        assert pairwell.solve(weights, maximize=True).objective == total
        # minimising is maximising the negation
        neg_total, _ = _core._kuhn_munkres(-weights)
        rows, cols = pairwell.linear_sum_assignment(weights)
        assert weights[rows, cols].sum() == -neg_total
        # tall matrices: the transpose has the same optimum
        rows, cols = pairwell.linear_sum_assignment(weights.T.copy(), maximize=True)
        assert weights.T[rows, cols].sum() == total


def test_kuhn_munkres_binding_rejects_tall():
    with pytest.raises(pairwell.CostMatrixError, match="rows <= columns"):
        _core._kuhn_munkres(np.zeros((3, 2), dtype=np.int64))


# --------------------------------------------------------------------------------------------
# the GIL
# --------------------------------------------------------------------------------------------


def test_gil_is_released_while_solving():
    n = 1500
    # Machol-Wien style cost i*j: a slow instance for shortest augmenting path solvers
    # (over a second), unlike random matrices which solve in milliseconds.
    cost = np.outer(np.arange(n, dtype=np.float64), np.arange(n, dtype=np.float64))
    stamps: list[float] = []
    stop = threading.Event()
    started = threading.Event()

    def count():
        k = 0
        started.set()
        while not stop.is_set():
            k += 1
            if k % 1000 == 0:
                stamps.append(time.perf_counter())

    thread = threading.Thread(target=count, daemon=True)
    thread.start()
    started.wait()
    t0 = time.perf_counter()
    rows, cols = pairwell.linear_sum_assignment(cost)
    t1 = time.perf_counter()
    stop.set()
    thread.join()
    elapsed = t1 - t0
    assert len(rows) == n and len(np.unique(cols)) == n
    if elapsed < 0.2:
        pytest.skip(f"solve too fast ({elapsed:.3f}s) to observe the GIL")
    # The counting thread made progress throughout the solve, not only around its edges.
    lo, hi = t0 + 0.25 * elapsed, t1 - 0.25 * elapsed
    middle = [s for s in stamps if lo <= s <= hi]
    assert len(middle) >= 20, (elapsed, len(stamps), len(middle))
    # And it progressed in every tenth of the solve.
    buckets = {int((s - t0) / elapsed * 10) for s in stamps if t0 <= s <= t1}
    assert buckets >= set(range(1, 9)), sorted(buckets)
