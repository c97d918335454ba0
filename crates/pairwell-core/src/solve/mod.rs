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
use crate::memory::{self, OutOfMemory};
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
    #[error("cost matrix contains invalid numeric entries: NaN at row {row}, column {col}")]
    NaN {
        /// Row of the entry.
        row: usize,
        /// Column of the entry.
        col: usize,
    },
    /// An infinity on the wrong side: it would make the objective unbounded.
    #[error(
        "cost matrix contains invalid numeric entries: {value} at row {row}, column {col}; \
         forbidden pairs are +inf when minimising and -inf when maximising"
    )]
    Unbounded {
        /// Row of the entry.
        row: usize,
        /// Column of the entry.
        col: usize,
        /// The offending value.
        value: f64,
    },
    /// Finite costs spread so far apart that the dual potentials certifying the optimum do not
    /// fit in `f64` (the optimum itself is still found, see [`linear_sum_assignment`]).
    #[error(
        "cost matrix values span {low:e} to {high:e}, too wide for the dual potentials that \
         certify the optimum to fit in float64; rescale the costs"
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
    /// A working buffer (a copy of the matrix, the row copies of the capacities, the search
    /// arrays) could not be allocated.
    #[error(transparent)]
    Memory(#[from] OutOfMemory),
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
/// Costs whose span is too wide for `f64` arithmetic across the matrix are solved scaled down
/// by a power of two (exact but for costs that become subnormal), and the potentials scaled
/// back.
///
/// # Errors
/// [`SolveError`] for NaN entries, infinities of the wrong sign, a `capacities` of the wrong
/// length, (without `allow_unmatched`) a matrix whose forbidden pairs leave the smaller side
/// without a complete assignment, potentials that overflow `f64` once scaled back, or working
/// memory that cannot be allocated.
pub fn solve(cost: ArrayView2<f64>, options: &SolveOptions) -> Result<Assignment, SolveError> {
    let (a, span) = solve_scaled(cost, options)?;
    if let Some((low, high)) = span {
        if !a.row_duals.iter().chain(&a.col_duals).all(|x| x.is_finite()) {
            return Err(SolveError::Range { low, high });
        }
    }
    Ok(a)
}

/// As [`solve`], but the potentials may overflow; also returns the span of finite costs when
/// they were solved scaled down.
fn solve_scaled(cost: ArrayView2<f64>, options: &SolveOptions) -> Result<(Assignment, Option<(f64, f64)>), SolveError> {
    checkpoint()?;
    let (n_rows, n_cols) = cost.dim();
    if let Some(caps) = &options.capacities {
        if caps.len() != n_rows {
            return Err(SolveError::CapacityLength { got: caps.len(), rows: n_rows });
        }
    }
    // The kernel reads a row-major matrix in the minimisation sense, rows or columns first.
    // Where it needs a copy in either orientation, the copy is reserved before anything else
    // (it is the largest buffer), so a matrix too large to copy fails at once.
    let mut copy = if options.maximize || (cost.as_slice().is_none() && cost.t().as_slice().is_none()) {
        Some(memory::reserve(cost.len(), || format!("a float64 copy of a {n_rows}x{n_cols} cost matrix"))?)
    } else {
        None
    };
    // One virtual row per unit of capacity, each pointing at its physical row.
    let caps = capacities(options, n_rows, n_cols)?;
    let n_copies = caps.iter().try_fold(0usize, |sum, &c| sum.checked_add(c)).ok_or_else(|| {
        memory::too_large::<usize>(caps.iter().map(|&c| c as u128).sum(), "the row copies of the capacities".into())
    })?;
    let copies = memory::collect(
        n_copies,
        caps.iter().enumerate().flat_map(|(row, &cap)| std::iter::repeat_n(row, cap)),
        || format!("{n_copies} row copies of the capacities"),
    )?;
    // Fewer columns than row copies: the columns search, the row copies are targets.
    let rows_are_sources = copies.len() <= n_cols;
    let view = if rows_are_sources { cost } else { cost.reversed_axes() };
    let Finite { all_finite, low, high } = validate(cost, options.maximize)?;
    if all_finite && low == high && options.capacities.is_none() && !options.allow_unmatched {
        return Ok((constant(n_rows, n_cols, low)?, None));
    }
    // Potentials and path lengths add up to (rows + columns) spans of the costs; beyond f64's
    // range they would overflow to infinity and read as forbidden pairs, so such costs are
    // scaled by 2^-k with 2^k >= 4 (rows + columns + 1), which bounds those sums by f64::MAX / 2.
    let paths = (n_rows + n_cols + 1) as f64;
    let wide = low <= high && !((high - low) * paths).is_finite();
    let scale = if wide { (4.0 * paths).log2().ceil().exp2() } else { 1.0 };
    let factor = if options.maximize { -1.0 } else { 1.0 } / scale;
    let data: Cow<'_, [f64]> = match (copy.take(), view.to_slice()) {
        (None, Some(slice)) if factor == 1.0 => Cow::Borrowed(slice),
        (reserved, _) => {
            let mut data = match reserved {
                Some(data) => data,
                None => memory::reserve(cost.len(), || format!("a scaled copy of a {n_rows}x{n_cols} cost matrix"))?,
            };
            data.extend(view.iter().map(|&c| factor * c));
            Cow::Owned(data)
        }
    };
    let (mut u, mut v, source_target) = if rows_are_sources {
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
        let sources = memory::collect(n_cols, 0..n_cols, || format!("the sources of {n_cols} columns"))?;
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
        let mut copy_col = memory::filled(copies.len(), NONE, || format!("the pairs of {n_copies} row copies"))?;
        for (col, &copy) in col_copy.iter().enumerate() {
            if copy != EXIT {
                copy_col[copy] = col;
            }
        }
        (v, u, copy_col)
    };
    for x in u.iter_mut().chain(v.iter_mut()) {
        *x *= scale;
    }
    let rows_saturate = rows_are_sources && !options.allow_unmatched;
    let assignment = assemble(cost, options, &copies, rows_saturate, &u, &v, &source_target)?;
    Ok((assignment, wide.then_some((low, high))))
}

