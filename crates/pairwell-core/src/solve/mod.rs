//! Exact linear assignment: the optimal pairing of rows with columns of a cost matrix.
//!
//! [`solve`] handles rectangular matrices, minimisation or maximisation, forbidden pairs
//! (`+inf` when minimising, `-inf` when maximising), row capacities (a row may take up to `k`
//! columns, without the matrix being copied `k` times) and an *unmatched allowed* mode (a
//! maximum-weight matching that may leave rows and columns out). It runs a shortest
//! augmenting path algorithm with dual potentials (Jonker–Volgenant family), `O(n²·m)` in the
//! worst case, and returns those potentials: [`Assignment::verify`] checks them against the
//! matrix, which proves the assignment optimal. [`solve_batch`] solves independent problems
//! in parallel.
//!
//! ```
//! use ndarray::array;
//! use pairwell_core::solve::{solve, SolveOptions};
//!
//! let cost = array![[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]];
//! let best = solve(cost.view(), &SolveOptions::default()).unwrap();
//! assert_eq!(best.pairs(), vec![(0, 1), (1, 0), (2, 2)]);
//! assert_eq!(best.objective, 5.0);
//! best.verify(cost.view(), &SolveOptions::default()).unwrap();
//! ```

mod certificate;
mod kernel;
mod regret;

use std::borrow::Cow;

use ndarray::{Array2, ArrayView2};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use certificate::CertificateError;

use crate::cancel::{checkpoint, Cancelled, Token};
use kernel::{Gather, Identity, Problem, Stop, TargetMap, EXIT, NONE};

/// What to optimise and which assignments count as complete.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SolveOptions {
    /// Maximise the total instead of minimising it.
    pub maximize: bool,
    /// How many columns each row may take (one each when `None`).
    pub capacities: Option<Vec<usize>>,
    /// Allow rows and columns to stay unmatched: the result is the best matching of any size
    /// (pairs whose cost would worsen the total are left out). Without it the smaller side,
    /// counting capacities, is assigned in full or the problem is infeasible.
    pub allow_unmatched: bool,
}

impl SolveOptions {
    /// Options for maximising instead of minimising.
    #[must_use]
    pub fn maximize() -> Self {
        Self { maximize: true, ..Self::default() }
    }
}

/// Why a matrix could not be solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// A NaN entry, which has no order and cannot be compared.
    #[error("cost matrix contains NaN at row {row}, column {col}")]
    NaN {
        /// Row of the entry.
        row: usize,
        /// Column of the entry.
        col: usize,
    },
    /// An infinity on the wrong side: it would make the objective unbounded.
    #[error(
        "cost matrix contains {value} at row {row}, column {col}; forbidden pairs are +inf when \
         minimising and -inf when maximising"
    )]
    Unbounded {
        /// Row of the entry.
        row: usize,
        /// Column of the entry.
        col: usize,
        /// The offending value.
        value: f64,
    },
    /// Finite costs spread too far apart for exact arithmetic in `f64`.
    #[error(
        "cost matrix values span {low:e} to {high:e}, too wide for float64 arithmetic across the \
         matrix; rescale the costs"
    )]
    Range {
        /// The lowest finite cost.
        low: f64,
        /// The highest finite cost.
        high: f64,
    },
    /// `capacities` does not have one entry per row.
    #[error("capacities has {got} entries but the cost matrix has {rows} rows")]
    CapacityLength {
        /// Entries given.
        got: usize,
        /// Rows in the matrix.
        rows: usize,
    },
    /// The caller cancelled the solve (see [`crate::cancel`]).
    #[error("the solve was cancelled")]
    Cancelled,
    /// Forbidden pairs leave no complete assignment of the smaller side.
    #[error(
        "cost matrix is infeasible: no complete assignment exists ({side} {index} cannot be \
         assigned without leaving another unassigned, given the forbidden pairs)"
    )]
    Infeasible {
        /// `"row"` or `"column"`.
        side: &'static str,
        /// Index of a row or column that the search could not place.
        index: usize,
    },
}

impl From<Cancelled> for SolveError {
    fn from(_: Cancelled) -> Self {
        SolveError::Cancelled
    }
}

/// An optimal assignment with the dual potentials that certify it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    /// Row of each pair, sorted ascending (a row repeats when its capacity is above one).
    pub rows: Vec<usize>,
    /// Column of each pair, aligned with `rows`.
    pub cols: Vec<usize>,
    /// Sum of the costs of the pairs.
    pub objective: f64,
    /// Row potentials, in the problem's own sense: for a minimisation
    /// `row_duals[i] + col_duals[j] <= cost[i][j]` with equality on every pair, for a
    /// maximisation `>=`. A row or column that may stay below its capacity has a potential of
    /// sign `<= 0` (minimising) or `>= 0` (maximising) that is zero unless it is full.
    pub row_duals: Vec<f64>,
    /// Column potentials, see `row_duals`.
    pub col_duals: Vec<f64>,
}

