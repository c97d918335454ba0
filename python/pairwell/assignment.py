"""Exact linear assignment: a drop-in for ``scipy.optimize.linear_sum_assignment`` and a richer
call with capacities, an unmatched-allowed mode and the dual potentials that prove optimality."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from pairwell import _core
from pairwell._core import CostMatrixError

__all__ = ["Assignment", "linear_sum_assignment", "solve", "solve_batch"]


def _as_cost_matrix(cost: npt.ArrayLike, name: str = "cost matrix") -> np.ndarray:
    """A 2-D float64 view of ``cost`` (no copy when it already is one, whatever its strides)."""
    if isinstance(cost, np.ndarray) and cost.dtype == np.float64:
        array = cost
    else:
        try:
            array = np.asarray(cost)
        except ValueError as exc:  # numpy's message for ragged nested lists
            raise CostMatrixError(f"{name} is ragged or not numeric: {exc}") from None
        if array.dtype == object:
            raise CostMatrixError(f"{name} is ragged or holds non-numeric values")
        if not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_):
            raise CostMatrixError(f"{name} must be numeric, got dtype {array.dtype}")
        if np.issubdtype(array.dtype, np.complexfloating):
            raise CostMatrixError(f"{name} must be real, got dtype {array.dtype}")
        array = array.astype(np.float64, copy=False)
    if array.ndim != 2:
        raise CostMatrixError(f"{name} must be 2-D, got {array.ndim}-D with shape {array.shape}")
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
        (feasibility, dual feasibility, complementary slackness, duality gap).
        """
        _core.verify(
            _as_cost_matrix(cost),
            self.rows.tolist(),
            self.cols.tolist(),
            self.objective,
            self.row_duals.tolist(),
            self.col_duals.tolist(),
            maximize=self.maximize,
            capacities=self.capacities,
            allow_unmatched=self.allow_unmatched,
        )


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
        smaller) appears once. The optimum is ``cost[row_ind, col_ind].sum()``.

    Raises
    ------
    CostMatrixError
        NaN, infinities of the wrong sign, input that is not 2-D, ragged or not numeric.
    InfeasibleError
        Forbidden pairs leave no complete assignment. Both are ``ValueError`` subclasses.
    """
    rows, cols, *_ = _core.solve(_as_cost_matrix(cost), maximize=bool(maximize))
    return rows, cols


def _validated_capacities(capacities: Sequence[int] | None, n_rows: int) -> list[int] | None:
    if capacities is None:
        return None
    caps = [int(c) for c in capacities]
    for i, (given, c) in enumerate(zip(capacities, caps)):
        if c != given or c < 0:
            raise CostMatrixError(f"capacities[{i}] must be a non-negative integer, got {given!r}")
    if len(caps) != n_rows:
        raise CostMatrixError(f"capacities has {len(caps)} entries but the cost matrix has {n_rows} rows")
    return caps


def solve(
    cost: npt.ArrayLike,
    *,
    maximize: bool = False,
    capacities: Sequence[int] | None = None,
    allow_unmatched: bool = False,
) -> Assignment:
    """The optimal assignment of ``cost`` with its optimality certificate.

    ``capacities[i]`` lets row ``i`` take up to that many columns (a mentor with several
    mentees). Without ``allow_unmatched`` the smaller side, counting capacities, is assigned in
    full (``InfeasibleError`` if forbidden pairs prevent it); with it the result is the best
    matching of any size: a pair is left out when it would worsen the total.
    """
    matrix = _as_cost_matrix(cost)
    caps = _validated_capacities(capacities, matrix.shape[0])
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