/// Scipy-style entry point: optimal `(rows, cols)` with rows ascending. It answers whatever
/// the span of the costs, even where the potentials that certify the optimum would overflow.
///
/// # Errors
/// As [`solve`], but for [`SolveError::Range`].
pub fn linear_sum_assignment(cost: ArrayView2<f64>, maximize: bool) -> Result<(Vec<usize>, Vec<usize>), SolveError> {
    let options = SolveOptions { maximize, ..SolveOptions::default() };
    solve_scaled(cost, &options).map(|(a, _)| (a.rows, a.cols))
}

/// Solves independent problems in parallel; results come back in input order.
#[must_use]
pub fn solve_batch(problems: &[(Array2<f64>, SolveOptions)]) -> Vec<Result<Assignment, SolveError>> {
    // rayon's threads do not see the caller's cancellation token: each task installs it.
    let token = Token::current();
    problems.par_iter().map(|(cost, options)| token.scope(|| solve(cost.view(), options))).collect()
}

/// A matrix whose costs all equal `c`: every complete assignment is optimal, and the diagonal
/// is the one returned (scipy's answer too, scipy#11602), certified by potentials `c` on the
/// smaller side.
fn constant(n_rows: usize, n_cols: usize, c: f64) -> Result<Assignment, OutOfMemory> {
    let k = n_rows.min(n_cols);
    let (row_dual, col_dual) = if n_rows <= n_cols { (c, 0.0) } else { (0.0, c) };
    Ok(Assignment {
        rows: memory::collect(k, 0..k, || format!("{k} pairs"))?,
        cols: memory::collect(k, 0..k, || format!("{k} pairs"))?,
        objective: c * k as f64 + 0.0,
        row_duals: memory::filled(n_rows, row_dual, || format!("the potentials of {n_rows} rows"))?,
        col_duals: memory::filled(n_cols, col_dual, || format!("the potentials of {n_cols} columns"))?,
    })
}

