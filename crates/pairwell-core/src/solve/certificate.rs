//! The optimality certificate: an assignment is optimal when its dual potentials are feasible
//! and complementary slackness holds (LP duality for the assignment polytope, which is
//! integral).
//!
//! In the minimisation sense the problem is `min Σ c·x` with `Σ_j x_ij (= or ≤) cap_i` and
//! `Σ_i x_ij (= or ≤) 1`; its dual is `max Σ cap_i·u_i + Σ v_j` with `u_i + v_j ≤ c_ij` on every
//! allowed pair, and `u_i ≤ 0` (`v_j ≤ 0`) where the row (column) constraint is an inequality.
//! Optimality: equality on every chosen pair, a zero potential on every row or column below
//! its capacity, and equal primal and dual objectives.
//!
//! Each condition is checked to a tolerance relative to the magnitudes it involves: those of
//! the entry itself (`|c_ij| + |u_i| + |v_j|`) and of the pairs of its row and column, whose
//! costs the potentials were computed from, plus the rounding a float64 solve can leave in any
//! potential (a few ulps of the largest cost per step). A huge cost elsewhere in the matrix
//! widens no other entry's tolerance beyond that rounding: on
//! `[[0, 1, 1e12], [1, 0, 1e12], [1e12, 1e12, 0]]` a violation of 1 is caught.

use ndarray::ArrayView2;

use super::{Assignment, SolveOptions};
use crate::memory::{self, OutOfMemory};

/// The first condition of the certificate that an assignment violates.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CertificateError {
    /// Duals or pairs of the wrong size, or an index out of range.
    #[error("malformed assignment: {0}")]
    Malformed(String),
    /// A pair the matrix forbids, a column used twice or a row over its capacity.
    #[error("infeasible assignment: {0}")]
    Infeasible(String),
    /// Fewer pairs than a complete assignment of the smaller side needs.
    #[error("incomplete assignment: {got} pairs where {expected} are required")]
    Incomplete {
        /// Pairs in the assignment.
        got: usize,
        /// Pairs a complete assignment has.
        expected: usize,
    },
    /// `u_i + v_j` exceeds the cost of an allowed pair (minimisation sense).
    #[error("dual infeasible at row {row}, column {col}: potentials exceed the cost by {excess}")]
    DualInfeasible {
        /// Row of the pair.
        row: usize,
        /// Column of the pair.
        col: usize,
        /// By how much.
        excess: f64,
    },
    /// A chosen pair whose reduced cost is not zero, or a potential of the wrong sign or
    /// nonzero on a row or column below its capacity.
    #[error("complementary slackness fails: {0}")]
    Slackness(String),
    /// The stated objective differs from the costs of the pairs or from the dual objective.
    #[error("objective {primal} does not match {what} {other}")]
    Gap {
        /// The assignment's objective.
        primal: f64,
        /// What it was compared with.
        what: &'static str,
        /// The value it was compared with.
        other: f64,
    },
    /// The loads of the rows and columns could not be counted for want of memory.
    #[error(transparent)]
    Memory(#[from] OutOfMemory),
}

/// Checks that the capacities, duals and pairs of `a` fit an `n_rows × n_cols` problem.
pub(super) fn check_shapes(
    a: &Assignment,
    n_rows: usize,
    n_cols: usize,
    options: &SolveOptions,
) -> Result<(), CertificateError> {
    use CertificateError as E;
    if options.capacities.as_ref().is_some_and(|c| c.len() != n_rows) {
        return Err(E::Malformed(format!(
            "{n_rows} rows but capacities for {}",
            options.capacities.as_ref().map_or(0, Vec::len)
        )));
    }
    if a.row_duals.len() != n_rows || a.col_duals.len() != n_cols || a.rows.len() != a.cols.len() {
        return Err(E::Malformed(format!(
            "{n_rows} rows and {n_cols} columns, {} row duals, {} column duals, {} rows and {} columns in pairs",
            a.row_duals.len(),
            a.col_duals.len(),
            a.rows.len(),
            a.cols.len()
        )));
    }
    Ok(())
}

/// Counts pair `(i, j)` against row `i`'s capacity and column `j`'s one place.
pub(super) fn take_place(
    i: usize,
    j: usize,
    row_load: &mut [usize],
    col_load: &mut [usize],
    caps: &[usize],
) -> Result<(), CertificateError> {
    row_load[i] += 1;
    col_load[j] += 1;
    if row_load[i] > caps[i] {
        return Err(CertificateError::Infeasible(format!("row {i} takes more than its capacity {}", caps[i])));
    }
    if col_load[j] > 1 {
        return Err(CertificateError::Infeasible(format!("column {j} is used twice")));
    }
    Ok(())
}

