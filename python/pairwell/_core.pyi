"""Type stubs of the native module ``pairwell._core`` (the Rust binding)."""

from typing import Any, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "CertificateError",
    "CohortError",
    "ConfigError",
    "CostMatrixError",
    "InfeasibleError",
    "NativeMatchResult",
    "PairwellError",
    "__version__",
    "_kuhn_munkres",
    "linear_sum_assignment",
    "match_groups",
    "match_people",
    "sample_cohort",
    "solve",
    "solve_batch",
    "verify",
]

__version__: str

class PairwellError(ValueError): ...
class CostMatrixError(PairwellError): ...
class InfeasibleError(PairwellError): ...
class CertificateError(PairwellError): ...
class CohortError(PairwellError): ...
class ConfigError(PairwellError): ...

_Solved = tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], float, npt.NDArray[np.float64], npt.NDArray[np.float64]]

def solve(
    cost: npt.NDArray[np.float64],
    maximize: bool = False,
    capacities: list[int] | None = None,
    allow_unmatched: bool = False,
) -> _Solved: ...
def linear_sum_assignment(
    cost: npt.NDArray[np.float64], maximize: bool = False
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]: ...
def solve_batch(
    costs: list[npt.NDArray[np.float64]], maximize: bool = False, allow_unmatched: bool = False
) -> list[_Solved]: ...
def verify(
    cost: npt.NDArray[np.float64],
    rows: list[int],
    cols: list[int],
    objective: float,
    row_duals: list[float],
    col_duals: list[float],
    maximize: bool = False,
    capacities: list[int] | None = None,
    allow_unmatched: bool = False,
) -> None: ...
def _kuhn_munkres(weights: npt.NDArray[np.int64]) -> tuple[int, npt.NDArray[np.intp]]: ...

@final
class NativeMatchResult:
    """A finished matching; ``pairwell.MatchResult`` wraps it."""

    @property
    def program(self) -> str: ...
    @property
    def total(self) -> float: ...
    def settings_json(self) -> str: ...
    def pairs(self) -> list[dict[str, Any]]: ...
    def participants(self) -> tuple[list[str], list[str]]: ...
    def timings(self) -> tuple[float, float]: ...
    def metrics(self) -> dict[str, Any]: ...
    def compare(self, seed: int) -> list[tuple[str, list[dict[str, Any]], dict[str, Any]]]: ...
    def unmatched(self) -> list[dict[str, Any]]: ...
    def explain(self, giver: str, receiver: str) -> dict[str, Any]: ...
    def verify(self) -> None: ...

def match_people(
    people_json: str, program: str, config: str | None = None, config_format: str = "json"
) -> NativeMatchResult: ...
def match_groups(
    people_json: str,
    codes: npt.NDArray[np.int64],
    labels: list[str],
    program: str,
    config: str | None = None,
    config_format: str = "json",
) -> list[NativeMatchResult]: ...
def sample_cohort(n: int, seed: int = 0) -> dict[str, list[Any]]: ...
