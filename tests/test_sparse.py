"""``pairwell.min_weight_full_bipartite_matching`` against scipy's: the same optimum (and, with
unique optima, the same pairs and dtypes) on random graphs in every accepted format (CSR, CSC,
COO, matrices and arrays), square, wide and tall, minimising and maximising, with explicit
zeros, infinite weights and duplicates; the same errors (types and messages) on bad input and
on graphs with no full matching. ``linear_sum_assignment`` on mostly forbidden matrices (which
goes to the sparse kernel) agrees with scipy too."""

from __future__ import annotations

import warnings

import numpy as np
import pairwell
import pytest
import scipy.optimize
import scipy.sparse
from scipy.sparse.csgraph import min_weight_full_bipartite_matching as scipy_matching

FORMATS = ["csr_matrix", "csc_matrix", "coo_matrix", "csr_array", "csc_array", "coo_array"]


def random_graph(rng: np.random.Generator, n: int, m: int, density: float, fmt: str) -> object:
    """Random weights in [1, 1000) on a random pattern that always holds a full matching."""
    mask = rng.random((n, m)) < density
    k = min(n, m)
    mask[rng.permutation(n)[:k], rng.permutation(m)[:k]] = True
    dense = np.where(mask, rng.random((n, m)) * 999 + 1, 0.0)
    return getattr(scipy.sparse, fmt)(dense)


def total(graph: object, rows: np.ndarray, cols: np.ndarray) -> float:
    return float(np.asarray(scipy.sparse.csr_array(graph)[rows, cols]).sum())


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("maximize", [False, True])
def test_matches_scipy_on_random_graphs(fmt: str, maximize: bool) -> None:
    rng = np.random.default_rng(abs(hash((fmt, maximize))) % 2**32)
    for _ in range(25):
        n, m = rng.integers(1, 40, size=2)
        graph = random_graph(rng, int(n), int(m), float(rng.choice([0.05, 0.2, 0.6])), fmt)
        expected = scipy_matching(graph, maximize=maximize)
        got = pairwell.min_weight_full_bipartite_matching(graph, maximize=maximize)
        # Random float weights: the optimum is unique, so the pairs are scipy's.
        for e, g in zip(expected, got):
            np.testing.assert_array_equal(g, e)
            assert g.dtype == e.dtype
        assert total(graph, *got) == pytest.approx(total(graph, *expected))


def test_ties_reach_the_same_total() -> None:
    rng = np.random.default_rng(3)
    for _ in range(30):
        n, m = (int(x) for x in rng.integers(1, 30, size=2))
        mask = rng.random((n, m)) < 0.3
        k = min(n, m)
        mask[rng.permutation(n)[:k], rng.permutation(m)[:k]] = True
        graph = scipy.sparse.csr_array(np.where(mask, rng.integers(1, 4, size=(n, m)), 0))
        e = scipy_matching(graph)
        g = pairwell.min_weight_full_bipartite_matching(graph)
        assert total(graph, *g) == total(graph, *e)
        assert len(set(g[1].tolist())) == len(g[1]) == k


def test_empty_sides() -> None:
    for shape in [(0, 0), (2, 0), (0, 3)]:
        for e, g in zip(
            scipy_matching(scipy.sparse.csr_array(shape)),
            pairwell.min_weight_full_bipartite_matching(scipy.sparse.csr_array(shape)),
        ):
            assert len(g) == 0 and g.dtype == e.dtype


def test_explicit_zeros_are_not_edges_and_warn() -> None:
    graph = scipy.sparse.csr_array(
        (np.array([0.0, 1.0, 2.0]), (np.array([0, 0, 1]), np.array([0, 1, 1]))), shape=(2, 2)
    )
    for solver in (scipy_matching, pairwell.min_weight_full_bipartite_matching):
        with pytest.warns(UserWarning, match="explicit zero weights are removed before matching"):
            with pytest.raises(ValueError, match="no full matching exists"):
                solver(graph)
    assert graph.nnz == 3  # the caller's matrix is untouched


def test_infinities_and_duplicates() -> None:
    # +inf is no edge when minimising (-inf when maximising); duplicate COO entries add up.
    rows, cols = np.array([0, 0, 1, 1, 1]), np.array([0, 1, 0, 1, 1])
    for maximize, weight in [(False, np.inf), (True, -np.inf)]:
        graph = scipy.sparse.coo_array((np.array([weight, 5.0, 1.0, 2.0, 2.0]), (rows, cols)), shape=(2, 2))
        e = scipy_matching(graph, maximize=maximize)
        g = pairwell.min_weight_full_bipartite_matching(graph, maximize=maximize)
        np.testing.assert_array_equal(g[1], e[1])


def test_errors_match_scipy() -> None:
    bad = [
        np.eye(2),
        scipy.sparse.lil_array(np.eye(2)),
        scipy.sparse.dok_array(np.eye(2)),
        scipy.sparse.csr_array(np.array([[1, 0], [1, 0]])),
        scipy.sparse.csr_array(np.array([[1, 1, 1], [0, 0, 0]])),
        scipy.sparse.csr_array(np.array([[1 + 1j, 0], [0, 1]])),
    ]
    for graph in bad:
        with pytest.raises(Exception) as expected:
            scipy_matching(graph)
        with pytest.raises(expected.type, match=str(expected.value)) as got:
            pairwell.min_weight_full_bipartite_matching(graph)
        assert isinstance(got.value, expected.type)


def test_infeasible_is_pairwell_error() -> None:
    with pytest.raises(pairwell.InfeasibleError, match="no full matching exists"):
        pairwell.min_weight_full_bipartite_matching(scipy.sparse.csr_array(np.array([[1.0, 0], [2.0, 0]])))


def test_nan_is_a_clear_error() -> None:
    graph = scipy.sparse.csr_array(np.array([[1.0, np.nan], [2.0, 3.0]]))
    with pytest.raises(pairwell.CostMatrixError, match="NaN at row 0, column 1"):
        pairwell.min_weight_full_bipartite_matching(graph)


def test_large_sparse_graph() -> None:
    rng = np.random.default_rng(5)
    n, k = 3000, 6
    cols = np.stack([rng.permutation(n) for _ in range(k)], axis=1).ravel()
    graph = scipy.sparse.csr_array((rng.random(n * k) + 1, cols, np.arange(0, n * k + 1, k)), shape=(n, n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicates are not zeros; nothing should warn anyway
        e = scipy_matching(graph)
        g = pairwell.min_weight_full_bipartite_matching(graph)
    assert total(graph, *g) == pytest.approx(total(graph, *e))


@pytest.mark.parametrize("shape", [(150, 150), (100, 170), (170, 100)])
def test_linear_sum_assignment_on_mostly_forbidden_matrices(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(shape[0] * 1000 + shape[1])
    n, m = shape
    for maximize in (False, True):
        cost = np.where(rng.random((n, m)) < 0.03, rng.random((n, m)) * 100, -np.inf if maximize else np.inf)
        k = min(n, m)
        cost[rng.permutation(n)[:k], rng.permutation(m)[:k]] = rng.random(k) * 100
        e = scipy.optimize.linear_sum_assignment(cost, maximize=maximize)
        g = pairwell.linear_sum_assignment(cost, maximize=maximize)
        np.testing.assert_array_equal(g[0], e[0])
        np.testing.assert_array_equal(g[1], e[1])