pub(super) fn verify(a: &Assignment, cost: ArrayView2<f64>, options: &SolveOptions) -> Result<(), CertificateError> {
    use CertificateError as E;
    let (n_rows, n_cols) = cost.dim();
    check_shapes(a, n_rows, n_cols, options)?;
    if let Some(x) = a.row_duals.iter().chain(&a.col_duals).find(|x| !x.is_finite()) {
        return Err(E::Malformed(format!("potential {x} is not finite")));
    }
    let caps = super::capacities(options, n_rows, n_cols)?;
    let sign = if options.maximize { -1.0 } else { 1.0 };
    let c = |i: usize, j: usize| sign * cost[[i, j]];
    let u: Vec<f64> = a.row_duals.iter().map(|x| sign * x).collect();
    let v: Vec<f64> = a.col_duals.iter().map(|x| sign * x).collect();
    // The tolerance of a condition: relative to the magnitudes it involves, with room for long
    // augmenting paths; plus the rounding of the potentials themselves, which are sums along
    // paths through any cost of the matrix (at most a few ulps of the largest cost per step,
    // over (rows + columns)² steps); plus the smallest normal float, below which costs scaled
    // down (spans too wide for f64) lose their last bits.
    let rel = 1e-9 * (1.0 + (n_rows.max(n_cols) as f64).sqrt());
    let largest = cost.iter().filter(|x| x.is_finite()).fold(0.0f64, |m, x| m.max(x.abs()));
    let steps = (n_rows + n_cols) as f64;
    let rounding = steps * steps * f64::EPSILON * largest + f64::MIN_POSITIVE;
    let tolerance = |magnitude: f64| rel * magnitude + rounding;

    let mut row_load = memory::filled(n_rows, 0usize, || format!("the loads of {n_rows} rows"))?;
    let mut col_load = memory::filled(n_cols, 0usize, || format!("the loads of {n_cols} columns"))?;
    // The largest `|c_ij| + |u_i| + |v_j|` over the pairs of each row and of each column.
    let mut row_mag = memory::filled(n_rows, 0.0f64, || format!("the magnitudes of {n_rows} rows"))?;
    let mut col_mag = memory::filled(n_cols, 0.0f64, || format!("the magnitudes of {n_cols} columns"))?;
    let (mut primal, mut primal_mag) = (0.0, 0.0);
    for (&i, &j) in a.rows.iter().zip(&a.cols) {
        if i >= n_rows || j >= n_cols {
            return Err(E::Malformed(format!("pair ({i}, {j}) outside a {n_rows}x{n_cols} matrix")));
        }
        if !cost[[i, j]].is_finite() {
            return Err(E::Infeasible(format!("pair ({i}, {j}) is forbidden")));
        }
        take_place(i, j, &mut row_load, &mut col_load, &caps)?;
        let mag = c(i, j).abs() + u[i].abs() + v[j].abs();
        let reduced = c(i, j) - u[i] - v[j];
        if reduced.abs() > tolerance(mag) {
            return Err(E::Slackness(format!("pair ({i}, {j}) has reduced cost {reduced}, not 0")));
        }
        row_mag[i] = row_mag[i].max(mag);
        col_mag[j] = col_mag[j].max(mag);
        primal += cost[[i, j]];
        primal_mag += cost[[i, j]].abs();
    }
    let total_cap: usize = caps.iter().sum();
    let rows_bounded = options.allow_unmatched || total_cap > n_cols;
    let cols_bounded = options.allow_unmatched || total_cap < n_cols;
    if !options.allow_unmatched {
        let expected = total_cap.min(n_cols);
        if a.rows.len() != expected {
            return Err(E::Incomplete { got: a.rows.len(), expected });
        }
    }
    for i in 0..n_rows {
        let tol = tolerance(row_mag[i]);
        if rows_bounded && (u[i] > tol || (row_load[i] < caps[i] && u[i].abs() > tol)) {
            return Err(E::Slackness(format!(
                "row {i} has potential {} with load {} of {}",
                a.row_duals[i], row_load[i], caps[i]
            )));
        }
        for (j, &vj) in v.iter().enumerate() {
            let cij = c(i, j);
            let excess = u[i] + vj - cij;
            if cij.is_finite() && excess > tolerance(cij.abs() + u[i].abs() + vj.abs() + row_mag[i] + col_mag[j]) {
                return Err(E::DualInfeasible { row: i, col: j, excess });
            }
        }
    }
    for j in 0..n_cols {
        let tol = tolerance(col_mag[j]);
        if cols_bounded && (v[j] > tol || (col_load[j] == 0 && v[j].abs() > tol)) {
            return Err(E::Slackness(format!("column {j} has potential {} with load {}", a.col_duals[j], col_load[j])));
        }
    }
    if (primal - a.objective).abs() > tolerance(primal_mag + a.objective.abs()) {
        return Err(E::Gap { primal: a.objective, what: "the sum of the pair costs", other: primal });
    }
    let weighted = caps.iter().zip(&u).map(|(&k, &ui)| k as f64 * ui);
    let dual: f64 = sign * (weighted.clone().sum::<f64>() + v.iter().sum::<f64>());
    let dual_mag: f64 = weighted.map(f64::abs).sum::<f64>() + v.iter().map(|x| x.abs()).sum::<f64>();
    if (dual - a.objective).abs() > tolerance(dual_mag + primal_mag) {
        return Err(E::Gap { primal: a.objective, what: "the dual objective", other: dual });
    }
    Ok(())
}
