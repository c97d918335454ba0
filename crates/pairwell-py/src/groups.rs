//! Binding of `pairwell_core::groups`: the whole people payload (as `match_people` takes it)
//! plus one group code per row; every group is matched in one native call, GIL released once.

use numpy::PyReadonlyArray1;
use pairwell_core::groups::{self as core, GroupError};
use pairwell_core::program::Program;
use pyo3::prelude::*;

use crate::compute;
use crate::errors::{CohortError, ConfigError, Error};
use crate::matching::{config_from, people_from_json, PyMatchResult};

/// `err` with `group {label}: ` before its message, same exception class.
fn in_group(py: Python<'_>, label: &str, err: PyErr) -> PyErr {
    let message = err.value(py).to_string();
    PyErr::from_type(err.get_type(py), format!("group {label}: {message}"))
}

/// Matches every group of people for a program; see `pairwell.match_groups`. `codes[i]` is the
/// group of row `i` (0, 1, ... without gaps) and `labels[g]` names group `g` in errors.
#[pyfunction]
#[pyo3(signature = (people_json, codes, labels, program, config=None, config_format="json"))]
fn match_groups(
    py: Python<'_>,
    people_json: &str,
    codes: PyReadonlyArray1<'_, i64>,
    labels: Vec<String>,
    program: &str,
    config: Option<&str>,
    config_format: &str,
) -> PyResult<Vec<PyMatchResult>> {
    let program: Program =
        program.parse().map_err(|e: pairwell_core::program::ConfigError| ConfigError::new_err(e.to_string()))?;
    let config = config_from(config, config_format)?;
    let codes: Vec<usize> = codes
        .as_array()
        .iter()
        .enumerate()
        .map(|(row, &code)| {
            usize::try_from(code).map_err(|_| CohortError::new_err(format!("row {row}: group code {code} is negative")))
        })
        .collect::<PyResult<_>>()?;
    // Parsing the people is part of the work done without the GIL.
    let work = || people_from_json(people_json).map(|people| core::match_groups(people, &codes, program, &config));
    match compute::run(py, work)?? {
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
