"""Benchmarking matching quality: the optimal matching against what people do today."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pandas as pd

from pairwell._core import ConfigError
from pairwell.matching import ConfigLike, MatchResult, match
from pairwell.people import PeopleLike

__all__ = ["METHODS", "METRIC_COLUMNS", "CompareTable", "compare", "compare_result"]

#: The methods of :func:`compare`, in table order.
METHODS = ("optimal", "greedy", "random", "stable")
#: The metric columns of :func:`compare` (the keys of :attr:`MatchResult.metrics`).
METRIC_COLUMNS = ["total", "mean_score", "min_score", "matched", "top3", "blocking_pairs", "seconds"]


class CompareTable(pd.DataFrame):
    """A DataFrame with one row per method (column ``method``, then the metric columns) that
    also keeps each method's pairs (:attr:`pairs_by_method`) for :meth:`plot`."""

    _metadata: ClassVar[list[str]] = ["pairs_by_method", "program"]

    @property
    def _constructor(self) -> type:
        return CompareTable

    def plot(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Score distributions and seniority gaps per method (matplotlib). Returns the figure."""
        from pairwell.plot import plot_pairs

        return plot_pairs(self.pairs_by_method, title=f"{getattr(self, 'program', '')}: optimal vs baselines")


def compare(
    people: PeopleLike,
    program: str,
    config: ConfigLike = None,
    seed: int = 0,
    columns: Mapping[str, str] | None = None,
) -> CompareTable:
    """Match ``people`` optimally and with each baseline, under the same rules, and compare.

    Methods: ``optimal`` (pairwell), ``greedy`` (best remaining pair first), ``random`` (a
    random feasible matching, seeded by ``seed``) and ``stable`` (receiver-proposing deferred
    acceptance with capacities; receivers rank givers by the pair score, givers rank receivers
    by what they themselves gain, the mean of reciprocity and seniority fit, so it is not greedy
    in disguise). Every method keeps the same rules, capacities and pins.

    Returns a :class:`CompareTable`: column ``method`` and the metric columns of
    :attr:`MatchResult.metrics`; ``seconds`` is each method's own run time on the scored problem.
    ``people``, ``config`` and ``columns`` are as for :func:`pairwell.match`.
    """
    return compare_result(match(people, program, config, columns=columns), seed)


def compare_result(result: MatchResult, seed: int = 0) -> CompareTable:
    """:func:`compare` for a matching already made (also :meth:`MatchResult.compare`)."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    if not 0 <= seed < 2**64:
        raise ConfigError(f"seed must be a non-negative integer below 2**64, got {seed!r}")
    rows, pairs = [], {}
    columns = result._native.pair_columns()
    for method, method_pairs, metrics in result._native.compare(int(seed)):
        rows.append({"method": method, **metrics})
        pairs[method] = pd.DataFrame(method_pairs, columns=columns)
    table = CompareTable(rows, columns=["method", *METRIC_COLUMNS])
    table.pairs_by_method = pairs
    table.program = result.program
    return table
