"""Exact linear assignment: a drop-in for ``scipy.optimize.linear_sum_assignment`` and a richer
call with capacities, an unmatched-allowed mode and the dual potentials that prove optimality."""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from pairwell import _core
from pairwell._core import CertificateError, CostMatrixError

__all__ = ["Assignment", "linear_sum_assignment", "solve", "solve_batch"]


def _as_cost_matrix(cost: npt.ArrayLike, name: str = "cost matrix") -> np.ndarray:
    """A 2-D float64 view of ``cost`` (no copy when it already is one, whatever its strides).

    As scipy: an array is cast to float64 only where numpy's ``safe`` rule allows it (any
    integer, bool or float up to float64), so strings, objects, complex numbers, dates,
    durations and ``longdouble`` are a ``TypeError``; anything else (nested lists, frames) is
    converted element by element, like ``float()``.
    """
    if isinstance(cost, np.ndarray):
        array = np.asarray(cost)
        if not np.can_cast(array.dtype, np.float64, "safe"):
            raise TypeError(
                f"Cannot cast array data from {array.dtype!r} to dtype('float64') according to the rule 'safe': "
                f"{name} must hold real numbers of at most float64 precision"
            )
        array = array.astype(np.float64, copy=False)
    else:
        try:
            array = np.asarray(cost, dtype=np.float64)
        except ValueError as exc:  # ragged nested lists, strings that are not numbers
            raise CostMatrixError(f"{name} is ragged or not numeric: {exc}") from None
        except TypeError as exc:  # complex numbers, None, dicts, ...
            raise TypeError(f"{name} must hold real numbers: {exc}") from None
    if array.ndim != 2:
        raise CostMatrixError(f"expected a matrix (2-D array), got {name} of {array.ndim}-D shape {array.shape}")
    return array


@dataclass(frozen=True)
class Assignment:
    """An optimal assignment and the dual potentials that certify it.

    ``rows`` is ascending (a row repeats when its capacity is above one) and ``cols`` is aligned
    with it. When minimising, ``row_duals[i] + col_duals[j] <= cost[i, j]`` on every allowed
    pair with equality on the chosen ones (``>=`` when maximising); :meth:`verify` checks this.
    """

    rows: np.ndarray
    cols: np.ndarray
    objective: float
    row_duals: np.ndarray
    col_duals: np.ndarray
    maximize: bool = False
    capacities: list[int] | None = field(default=None)
    allow_unmatched: bool = False

    def verify(self, cost: npt.ArrayLike) -> None:
        """Check optimality against ``cost`` with the dual certificate.

        Raises :class:`pairwell.CertificateError` naming the first failed condition
        (feasibility, dual feasibility, complementary slackness, duality gap); each is checked
        to a tolerance relative to the entry's own magnitude and those of its row's and
        column's pairs.
        """
        _core.verify(
            _as_cost_matrix(cost),
            _indices(self.rows, "rows"),
            _indices(self.cols, "cols"),
            _floats([self.objective], "objective")[0],
            _floats(self.row_duals, "row_duals"),
            _floats(self.col_duals, "col_duals"),
            maximize=self.maximize,
            capacities=self.capacities,
            allow_unmatched=self.allow_unmatched,
        )


def _indices(values: npt.ArrayLike, name: str) -> list[int]:
    """``values`` as a list of non-negative integers (the upper bound is the certificate's to
    check)."""
    try:
        array = np.asarray(values)
    except ValueError:  # ragged
        array = np.asarray(values, dtype=object)
    if array.ndim != 1 or not (np.issubdtype(array.dtype, np.integer) or array.size == 0):
        raise TypeError(f"{name} must be a 1-D array of integer indices, got {array.dtype} of shape {array.shape}")
    negative = np.flatnonzero(array < 0)
    if negative.size:
        k = int(negative[0])
        raise CertificateError(f"malformed assignment: {name}[{k}] is {array[k]}, not an index")
    return array.tolist()