impl Assignment {
    /// The pairs as `(row, col)` tuples, sorted by row then column.
    #[must_use]
    pub fn pairs(&self) -> Vec<(usize, usize)> {
        self.rows.iter().copied().zip(self.cols.iter().copied()).collect()
    }

    /// Checks this assignment against `cost` with the dual potentials: feasibility, dual
    /// feasibility, complementary slackness and a zero duality gap, which together prove it
    /// optimal. Tolerances scale with the size of the costs.
    ///
    /// # Errors
    /// A [`CertificateError`] naming the first violated condition.
    pub fn verify(&self, cost: ArrayView2<f64>, options: &SolveOptions) -> Result<(), CertificateError> {
        certificate::verify(self, cost, options)
    }

    /// How much the objective worsens (≥ 0) if pair `(row, col)` is forced into this optimal
    /// assignment and everything else re-optimised: the exact regret of not choosing it, 0 for
    /// a chosen pair. Computed from the dual potentials by one shortest-path search, without a
    /// fresh solve.
    ///
    /// `None` when the pair is forbidden or out of range, the row has no capacity, or the
    /// assignment was not solved with `allow_unmatched` (the mode the matching engine uses).
    #[must_use]
    pub fn forced_loss(&self, cost: ArrayView2<f64>, options: &SolveOptions, row: usize, col: usize) -> Option<f64> {
        regret::forced_loss(self, cost, options, row, col)
    }
}

/// The optimal assignment of `cost` under `options`.
///
/// # Errors
/// [`SolveError`] for NaN entries, infinities of the wrong sign, a `capacities` of the wrong
/// length, or (without `allow_unmatched`) a matrix whose forbidden pairs leave the smaller side
/// without a complete assignment.
pub fn solve(cost: ArrayView2<f64>, options: &SolveOptions) -> Result<Assignment, SolveError> {
    checkpoint()?;
    let (n_rows, n_cols) = cost.dim();
    let all_finite = validate(cost, options.maximize)?;
    if let Some(caps) = &options.capacities {
        if caps.len() != n_rows {
            return Err(SolveError::CapacityLength { got: caps.len(), rows: n_rows });
        }
    }
    // One virtual row per unit of capacity, each pointing at its physical row.
    let copies: Vec<usize> = capacities(options, n_rows, n_cols)
        .iter()
        .enumerate()
        .flat_map(|(row, &cap)| std::iter::repeat_n(row, cap))
        .collect();
    let rows_are_sources = copies.len() <= n_cols;
    let (u, v, source_target) = if rows_are_sources {
        let data = oriented(cost, options.maximize, false);
        let problem = Problem {
            data: &data,
            stride: n_cols,
            source_rows: &copies,
            n_targets: n_cols,
            targets: Identity,
            exit: options.allow_unmatched,
            reduce: all_finite && !options.allow_unmatched && copies.len() == n_cols,
        };
        run(&problem, "row")?
    } else {
        // Fewer columns than row copies: the columns search, the row copies are targets.
        let data = oriented(cost, options.maximize, true);
        let sources: Vec<usize> = (0..n_cols).collect();
        let problem = Problem {
            data: &data,
            stride: n_rows,
            source_rows: &sources,
            n_targets: copies.len(),
            targets: Identity,
            exit: options.allow_unmatched,
            reduce: false,
        };
        let (u, v, col_copy) = if options.capacities.is_none() {
            run(&problem, "column")?
        } else {
            run(&problem.reading(problem.data, Gather(&copies)), "column")?
        };
        let mut copy_col = vec![NONE; copies.len()];
        for (col, &copy) in col_copy.iter().enumerate() {
            if copy != EXIT {
                copy_col[copy] = col;
            }
        }
        (v, u, copy_col)
    };
    let rows_saturate = rows_are_sources && !options.allow_unmatched;
    Ok(assemble(cost, options, &copies, rows_saturate, &u, &v, &source_target))
}

/// Scipy-style entry point: optimal `(rows, cols)` with rows ascending.
///
/// # Errors
/// As [`solve`].
pub fn linear_sum_assignment(cost: ArrayView2<f64>, maximize: bool) -> Result<(Vec<usize>, Vec<usize>), SolveError> {
    let options = SolveOptions { maximize, ..SolveOptions::default() };
    solve(cost, &options).map(|a| (a.rows, a.cols))
}

/// Solves independent problems in parallel; results come back in input order.
#[must_use]
pub fn solve_batch(problems: &[(Array2<f64>, SolveOptions)]) -> Vec<Result<Assignment, SolveError>> {
    // rayon's threads do not see the caller's cancellation token: each task installs it.
    let token = Token::current();
    problems.par_iter().map(|(cost, options)| token.scope(|| solve(cost.view(), options))).collect()
}

