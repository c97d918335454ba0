//! Bindings of `pairwell_core::solve`.

use ndarray::ArrayView2;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray2};
use pairwell_core::solve::{self as core, Assignment, SolveOptions};
use pyo3::prelude::*;

use crate::compute;
use crate::errors::Error;

/// `(rows, cols, objective, row_duals, col_duals)` as numpy arrays and a float.
pub(crate) type Solved<'py> = (
    Bound<'py, PyArray1<isize>>,
    Bound<'py, PyArray1<isize>>,
    f64,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
);

/// `(rows, cols)` as numpy arrays.
type Pairs<'py> = (Bound<'py, PyArray1<isize>>, Bound<'py, PyArray1<isize>>);

fn options(maximize: bool, capacities: Option<Vec<usize>>, allow_unmatched: bool) -> SolveOptions {
    SolveOptions { maximize, capacities, allow_unmatched }
}

fn indices(v: Vec<usize>) -> Vec<isize> {
    // Indices come from array dimensions, which numpy bounds by isize::MAX.
    v.into_iter().map(|i| isize::try_from(i).unwrap_or(isize::MAX)).collect()
}

pub(crate) fn to_python(py: Python<'_>, a: Assignment) -> Solved<'_> {
    (
        indices(a.rows).into_pyarray(py),
        indices(a.cols).into_pyarray(py),
        a.objective,
        a.row_duals.into_pyarray(py),
        a.col_duals.into_pyarray(py),
    )
}

/// Optimal assignment of a float64 matrix; see `pairwell.solve`.
#[pyfunction]
#[pyo3(signature = (cost, maximize=false, capacities=None, allow_unmatched=false))]
fn solve<'py>(
    py: Python<'py>,
    cost: PyReadonlyArray2<'py, f64>,
    maximize: bool,
    capacities: Option<Vec<usize>>,
    allow_unmatched: bool,
) -> PyResult<Solved<'py>> {
    let view = cost.as_array();
    let opts = options(maximize, capacities, allow_unmatched);
    let a = compute::run(py, || core::solve(view, &opts))?.map_err(Error::from)?;
    Ok(to_python(py, a))
}

/// Optimal `(rows, cols)` of a float64 matrix, whatever the span of its costs; see
/// `pairwell.linear_sum_assignment`.
#[pyfunction]
#[pyo3(signature = (cost, maximize=false))]
fn linear_sum_assignment<'py>(
    py: Python<'py>,
    cost: PyReadonlyArray2<'py, f64>,
    maximize: bool,
) -> PyResult<Pairs<'py>> {
    let view = cost.as_array();
    let (rows, cols) = compute::run(py, || core::linear_sum_assignment(view, maximize))?.map_err(Error::from)?;
    Ok((indices(rows).into_pyarray(py), indices(cols).into_pyarray(py)))
}

/// Optimal assignments of several matrices, solved in parallel; see `pairwell.solve_batch`.
#[pyfunction]
#[pyo3(signature = (costs, maximize=false, allow_unmatched=false))]
fn solve_batch<'py>(
    py: Python<'py>,
    costs: Vec<PyReadonlyArray2<'py, f64>>,
    maximize: bool,
    allow_unmatched: bool,
) -> PyResult<Vec<Solved<'py>>> {
    let opts = options(maximize, None, allow_unmatched);
    // The arrays are borrowed, not copied: the solves read them with the GIL released.
    let problems: Vec<(ArrayView2<'_, f64>, SolveOptions)> =
        costs.iter().map(|c| (c.as_array(), opts.clone())).collect();
    let results = compute::run(py, || core::solve_batch(&problems))?;
    results.into_iter().map(|r| Ok(to_python(py, r.map_err(Error::from)?))).collect()
}

/// Checks an assignment against its dual certificate; raises `CertificateError` if it fails.
#[pyfunction]
#[pyo3(signature = (cost, rows, cols, objective, row_duals, col_duals, maximize=false, capacities=None, allow_unmatched=false))]
#[allow(clippy::too_many_arguments)]
fn verify(
    py: Python<'_>,
    cost: PyReadonlyArray2<'_, f64>,
    rows: Vec<usize>,
    cols: Vec<usize>,
    objective: f64,
    row_duals: Vec<f64>,
    col_duals: Vec<f64>,
    maximize: bool,
    capacities: Option<Vec<usize>>,
    allow_unmatched: bool,
) -> PyResult<()> {
    let view = cost.as_array();
    let opts = options(maximize, capacities, allow_unmatched);
    let a = Assignment { rows, cols, objective, row_duals, col_duals };
    compute::run(py, || a.verify(view, &opts))?.map_err(Error::from)?;
    Ok(())
}

/// `pathfinding::kuhn_munkres` on an integer matrix (rows <= cols), maximising: the
/// independent reference for tests and a peer in benchmarks. Returns `(total, cols)`. Built
/// only with the `reference` feature (the test build), never into the shipped extension.
#[cfg(feature = "reference")]
#[pyfunction]
fn _kuhn_munkres<'py>(
    py: Python<'py>,
    weights: numpy::PyReadonlyArray2<'py, i64>,
) -> PyResult<Bound<'py, pyo3::types::PyTuple>> {
    let view = weights.as_array();
    if view.nrows() > view.ncols() {
        return Err(crate::errors::CostMatrixError::new_err(format!(
            "kuhn_munkres needs rows <= columns, got {}x{}",
            view.nrows(),
            view.ncols()
        )));
    }
    let matrix = pathfinding::matrix::Matrix::from_vec(view.nrows(), view.ncols(), view.iter().copied().collect())
        .map_err(|e| crate::errors::CostMatrixError::new_err(e.to_string()))?;
    let (total, cols) = compute::run(py, || pathfinding::kuhn_munkres::kuhn_munkres(&matrix))?;
    (total, indices(cols).into_pyarray(py)).into_pyobject(py)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(solve, m)?)?;
    m.add_function(wrap_pyfunction!(linear_sum_assignment, m)?)?;
    m.add_function(wrap_pyfunction!(solve_batch, m)?)?;
    m.add_function(wrap_pyfunction!(verify, m)?)?;
    #[cfg(feature = "reference")]
    m.add_function(wrap_pyfunction!(_kuhn_munkres, m)?)?;
    Ok(())
}
