"""Type stubs of the native module ``pairwell._core`` (the Rust binding)."""

from typing import Optional

import numpy as np
import numpy.typing as npt

__version__: str

class PairwellError(ValueError): ...
class CostMatrixError(PairwellError): ...
class InfeasibleError(PairwellError): ...
class CertificateError(PairwellError): ...

_Solved = tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], float, npt.NDArray[np.float64], npt.NDArray[np.float64]]

def solve(
    cost: npt.NDArray[np.float64],
    maximize: bool = False,
    capacities: Optional[list[int]] = None,
    allow_unmatched: bool = False,
) -> _Solved: ...
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
    capacities: Optional[list[int]] = None,
    allow_unmatched: bool = False,
) -> None: ...
def _kuhn_munkres(weights: npt.NDArray[np.int64]) -> tuple[int, npt.NDArray[np.intp]]: ...
