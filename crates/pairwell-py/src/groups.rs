//! Binding of `pairwell_core::groups`: the whole checked people table (as `match_people` takes
//! it) plus one group code per row; every group is matched in one native call, GIL released once.

use numpy::PyReadonlyArray1;
use pairwell_core::groups::{self as core, GroupError};
use pyo3::prelude::*;

use crate::compute;
use crate::errors::{CohortError, Error};
use crate::matching::{request, PyMatchResult};
use crate::people::PyPeople;

/// `err` with `group {label}: ` before its message, same exception class.
fn in_group(py: Python<'_>, label: &str, err: PyErr) -> PyErr {
    let message = err.value(py).to_string();
    PyErr::from_type(err.get_type(py), format!("group {label}: {message}"))
}

/// Matches every group of people for a program; see `pairwell.match_groups`. `codes[i]` is the
/// group of row `i` (0, 1, ... without gaps) and `labels[g]` names group `g` in errors.
#[pyfunction]
#[pyo3(signature = (people, codes, labels, program, config=None))]
fn match_groups(
    py: Python<'_>,
    people: &PyPeople,
    codes: PyReadonlyArray1<'_, i64>,
    labels: Vec<String>,
    program: &str,
    config: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<PyMatchResult>> {
    let (program, config) = request(py, program, config)?;
    let codes: Vec<usize> = codes
        .as_array()
        .iter()
        .enumerate()
        .map(|(row, &code)| {
            usize::try_from(code).map_err(|_| CohortError::new_err(format!("row {row}: group code {code} is negative")))
        })
        .collect::<PyResult<_>>()?;
    let people = people.0.clone();
    match compute::run(py, || core::match_groups(people, &codes, program, &config))? {
        Ok(results) => Ok(results.into_iter().map(PyMatchResult).collect()),
        Err(GroupError::Match { group, source }) => {
            let label = labels.get(group).cloned().unwrap_or_else(|| group.to_string());
            Err(in_group(py, &label, Error::from(source).into()))
        }
        Err(GroupError::Cancelled(e)) => Err(Error::from(pairwell_core::matching::MatchError::from(e)).into()),
        Err(e @ (GroupError::Length { .. } | GroupError::EmptyGroup { .. })) => {
            Err(CohortError::new_err(e.to_string()))
        }
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(match_groups, m)?)?;
    Ok(())
}