/// Capacity of each row (one each by default). A row never uses more than every column, so
/// capacities beyond `n_cols + 1` change nothing (one spare copy keeps such a row below its
/// capacity) and are cut there, which bounds the work and keeps sums from overflowing.
fn capacities(options: &SolveOptions, n_rows: usize, n_cols: usize) -> Vec<usize> {
    match &options.capacities {
        Some(caps) => caps.iter().map(|&c| c.min(n_cols + 1)).collect(),
        None => vec![1; n_rows],
    }
}

/// Rejects NaN and infinities of the wrong sign; returns whether every entry is finite.
fn validate(cost: ArrayView2<f64>, maximize: bool) -> Result<bool, SolveError> {
    // One fast pass for the common all-finite matrix; positions are only looked up otherwise.
    let (mut low, mut high, mut finite) = (f64::INFINITY, f64::NEG_INFINITY, true);
    let mut see = |c: f64| {
        if c.is_finite() {
            low = low.min(c);
            high = high.max(c);
        } else {
            finite = false;
        }
    };
    match cost.as_slice_memory_order() {
        Some(slice) => slice.iter().copied().for_each(&mut see),
        None => cost.iter().copied().for_each(&mut see),
    }
    if !finite {
        for ((row, col), &value) in cost.indexed_iter() {
            if value.is_nan() {
                return Err(SolveError::NaN { row, col });
            }
            if value.is_infinite() && (value > 0.0) == maximize {
                return Err(SolveError::Unbounded { row, col, value });
            }
        }
    }
    // Potentials and path lengths add up to (rows + columns) spans of the costs; beyond f64's
    // range they would overflow to infinity and read as forbidden pairs.
    let (n_rows, n_cols) = cost.dim();
    if low <= high && !((high - low) * (n_rows + n_cols + 1) as f64).is_finite() {
        return Err(SolveError::Range { low, high });
    }
    Ok(finite)
}

/// The matrix as the kernel reads it: minimisation sense, row-major, optionally transposed.
/// Borrows when nothing needs to change.
fn oriented(cost: ArrayView2<'_, f64>, maximize: bool, transpose: bool) -> Cow<'_, [f64]> {
    let view = if transpose { cost.reversed_axes() } else { cost };
    match (maximize, view.to_slice()) {
        (false, Some(slice)) => Cow::Borrowed(slice),
        _ => {
            let sign = if maximize { -1.0 } else { 1.0 };
            Cow::Owned(view.iter().map(|&c| sign * c).collect())
        }
    }
}

/// Source potentials, target potentials and the target of each source (or `EXIT`/`NONE`).
type KernelOutput = (Vec<f64>, Vec<f64>, Vec<usize>);

/// Runs the kernel and names the side of a source it could not place.
fn run<T: TargetMap>(problem: &Problem<'_, T>, side: &'static str) -> Result<KernelOutput, SolveError> {
    let solved = problem.solve().map_err(|stop| match stop {
        Stop::Stuck { row } => SolveError::Infeasible { side, index: row },
        Stop::Cancelled => SolveError::Cancelled,
    })?;
    Ok((solved.u, solved.v, solved.source_target))
}

/// Turns kernel output on row copies × columns into pairs, objective and physical duals.
/// `rows_saturate`: every row copy must be assigned (its potential then has no sign bound).
fn assemble(
    cost: ArrayView2<f64>,
    options: &SolveOptions,
    copies: &[usize],
    rows_saturate: bool,
    copy_duals: &[f64],
    col_duals: &[f64],
    copy_col: &[usize],
) -> Assignment {
    let sign = if options.maximize { -1.0 } else { 1.0 };
    let mut row_duals: Vec<Option<f64>> = vec![None; cost.nrows()];
    let mut pairs = Vec::with_capacity(copies.len());
    for (copy, &row) in copies.iter().enumerate() {
        // Copies of one row share their potential at the optimum; the first stands for all.
        row_duals[row].get_or_insert(copy_duals[copy]);
        let col = copy_col[copy];
        if col != NONE && col != EXIT {
            pairs.push((row, col));
        }
    }
    pairs.sort_unstable();
    let objective = pairs.iter().map(|&(r, c)| cost[[r, c]]).sum();
    let row_duals = row_duals
        .into_iter()
        .enumerate()
        .map(|(row, dual)| {
            // A row of capacity zero: the largest potential its constraints allow.
            let dual = dual.unwrap_or_else(|| {
                let slack =
                    cost.row(row).iter().zip(col_duals).map(|(&c, &v)| sign * c - v).fold(f64::INFINITY, f64::min);
                match (slack.is_finite(), rows_saturate) {
                    (false, _) => 0.0,
                    (true, true) => slack,
                    (true, false) => slack.min(0.0),
                }
            });
            sign * dual + 0.0 // no negative zeros
        })
        .collect();
    let (rows, cols) = pairs.into_iter().unzip();
    Assignment { rows, cols, objective, row_duals, col_duals: col_duals.iter().map(|v| sign * v + 0.0).collect() }
}
