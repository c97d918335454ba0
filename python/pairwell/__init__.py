"""pairwell: pairs people for mentoring, sponsoring and reverse mentoring, and proves the
pairing optimal.

The solver (:func:`linear_sum_assignment`, :func:`solve`) is an exact assignment solver of the
Hungarian family, a drop-in for ``scipy.optimize.linear_sum_assignment``.
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
from pairwell.matching import PROGRAMS, MatchResult, match
from pairwell.people import read_people, write_people_csv

__all__ = [
    "PROGRAMS",
    "Assignment",
    "CertificateError",
    "CohortError",
    "CompareTable",
    "ConfigError",
    "CostMatrixError",
    "InfeasibleError",
    "PairwellError",
    "__version__",
    "compare",
    "linear_sum_assignment",
    "match",
    "MatchResult",
    "read_people",
    "write_people_csv",
    "solve",
    "solve_batch",
]
