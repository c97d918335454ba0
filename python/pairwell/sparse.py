"""A drop-in for ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` on pairwell's sparse
exact solver (shortest augmenting paths on the listed arcs, with dual potentials)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from pairwell import _core
from pairwell._core import InfeasibleError

__all__ = ["min_weight_full_bipartite_matching"]


def _index_dtype(n: int) -> type[np.signedinteger[Any]]:
    # scipy returns the solver's int32 indices for the matched side unless they do not fit.
    return np.int32 if n <= np.iinfo(np.int32).max else np.int64


def min_weight_full_bipartite_matching(
    biadjacency_matrix: Any, maximize: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """The minimum (or maximum) weight full matching of a bipartite graph, like scipy's.

    Parameters
    ----------
    biadjacency_matrix:
        A scipy sparse matrix or array in CSR, CSC or COO format: rows are one side, columns
        the other, and each stored nonzero entry is an edge of that weight. Explicit zeros are
        not edges (removed with a warning, as scipy does); infinite weights of the forbidden
        sign (``+inf`` minimising, ``-inf`` maximising) are not edges either. Duplicate COO
        entries are summed; duplicates in CSR or CSC are parallel edges (the best one counts).
    maximize:
        Find a maximum weight full matching instead.

    Returns
    -------
    (row_ind, col_ind):
        The matched rows (sorted; ``arange(n_rows)`` when there are no more rows than columns)
        and their columns, ``min(n_rows, n_cols)`` pairs, with scipy's dtypes.

    Raises
    ------
    TypeError
        The input is not a scipy sparse matrix or array, or not in CSR, CSC or COO format.
    ValueError
        The entries are not numeric; :class:`pairwell.InfeasibleError` (a ``ValueError``,
        message ``no full matching exists``) when no matching covers the smaller side;
        :class:`pairwell.CostMatrixError` for NaN weights or infinities of the unbounded sign,
        which scipy does not reject.
    """
    import scipy.sparse

    graph = biadjacency_matrix
    if not scipy.sparse.issparse(graph):
        raise TypeError("graph must be sparse")
    if graph.format not in ("csr", "csc", "coo"):
        raise TypeError("graph must be in CSC, CSR, or COO format.")
    if not (np.issubdtype(graph.dtype, np.number) or graph.dtype == np.dtype(np.bool_)):
        raise ValueError(f"expected a matrix containing numerical entries, got {graph.dtype}")
    graph = graph.astype(np.double)  # a copy: the caller's matrix is never changed
    if not np.all(graph.data):
        warnings.warn("explicit zero weights are removed before matching", UserWarning, stacklevel=2)
    graph.eliminate_zeros()
    csr = graph.tocsr()
    n_rows, n_cols = csr.shape
    rows, cols, *_ = _solve(csr, n_cols, bool(maximize))
    if n_rows <= n_cols:
        return rows.astype(np.int64), cols.astype(_index_dtype(n_cols))
    return rows.astype(_index_dtype(n_rows)), cols.astype(np.int64)


def _solve(csr: Any, n_cols: int, maximize: bool) -> tuple[np.ndarray, ...]:
    try:
        return _core.solve_sparse(
            np.asarray(csr.indptr, dtype=np.int64),
            np.asarray(csr.indices, dtype=np.int64),
            np.ascontiguousarray(csr.data, dtype=np.float64),
            n_cols,
            maximize=maximize,
        )
    except InfeasibleError as e:
        raise InfeasibleError("no full matching exists") from e
