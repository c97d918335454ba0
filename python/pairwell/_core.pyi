"""Type stubs of the native module ``pairwell._core`` (the Rust binding)."""

from typing import Any, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "FIELDS",
    "PAIR_COLUMNS",
    "PROGRAMS",
    "ROLES",
    "UNMATCHED_COLUMNS",
    "ArrowTable",
    "CertificateError",
    "CohortError",
    "ConfigError",
    "CostMatrixError",
    "InfeasibleError",
    "NativeMatchResult",
    "PairwellError",
    "People",
    "__version__",
    "_kuhn_munkres",
    "linear_sum_assignment",
    "match_groups",
    "match_people",
    "near_field",
    "pair_columns",
    "recommend",
    "rematch_people",
    "sample_cohort",
    "solve",
    "solve_batch",
    "solve_sparse",
    "verify",
]

__version__: str
FIELDS: list[str]
ROLES: list[str]
PROGRAMS: list[str]
PAIR_COLUMNS: list[str]
UNMATCHED_COLUMNS: list[str]

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
def solve_sparse(
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int64],
    data: npt.NDArray[np.float64],
    n_cols: int,
    maximize: bool = False,
    capacities: list[int] | None = None,
    allow_unmatched: bool = False,
) -> _Solved: ...
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
    @property
    def solver_total(self) -> float: ...
    def warnings(self) -> list[str]: ...
    @property
    def solver(self) -> str: ...
    def settings_json(self) -> str: ...
    def pairs(self) -> list[dict[str, Any]]: ...
    def pair_columns(self) -> list[str]: ...
    def people_columns(self) -> dict[str, list[Any]]: ...
    def participants(self) -> tuple[list[str], list[str]]: ...
    def timings(self) -> tuple[float, float]: ...
    def metrics(self) -> dict[str, Any]: ...
    def compare(self, seed: int) -> list[tuple[str, list[dict[str, Any]], dict[str, Any]]]: ...
    def unmatched(self) -> list[dict[str, Any]]: ...
    def changes(self) -> list[dict[str, Any]] | None: ...
    def floors(self) -> list[tuple[str, str, list[tuple[str, int]]]]: ...
    def explain(self, giver: str, receiver: str) -> dict[str, Any]: ...
    def recommend(self, id: str, k: int) -> tuple[list[str], list[dict[str, Any]]]: ...
    def verify(self) -> None: ...

@final
class ArrowTable:
    """A table as Arrow record batches, from any object with ``__arrow_c_stream__``."""

    def __new__(cls, data: Any) -> ArrowTable: ...
    @property
    def column_names(self) -> list[str]: ...
    @property
    def num_rows(self) -> int: ...

@final
class People:
    """People read and checked by the engine's schema, in input order."""

    @staticmethod
    def from_columns(columns: dict[str, Any], rows: int, groups: list[int] | None = None) -> People: ...
    @staticmethod
    def from_arrow(table: ArrowTable, columns: dict[str, str]) -> People: ...
    @staticmethod
    def from_records(records: Any) -> People: ...
    def __len__(self) -> int: ...
    def rows(self) -> list[int]: ...
    def warnings(self) -> list[str]: ...
    def columns(self) -> dict[str, list[Any]]: ...
    def text_columns(self) -> dict[str, list[str]]: ...
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    @staticmethod
    def _from_state(state: bytes) -> People: ...

def near_field(column: str) -> str | None: ...
def match_people(
    people: People,
    program: str,
    config: dict[str, Any] | str | None = None,
) -> NativeMatchResult: ...
def rematch_people(
    people: People,
    program: str,
    config: dict[str, Any] | str | None,
    previous: list[tuple[str, str]],
    keep: float | str,
) -> NativeMatchResult: ...
def recommend(
    people: People,
    program: str,
    ids: list[str] | None = None,
    k: int = 5,
    config: dict[str, Any] | str | None = None,
) -> tuple[list[str], list[dict[str, Any]]]: ...
def pair_columns(program: str, config: dict[str, Any] | str | None = None, preferences: bool = False) -> list[str]: ...
def match_groups(
    people: People,
    codes: npt.NDArray[np.int64],
    labels: list[str],
    program: str,
    config: dict[str, Any] | str | None = None,
) -> list[NativeMatchResult]: ...
def sample_cohort(n: int, seed: int = 0) -> dict[str, list[Any]]: ...