def _floats(values: npt.ArrayLike, name: str) -> list[float]:
    """``values`` as a list of floats."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except OverflowError as exc:
        raise CertificateError(f"malformed assignment: {name} overflows float64: {exc}") from None
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a 1-D array of numbers: {exc}") from None
    if array.ndim != 1:
        raise TypeError(f"{name} must be a 1-D array of numbers, got shape {array.shape}")
    return array.tolist()


def linear_sum_assignment(cost: npt.ArrayLike, maximize: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Solve the linear sum assignment problem, like ``scipy.optimize.linear_sum_assignment``.

    Parameters
    ----------
    cost:
        A 2-D array-like (any real dtype, order or strides). Forbidden pairs are ``+inf`` when
        minimising and ``-inf`` when maximising.
    maximize:
        Maximise the total instead of minimising it.

    Returns
    -------
    (row_ind, col_ind):
        Integer arrays; ``row_ind`` is sorted and every row (or column, whichever side is
        smaller) appears once. The optimum is ``cost[row_ind, col_ind].sum()``. Costs whose
        span is too wide for float64 arithmetic are solved scaled down by a power of two. A
        matrix of equal costs gives the diagonal, as scipy does.

    Raises
    ------
    CostMatrixError
        NaN, infinities of the wrong sign ("contains invalid numeric entries", as scipy says),
        input that is not 2-D ("expected a matrix"), ragged or not numeric.
    InfeasibleError
        Forbidden pairs leave no complete assignment. Both are ``ValueError`` subclasses.
    TypeError
        An array whose dtype does not cast safely to float64 (strings, objects, complex, dates,
        durations, ``longdouble``), or elements that are not real numbers.
    MemoryError
        The working copies cannot be allocated; the message says how many bytes they need.
    """
    return _core.linear_sum_assignment(_as_cost_matrix(cost), maximize=bool(maximize))


def _validated_capacities(capacities: Iterable[int] | None, n_rows: int, n_cols: int) -> list[int] | None:
    """One non-negative integer per row (bools and floats are not integers). Capacities above
    ``n_cols + 1`` change nothing (a row never takes more than every column) and are cut there,
    so any Python integer works."""
    if capacities is None:
        return None
    if isinstance(capacities, (str, bytes)) or not isinstance(capacities, Iterable):
        raise TypeError(f"capacities must be a sequence of integers, one per row, got {type(capacities).__name__}")
    caps = []
    for i, given in enumerate(capacities):
        if isinstance(given, (bool, np.bool_)):
            raise TypeError(f"capacities[{i}] must be an integer, got {given!r}")
        try:
            c = operator.index(given)
        except TypeError:
            raise TypeError(f"capacities[{i}] must be an integer, got {given!r}") from None
        if c < 0:
            raise CostMatrixError(f"capacities[{i}] must be a non-negative integer, got {given!r}")
        caps.append(min(c, n_cols + 1))
    if len(caps) != n_rows:
        raise CostMatrixError(f"capacities has {len(caps)} entries but the cost matrix has {n_rows} rows")
    return caps


def solve(
    cost: npt.ArrayLike,
    *,
    maximize: bool = False,
    capacities: Iterable[int] | None = None,
    allow_unmatched: bool = False,
) -> Assignment:
    """The optimal assignment of ``cost`` with its optimality certificate.

    ``capacities[i]`` lets row ``i`` take up to that many columns (a mentor with several
    mentees); it must be a non-negative integer (``TypeError`` for any other type, including
    ``bool`` and floats), and values above the number of columns plus one are stored cut
    there. Without ``allow_unmatched`` the smaller side, counting capacities, is assigned in
    full (``InfeasibleError`` if forbidden pairs prevent it); with it the result is the best
    matching of any size: a pair is left out when it would worsen the total.

    Costs spanning more than float64 arithmetic allows are solved scaled down; if the
    potentials that certify the optimum then overflow float64, ``CostMatrixError`` says so
    (:func:`linear_sum_assignment`, which returns no certificate, still answers).
    ``MemoryError`` names the bytes a working copy needs when it cannot be allocated.
    """
    matrix = _as_cost_matrix(cost)
    caps = _validated_capacities(capacities, *matrix.shape)
    rows, cols, objective, row_duals, col_duals = _core.solve(
        matrix, maximize=bool(maximize), capacities=caps, allow_unmatched=bool(allow_unmatched)
    )
    return Assignment(rows, cols, objective, row_duals, col_duals, bool(maximize), caps, bool(allow_unmatched))


def solve_batch(
    costs: Sequence[npt.ArrayLike], *, maximize: bool = False, allow_unmatched: bool = False
) -> list[Assignment]:
    """Solve independent cost matrices in parallel (one thread per problem, GIL released)."""
    matrices = [_as_cost_matrix(c, f"costs[{i}]") for i, c in enumerate(costs)]
    results = _core.solve_batch(matrices, maximize=bool(maximize), allow_unmatched=bool(allow_unmatched))
    return [Assignment(*r, bool(maximize), None, bool(allow_unmatched)) for r in results]