/// Capacity of each row (one each by default). A row never uses more than every column, so
/// capacities beyond `n_cols + 1` change nothing (one spare copy keeps such a row below its
/// capacity) and are cut there, which bounds the work and keeps sums from overflowing.
fn capacities(options: &SolveOptions, n_rows: usize, n_cols: usize) -> Result<Vec<usize>, OutOfMemory> {
    let what = || format!("the capacities of {n_rows} rows");
    match &options.capacities {
        Some(caps) => memory::collect(n_rows, caps.iter().map(|&c| c.min(n_cols.saturating_add(1))), what),
        None => memory::filled(n_rows, 1, what),
    }
}

/// What [`validate`] learns of the finite costs.
struct Finite {
    /// Whether every entry is finite.
    all_finite: bool,
    /// The lowest finite cost (`+inf` when there is none).
    low: f64,
    /// The highest finite cost (`-inf` when there is none).
    high: f64,
}

/// Rejects NaN and infinities of the wrong sign; returns the range of the finite costs.
fn validate(cost: ArrayView2<f64>, maximize: bool) -> Result<Finite, SolveError> {
    // One fast pass for the common all-finite matrix; positions are only looked up otherwise.
    let (mut low, mut high, mut all_finite) = (f64::INFINITY, f64::NEG_INFINITY, true);
    let mut see = |c: f64| {
        if c.is_finite() {
            low = low.min(c);
            high = high.max(c);
        } else {
            all_finite = false;
        }
    };
    match cost.as_slice_memory_order() {
        Some(slice) => slice.iter().copied().for_each(&mut see),
        None => cost.iter().copied().for_each(&mut see),
    }
    if !all_finite {
        for ((row, col), &value) in cost.indexed_iter() {
            if value.is_nan() {
                return Err(SolveError::NaN { row, col });
            }
            if value.is_infinite() && (value > 0.0) == maximize {
                return Err(SolveError::Unbounded { row, col, value });
            }
        }
    }
    Ok(Finite { all_finite, low, high })
}

/// Source potentials, target potentials and the target of each source (or `EXIT`/`NONE`).
type KernelOutput = (Vec<f64>, Vec<f64>, Vec<usize>);

/// Runs the kernel and names the side of a source it could not place.
fn run<T: TargetMap>(problem: &Problem<'_, T>, side: &'static str) -> Result<KernelOutput, SolveError> {
    let solved = problem.solve().map_err(|stop| match stop {
        Stop::Stuck { row } => SolveError::Infeasible { side, index: row },
        Stop::Cancelled => SolveError::Cancelled,
        Stop::Memory(e) => SolveError::Memory(e),
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
) -> Result<Assignment, OutOfMemory> {
    let sign = if options.maximize { -1.0 } else { 1.0 };
    let n_rows = cost.nrows();
    let mut row_duals: Vec<Option<f64>> = memory::filled(n_rows, None, || format!("the potentials of {n_rows} rows"))?;
    let mut pairs = memory::reserve(copies.len(), || format!("the pairs of {} row copies", copies.len()))?;
    for (copy, &row) in copies.iter().enumerate() {
        // Copies of one row share their potential at the optimum; the first stands for all.
        row_duals[row].get_or_insert(copy_duals[copy]);
        let col = copy_col[copy];
        if col != NONE && col != EXIT {
            pairs.push((row, col));
        }
    }
    pairs.sort_unstable();
    let objective = pairs.iter().map(|&(r, c)| cost[[r, c]]).sum::<f64>() + 0.0; // no negative zero
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
    let col_duals = col_duals.iter().map(|v| sign * v + 0.0).collect();
    Ok(Assignment { rows, cols, objective, row_duals, col_duals })
}
