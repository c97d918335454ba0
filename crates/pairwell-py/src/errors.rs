//! The exception hierarchy, rooted at `PairwellError` (a `ValueError`: every error pairwell
//! raises is about its input), and the mapping from core errors onto it.

use pairwell_core::matching::MatchError;
use pairwell_core::memory::OutOfMemory;
use pairwell_core::people::{Problem, Problems};
use pairwell_core::recommend::RecommendError;
use pairwell_core::solve::{CertificateError as CoreCertificateError, SolveError};
use pyo3::create_exception;
use pyo3::exceptions::{PyKeyboardInterrupt, PyMemoryError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use pyo3::PyTypeInfo;

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
        let one = |field: Option<String>, message: String| Problems {
            list: vec![Problem { row: None, id: None, field, message }],
            more: 0,
        };
        match e {
            MatchError::Cohort(e) => Error(problems_error::<CohortError>(&e.0)),
            MatchError::UnknownId { key: key @ ("giver" | "receiver" | "id"), .. } => {
                Error(problems_error::<CohortError>(&one(Some(key.into()), e.to_string())))
            }
            MatchError::Config(pairwell_core::program::ConfigError::OutOfRange { key, .. })
            | MatchError::UnknownId { key, .. } => {
                Error(problems_error::<ConfigError>(&one(Some(key.into()), e.to_string())))
            }
            MatchError::Floor(_) => Error(InfeasibleError::new_err(e.to_string())),
            MatchError::Previous(_) => {
                Error(problems_error::<ConfigError>(&one(Some("previous".into()), e.to_string())))
            }
            MatchError::Config(_) | MatchError::Pin { .. } => {
                Error(problems_error::<ConfigError>(&one(None, e.to_string())))
            }
            MatchError::Solve(e) => e.into(),
            MatchError::Sparse(_) => Error(CostMatrixError::new_err(e.to_string())),
            MatchError::Cancelled(_) => Error(PyKeyboardInterrupt::new_err(e.to_string())),
            MatchError::Memory(e) => e.into(),
        }
    }
}

impl From<RecommendError> for Error {
    fn from(e: RecommendError) -> Self {
        match e {
            RecommendError::Match(e) => e.into(),
            // Not opting into the program is a fact of the people table (column `roles`).
            RecommendError::NotParticipant { ref id, .. } => Error(problems_error::<CohortError>(&Problems {
                list: vec![Problem {
                    row: None,
                    id: Some(id.clone()),
                    field: Some("roles".into()),
                    message: e.to_string(),
                }],
                more: 0,
            })),
        }
    }
}

/// An exception of class `E` whose message sums `problems` up and whose `.problems` lists them
/// as dicts `{"row", "id", "field", "message"}`.
pub(crate) fn problems_error<E: PyTypeInfo>(problems: &Problems) -> PyErr {
    let message = problems.to_string();
    Python::attach(|py| {
        let build = || -> PyResult<PyErr> {
            let err = PyErr::from_type(E::type_object(py), message.clone());
            let list = PyList::empty(py);
            for p in &problems.list {
                let d = PyDict::new(py);
                d.set_item("row", p.row)?;
                d.set_item("id", &p.id)?;
                d.set_item("field", &p.field)?;
                d.set_item("message", &p.message)?;
                list.append(d)?;
            }
            err.value(py).setattr("problems", list)?;
            err.value(py).setattr("more_problems", problems.more)?;
            Ok(err)
        };
        build().unwrap_or_else(|e| e)
    })
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
