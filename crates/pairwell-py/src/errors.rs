//! The exception hierarchy, rooted at `PairwellError` (a `ValueError`: every error pairwell
//! raises is about its input), and the mapping from core errors onto it.

use pairwell_core::matching::MatchError;
use pairwell_core::memory::OutOfMemory;
use pairwell_core::solve::{CertificateError as CoreCertificateError, SolveError};
use pyo3::create_exception;
use pyo3::exceptions::{PyKeyboardInterrupt, PyMemoryError, PyValueError};
use pyo3::prelude::*;

create_exception!(pairwell, PairwellError, PyValueError, "Base class of every error pairwell raises.");
create_exception!(
    pairwell,
    CostMatrixError,
    PairwellError,
    "A cost matrix that cannot be solved: NaN, wrong shape, wrong infinities."
);
create_exception!(pairwell, InfeasibleError, PairwellError, "Constraints that no assignment can satisfy.");
create_exception!(
    pairwell,
    CertificateError,
    PairwellError,
    "An assignment that its dual certificate does not prove optimal."
);
create_exception!(
    pairwell,
    CohortError,
    PairwellError,
    "People records that do not form a valid cohort: duplicate or unknown ids, bad numbers, manager cycles."
);
create_exception!(
    pairwell,
    ConfigError,
    PairwellError,
    "An unknown program, an unknown or out-of-range config key, or a pin that cannot be made."
);

/// A core error on its way to Python (the orphan rule forbids `From<SolveError> for PyErr`).
pub(crate) struct Error(PyErr);

impl From<Error> for PyErr {
    fn from(e: Error) -> Self {
        e.0
    }
}

impl From<OutOfMemory> for Error {
    fn from(e: OutOfMemory) -> Self {
        Error(PyMemoryError::new_err(e.to_string()))
    }
}

impl From<SolveError> for Error {
    fn from(e: SolveError) -> Self {
        let msg = e.to_string();
        Error(match e {
            SolveError::Memory(e) => return e.into(),
            SolveError::Infeasible { .. } => InfeasibleError::new_err(msg),
            SolveError::Cancelled => PyKeyboardInterrupt::new_err(msg),
            SolveError::NaN { .. }
            | SolveError::Unbounded { .. }
            | SolveError::Range { .. }
            | SolveError::CapacityLength { .. } => CostMatrixError::new_err(msg),
        })
    }
}

impl From<CoreCertificateError> for Error {
    fn from(e: CoreCertificateError) -> Self {
        match e {
            CoreCertificateError::Memory(e) => e.into(),
            e => Error(CertificateError::new_err(e.to_string())),
        }
    }
}

impl From<MatchError> for Error {
    fn from(e: MatchError) -> Self {
        let msg = e.to_string();
        match e {
            MatchError::Cohort(_) => Error(CohortError::new_err(msg)),
            MatchError::UnknownId { key: "giver" | "receiver", .. } => Error(CohortError::new_err(msg)),
            MatchError::Config(_) | MatchError::UnknownId { .. } | MatchError::Pin { .. } => {
                Error(ConfigError::new_err(msg))
            }
            MatchError::Solve(e) => e.into(),
            MatchError::Cancelled(_) => Error(PyKeyboardInterrupt::new_err(msg)),
        }
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("PairwellError", py.get_type::<PairwellError>())?;
    m.add("CostMatrixError", py.get_type::<CostMatrixError>())?;
    m.add("InfeasibleError", py.get_type::<InfeasibleError>())?;
    m.add("CertificateError", py.get_type::<CertificateError>())?;
    m.add("CohortError", py.get_type::<CohortError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    Ok(())
}
