"""pairwell: pairs people for mentoring, sponsoring and reverse mentoring, and proves the
pairing optimal.

- :func:`match` pairs people for a program and returns a :class:`MatchResult` (pairs, unmatched
  people and why, explanations, recommendations, metrics, an optimality certificate);
  :func:`recommend` ranks each person's best partners without solving; :func:`compare` sets it
  against greedy, random and stable matching; :func:`rematch` pairs people again after some
  joined or left, keeping the previous pairs that still work; :func:`sample_cohort` makes test
  organisations.
- :func:`match_groups` and :func:`compare_groups` do the same for many independent cohorts in
  one table (one per customer, country...), in parallel; :mod:`pairwell.dask` and
  :mod:`pairwell.spark` run them on a cluster.
- :func:`linear_sum_assignment` and :func:`solve` are the exact assignment solver underneath
  (Hungarian family), a drop-in for ``scipy.optimize.linear_sum_assignment``;
  :func:`min_weight_full_bipartite_matching` is its sparse counterpart, a drop-in for
  ``scipy.sparse.csgraph.min_weight_full_bipartite_matching``.
"""

from pairwell._core import (
    CertificateError,
    CohortError,
    ConfigError,
    CostMatrixError,
    InfeasibleError,
    PairwellError,
    __version__,
)
from pairwell.assignment import Assignment, linear_sum_assignment, solve, solve_batch
from pairwell.compare import CompareTable, compare
from pairwell.groups import GroupedMatch, compare_groups, match_groups
from pairwell.matching import PROGRAMS, MatchResult, match
from pairwell.people import read_people, write_people_csv
from pairwell.recommend import recommend
from pairwell.rematch import rematch
from pairwell.sample import sample_cohort
from pairwell.sparse import min_weight_full_bipartite_matching

__all__ = [
    "PROGRAMS",
    "Assignment",
    "CertificateError",
    "CohortError",
    "CompareTable",
    "ConfigError",
    "CostMatrixError",
    "GroupedMatch",
    "InfeasibleError",
    "MatchResult",
    "PairwellError",
    "__version__",
    "compare",
    "compare_groups",
    "linear_sum_assignment",
    "match",
    "match_groups",
    "min_weight_full_bipartite_matching",
    "read_people",
    "recommend",
    "rematch",
    "sample_cohort",
    "solve",
    "solve_batch",
    "write_people_csv",
]
