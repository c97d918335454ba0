//! Bindings of `pairwell_core::solve::sparse`.

use numpy::PyReadonlyArray1;
use pairwell_core::solve::sparse::{self as core, Csr, SparseError};
use pairwell_core::solve::SolveOptions;
use pyo3::prelude::*;

use crate::compute;
use crate::errors::{CostMatrixError, Error};
use crate::solve::{to_python, Solved};

fn to_py(e: SparseError) -> PyErr {
    match e {
        SparseError::Solve(e) => Error::from(e).into(),
        other => CostMatrixError::new_err(other.to_string()),
    }
}

/// Non-negative int64 indices as `usize`, or the name and position of the first negative one.
fn unsigned(values: &[i64], name: &str) -> Result<Vec<usize>, String> {
    values
        .iter()
        .enumerate()
        .map(|(k, &x)| usize::try_from(x).map_err(|_| format!("{name}[{k}] is {x}, not a valid index")))
        .collect()
}

/// Optimal assignment of a CSR problem; see `pairwell.min_weight_full_bipartite_matching`.
#[pyfunction]
#[pyo3(signature = (indptr, indices, data, n_cols, maximize=false, capacities=None, allow_unmatched=false))]
#[allow(clippy::too_many_arguments)]
fn solve_sparse<'py>(
    py: Python<'py>,
    indptr: PyReadonlyArray1<'py, i64>,
    indices: PyReadonlyArray1<'py, i64>,
    data: PyReadonlyArray1<'py, f64>,
    n_cols: usize,
    maximize: bool,
    capacities: Option<Vec<usize>>,
    allow_unmatched: bool,
) -> PyResult<Solved<'py>> {
    let (indptr, indices, data) = (indptr.as_slice()?, indices.as_slice()?, data.as_slice()?);
    let options = SolveOptions { maximize, capacities, allow_unmatched };
    let solved = compute::run(py, || -> Result<_, PyErr> {
        let indptr = unsigned(indptr, "indptr").map_err(CostMatrixError::new_err)?;
        let indices = unsigned(indices, "indices").map_err(CostMatrixError::new_err)?;
        let csr = Csr { n_cols, indptr: &indptr, indices: &indices, costs: data };
        core::solve_sparse(&csr, &options).map_err(to_py)
    })??;
    Ok(to_python(py, solved))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(solve_sparse, m)?)?;
    Ok(())
}
