//! Exact assignment on a sparse graph: only listed `(row, column)` arcs may pair.
//!
//! The problem is given as CSR arcs (rows × columns) and solved with the same options as the
//! dense [`solve`](super::solve): minimise or maximise, row capacities and the
//! unmatched-allowed mode. A row is one node with a capacity, never copied per unit, so a
//! capacity of 10⁶ costs what a capacity of 3 costs.
//!
//! **Algorithm.** Successive shortest augmenting paths with dual potentials (the sparse
//! Jonker–Volgenant family, LAPJVsp): each unit of the searching side is placed by a Dijkstra
//! search with a binary heap over reduced costs `cost - u - v >= 0`, which stops at the first
//! settled free node and touches only the part of the graph it explores (`O(E log V)` per
//! search in the worst case, far less in practice). The searching side is the one that must be
//! saturated (the smaller side, counting capacities), or with unmatched allowed the one with
//! fewer units to place. Everything is in `f64` without scaling, so float costs are solved
//! exactly, and the potentials come back as the certificate. A square problem with unit
//! capacities and a full assignment starts from an ε-scaling auction (see `init`), which
//! leaves near-optimal potentials: the searches that make it exact are then short.
//!
//! **Resuming.** [`SparseSolver::add_arcs`] adds arcs to a solved problem and
//! [`SparseSolver::solve`] then re-solves from the current matching and potentials. An added
//! arc whose reduced cost against the current potentials is non-negative changes nothing; each
//! one that violates them sends its searching-side endpoint back to be placed again (its pairs
//! are undone), so the work is proportional to the violating arcs, not to the problem.
//!
//! ```
//! use pairwell_core::solve::sparse::{solve_sparse, verify_sparse, Csr};
//! use pairwell_core::solve::SolveOptions;
//!
//! // 2 rows × 3 columns; row 0 may take columns 0 and 2, row 1 columns 0 and 1.
//! let csr = Csr { n_cols: 3, indptr: &[0, 2, 4], indices: &[0, 2, 0, 1], costs: &[1.0, 3.0, 2.0, 5.0] };
//! let options = SolveOptions::default();
//! let best = solve_sparse(&csr, &options).unwrap();
//! assert_eq!(best.pairs(), vec![(0, 2), (1, 0)]);
//! assert_eq!(best.objective, 5.0);
//! verify_sparse(&best, &csr, &options).unwrap();
//! ```

mod graph;
mod init;
mod search;

use graph::{Arc, Graph};
use search::{Outcome, Scratch, State};

use super::{Assignment, CertificateError, SolveError, SolveOptions};
use crate::cancel::checkpoint;

/// A sparse problem in compressed sparse row form: row `i`'s arcs are
/// `indices[indptr[i]..indptr[i + 1]]` (columns) with costs `costs[..]` at the same positions.
/// Columns within a row may come in any order; a repeated `(row, col)` keeps its best cost.
/// An infinite cost of the forbidden sign (`+inf` minimising, `-inf` maximising) is an absent
/// arc.
#[derive(Clone, Copy, Debug)]
pub struct Csr<'a> {
    /// Number of columns.
    pub n_cols: usize,
    /// Row starts, `rows + 1` entries, from 0 to `indices.len()`, never decreasing.
    pub indptr: &'a [usize],
    /// Column of each arc.
    pub indices: &'a [usize],
    /// Cost of each arc.
    pub costs: &'a [f64],
}

/// Why a sparse problem could not be solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SparseError {
    /// `indptr` is empty, does not start at 0 or does not end at the number of arcs.
    #[error("indptr has {len} entries and must run from 0 to the number of arcs ({nnz})")]
    Indptr {
        /// Entries in `indptr`.
        len: usize,
        /// Arcs given.
        nnz: usize,
    },
    /// `indptr` decreases at a row.
    #[error("indptr decreases at row {row}")]
    IndptrOrder {
        /// The row whose end comes before its start.
        row: usize,
    },
    /// `indices` and `costs` differ in length.
    #[error("{indices} column indices but {data} costs")]
    Lengths {
        /// Column indices given.
        indices: usize,
        /// Costs given.
        data: usize,
    },
    /// A column index past the last column.
    #[error("arc at row {row} has column {col}, but there are {n_cols} columns")]
    Index {
        /// Row of the arc.
        row: usize,
        /// The column index.
        col: usize,
        /// Number of columns.
        n_cols: usize,
    },
    /// A row index past the last row (adding arcs).
    #[error("arc at column {col} has row {row}, but there are {n_rows} rows")]
    Row {
        /// The row index.
        row: usize,
        /// Column of the arc.
        col: usize,
        /// Number of rows.
        n_rows: usize,
    },
    /// More rows, columns or arcs than 32-bit ids hold.
    #[error("{rows} rows, {cols} columns and {arcs} arcs: at most {} of each are supported", graph::MAX_ID)]
    TooLarge {
        /// Rows given.
        rows: usize,
        /// Columns given.
        cols: usize,
        /// Arcs given.
        arcs: usize,
    },
    /// An error the dense solver shares: NaN, wrong infinity, cost range, capacities,
    /// infeasibility.
    #[error(transparent)]
    Solve(#[from] SolveError),
}

/// A sparse problem with its current matching and potentials, which can take more arcs and
/// be re-solved from where it stands. Deterministic: the same arcs and calls give the same
/// result.
#[derive(Clone, Debug)]
pub struct SparseSolver {
    graph: Graph,
    state: State,
    scratch: Scratch,
    maximize: bool,
    allow_unmatched: bool,
    /// Every row and every column is to be saturated: potentials have no sign conditions.
    perfect: bool,
    /// The searching side: 0 rows, 1 columns.
    side: usize,
}

impl SparseSolver {
    /// Validates the problem; nothing is solved yet.
    ///
    /// # Errors
    /// [`SparseError`] for a malformed CSR, a column out of range, NaN, an infinity of the
    /// wrong sign, costs too wide for `f64` or a `capacities` of the wrong length.
    pub fn new(csr: &Csr<'_>, options: &SolveOptions) -> Result<Self, SparseError> {
        let (n_rows, arcs) = Graph::arcs_of(csr, options.maximize)?;
        let caps: Result<Vec<usize>, SolveError> = match &options.capacities {
            Some(caps) if caps.len() != n_rows => Err(SolveError::CapacityLength { got: caps.len(), rows: n_rows }),
            // A row never takes more than every column; one spare unit keeps it below capacity.
            Some(caps) => Ok(caps.iter().map(|&c| c.min(csr.n_cols.saturating_add(1))).collect()),
            None => Ok(vec![1; n_rows]),
        };
        let total = caps.as_ref().map_or(0, |caps| caps.iter().fold(0usize, |s: usize, &c| s.saturating_add(c)));
        let perfect = !options.allow_unmatched && total == csr.n_cols;
        // Nodes list their arcs by reduced cost, which the searches prune on (see `search`),
        // except in a perfect problem, whose searches the start leaves short.
        let zero = [vec![0.0; n_rows], vec![0.0; csr.n_cols]];
        let (graph, _, _) = Graph::build(n_rows, csr.n_cols, arcs, (!perfect).then_some(&zero));
        graph.check_range()?;
        let caps = caps?;
        let side = if options.allow_unmatched {
            // Fewer units to place: each row places at most its degree.
            let row_units = (0..n_rows).fold(0usize, |s, i| s.saturating_add(caps[i].min(graph.degree(0, i))));
            let col_units = (0..csr.n_cols).filter(|&j| graph.degree(1, j) > 0).count();
            usize::from(row_units > col_units)
        } else {
            usize::from(total > csr.n_cols)
        };
        let unit = caps.iter().all(|&c| c == 1);
        let mut state = State::new(&graph, caps);
        state.excluded[side].fill(true);
        if perfect && unit {
            init::reduce(&graph, &mut state);
        }
        Ok(Self {
            scratch: Scratch::new(&graph),
            graph,
            state,
            maximize: options.maximize,
            allow_unmatched: options.allow_unmatched,
            perfect,
            side,
        })
    }

    /// Solves (or re-solves after [`add_arcs`](Self::add_arcs)) and returns the optimal
    /// assignment with its certifying potentials.
    ///
    /// # Errors
    /// [`SolveError::Infeasible`] (inside [`SparseError::Solve`]) when, without
    /// `allow_unmatched`, the smaller side has no complete assignment, and
    /// [`SolveError::Cancelled`] when the installed [`crate::cancel`] token is cancelled (checked
    /// before every augmenting path search). The solver stays usable after either: arcs can
    /// be added and the solve resumed.
    pub fn solve(&mut self) -> Result<Assignment, SparseError> {
        let (a, b) = (self.side, 1 - self.side);
        let g = &self.graph;
        let st = &mut self.state;
        // Nodes of the other side left below capacity with a nonzero potential (their pairs
        // were undone by a resume) search first, from their side, with the waiting nodes out.
        for y in (0..g.n[b]).filter(|_| !self.perfect) {
            while st.load[b][y] < st.cap[b][y] && st.pot[b][y] != 0.0 {
                checkpoint().map_err(SolveError::from)?;
                if search::search(g, st, &mut self.scratch, b, y, true) != Outcome::Placed {
                    break;
                }
            }
        }
        // Those searches raised potentials of the other side, which loosens what the searches
        // below can prune: every node lists its arcs again by their reduced costs now.
        if self.graph.cheapest_first && self.state.rise[b] > 0.0 {
            self.relist(Vec::new())?;
        }
        let g = &self.graph;
        let st = &mut self.state;
        for x in 0..g.n[a] {
            if !st.excluded[a][x] {
                continue;
            }
            let (cap, degree) = (st.cap[a][x], g.degree(a, x));
            if !self.allow_unmatched && cap > degree {
                return Err(self.infeasible(x));
            }
            // Largest potential the node's arcs allow (at most 0 when it may stay unmatched).
            let mut pot = if self.allow_unmatched { 0.0 } else { f64::INFINITY };
            for k in g.ptr[a][x]..g.ptr[a][x + 1] {
                let y = g.nbr[a][k] as usize;
                pot = f64::min(pot, g.cost_at(a, k) - st.pot[b][y]);
            }
            st.set_pot(a, x, if pot.is_finite() { pot } else { 0.0 });
            st.excluded[a][x] = false;
            while st.load[a][x] < cap {
                // A node left half placed (cancelled or stuck) is undone and waits again.
                let stop = match checkpoint() {
                    Err(cancelled) => Some(SolveError::from(cancelled).into()),
                    Ok(()) => match search::search(g, st, &mut self.scratch, a, x, self.allow_unmatched) {
                        Outcome::Placed => None,
                        Outcome::Stayed => break,
                        Outcome::Stuck => Some(infeasible(a, x)),
                    },
                };
                if let Some(error) = stop {
                    st.unmatch(g, a, x);
                    st.excluded[a][x] = true;
                    return Err(error);
                }
            }
        }
        Ok(self.assignment())
    }

    fn infeasible(&self, index: usize) -> SparseError {
        infeasible(self.side, index)
    }

    /// Adds arcs `(rows[k], cols[k], costs[k])` (same sense and rules as the CSR input; an arc
    /// already listed keeps the better of its two costs). Call [`solve`](Self::solve) to
    /// re-optimise.
    ///
    /// **Contract.** Any arcs may be added, and the next `solve` is exact whatever they are.
    /// It is cheap when few of them *violate* the current potentials (reduced cost
    /// `cost - u[row] - v[col] < 0` in the minimisation sense, `w - u - v > 0` maximising):
    /// an arc that does not changes nothing, and each one that does undoes the pairs of its
    /// endpoint on the searching side, which is placed again by one search per unit. A pricing
    /// loop therefore adds exactly the arcs that violate the duals of the last solve.
    ///
    /// # Errors
    /// [`SparseError`] for mismatched lengths, an index out of range, NaN or an infinity of
    /// the wrong sign; the solver is unchanged then.
    pub fn add_arcs(&mut self, rows: &[usize], cols: &[usize], costs: &[f64]) -> Result<(), SparseError> {
        if rows.len() != cols.len() || rows.len() != costs.len() {
            return Err(SparseError::Lengths { indices: cols.len(), data: costs.len().min(rows.len()) });
        }
        let [n_rows, n_cols] = self.graph.n;
        let mut fresh = Vec::with_capacity(rows.len());
        for ((&row, &col), &cost) in rows.iter().zip(cols).zip(costs) {
            if row >= n_rows {
                return Err(SparseError::Row { row, col, n_rows });
            }
            fresh.extend(graph::arc(row, col, cost, n_cols, self.maximize)?);
        }
        let total = self.graph.cost.len().saturating_add(fresh.len());
        if total > graph::MAX_ID {
            return Err(SparseError::TooLarge { rows: n_rows, cols: n_cols, arcs: total });
        }
        self.relist(fresh)
    }

    /// Rebuilds the graph with `fresh` arcs added, each node listing its arcs by reduced cost
    /// against the current potentials (in a graph built cheapest first), and sends back the
    /// searching-side end of each fresh arc that violates them.
    fn relist(&mut self, fresh: Vec<Arc>) -> Result<(), SparseError> {
        let [n_rows, n_cols] = self.graph.n;
        let mut arcs: Vec<Arc> = self.graph.arcs(&self.state.flow).collect();
        arcs.extend(fresh);
        let order = self.graph.cheapest_first.then_some(&self.state.pot);
        let (graph, flow, fresh) = Graph::build(n_rows, n_cols, arcs, order);
        graph.check_range()?;
        self.scratch = Scratch::new(&graph);
        self.state.rebuilt();
        self.state.flow = flow;
        self.state.remate(&graph);
        let a = self.side;
        for arc in (0..graph.cost.len()).filter(|&k| fresh[k]) {
            let (row, col) = (graph.end(0, arc), graph.end(1, arc));
            let reduced = graph.cost[arc] - self.state.pot[0][row] - self.state.pot[1][col];
            let x = graph.end(a, arc);
            if reduced < 0.0 && !self.state.excluded[a][x] {
                self.state.unmatch(&graph, a, x);
                self.state.excluded[a][x] = true;
            }
        }
        self.graph = graph;
        Ok(())
    }

    /// The current matching and potentials as an [`Assignment`].
    fn assignment(&self) -> Assignment {
        let g = &self.graph;
        let sign = if self.maximize { -1.0 } else { 1.0 };
        // Pairs by row, then column (a row lists its arcs by cost).
        let mut pairs: Vec<(usize, usize)> =
            (0..g.cost.len()).filter(|&k| self.state.flow[k]).map(|arc| (g.end(0, arc), arc)).collect();
        pairs.sort_unstable_by_key(|&(row, arc)| (row, g.end(1, arc)));
        let (mut rows, mut cols, mut objective) = (Vec::new(), Vec::new(), 0.0);
        for (row, arc) in pairs {
            rows.push(row);
            cols.push(g.end(1, arc));
            objective += sign * g.cost[arc];
        }
        let duals = |side: usize| self.state.pot[side].iter().map(|&p| sign * p + 0.0).collect();
        Assignment { rows, cols, objective, row_duals: duals(0), col_duals: duals(1) }
    }
}

fn infeasible(side: usize, index: usize) -> SparseError {
    SolveError::Infeasible { side: if side == 0 { "row" } else { "column" }, index }.into()
}

/// The optimal assignment of a sparse problem (a fresh [`SparseSolver`], solved once).
///
/// # Errors
/// As [`SparseSolver::new`] and [`SparseSolver::solve`].
pub fn solve_sparse(csr: &Csr<'_>, options: &SolveOptions) -> Result<Assignment, SparseError> {
    SparseSolver::new(csr, options)?.solve()
}

/// Checks `a` against the sparse problem with its potentials: pairs on listed arcs within the
/// capacities, completeness (without `allow_unmatched`), `u + v <= cost` on every listed arc
/// (minimisation sense; `>=` maximising) and equality on every pair, the sign conditions of
/// rows and columns that may stay below capacity (zero when they do), and equal primal and
/// dual objectives. Each comparison has a tolerance relative to the magnitudes it involves.
///
/// # Errors
/// A [`CertificateError`] naming the first violated condition (a malformed problem is
/// [`CertificateError::Malformed`]).
pub fn verify_sparse(a: &Assignment, csr: &Csr<'_>, options: &SolveOptions) -> Result<(), CertificateError> {
    use CertificateError as E;
    let (n_rows, arcs) = Graph::arcs_of(csr, options.maximize).map_err(|e| E::Malformed(e.to_string()))?;
    let (g, _, _) = Graph::build(n_rows, csr.n_cols, arcs, None);
    let n_cols = csr.n_cols;
    super::certificate::check_shapes(a, n_rows, n_cols, options)?;
    let caps: Vec<usize> = match &options.capacities {
        Some(c) => c.iter().map(|&k| k.min(n_cols.saturating_add(1))).collect(),
        None => vec![1; n_rows],
    };
    let sign = if options.maximize { -1.0 } else { 1.0 };
    let u: Vec<f64> = a.row_duals.iter().map(|x| sign * x).collect();
    let v: Vec<f64> = a.col_duals.iter().map(|x| sign * x).collect();
    let rel = 1e-9;
    let near = |x: f64, y: f64, scale: f64| (x - y).abs() <= rel * scale;
    let scale = g.cost.iter().fold(0.0f64, |m, c| m.max(c.abs()));

    let mut row_load = vec![0usize; n_rows];
    let mut col_load = vec![0usize; n_cols];
    let (mut primal, mut magnitude) = (0.0, 0.0);
    for (&i, &j) in a.rows.iter().zip(&a.cols) {
        if i >= n_rows || j >= n_cols {
            return Err(E::Malformed(format!("pair ({i}, {j}) outside {n_rows} rows and {n_cols} columns")));
        }
        let arc = g.find(i, j).ok_or_else(|| E::Infeasible(format!("pair ({i}, {j}) is not an arc")))?;
        super::certificate::take_place(i, j, &mut row_load, &mut col_load, &caps)?;
        let c = g.cost[arc];
        if !near(c, u[i] + v[j], c.abs() + u[i].abs() + v[j].abs()) {
            return Err(E::Slackness(format!("pair ({i}, {j}) has reduced cost {}, not 0", c - u[i] - v[j])));
        }
        primal += sign * c;
        magnitude += c.abs() + u[i].abs() + v[j].abs();
    }
    for arc in 0..g.cost.len() {
        let (i, j, c) = (g.end(0, arc), g.end(1, arc), g.cost[arc]);
        let excess = u[i] + v[j] - c;
        if excess > rel * (c.abs() + u[i].abs() + v[j].abs()) {
            return Err(E::DualInfeasible { row: i, col: j, excess });
        }
    }
    let total_cap = caps.iter().fold(0usize, |s: usize, &k| s.saturating_add(k));
    if !options.allow_unmatched {
        let expected = total_cap.min(n_cols);
        if a.rows.len() != expected {
            return Err(E::Incomplete { got: a.rows.len(), expected });
        }
    }
    let rows_bounded = options.allow_unmatched || total_cap > n_cols;
    let cols_bounded = options.allow_unmatched || total_cap < n_cols;
    let sign_ok = |p: f64, below: bool| p <= rel * scale && (!below || near(p, 0.0, scale));
    for i in 0..n_rows {
        if rows_bounded && !sign_ok(u[i], row_load[i] < caps[i]) {
            return Err(E::Slackness(format!(
                "row {i} has potential {} with load {} of {}",
                a.row_duals[i], row_load[i], caps[i]
            )));
        }
    }
    for j in 0..n_cols {
        if cols_bounded && !sign_ok(v[j], col_load[j] == 0) {
            return Err(E::Slackness(format!("column {j} has potential {} with load {}", a.col_duals[j], col_load[j])));
        }
    }
    if !near(primal, a.objective, magnitude) {
        return Err(E::Gap { primal: a.objective, what: "the sum of the pair costs", other: primal });
    }
    let dual = sign
        * (caps.iter().zip(&u).map(|(&k, &ui)| if ui == 0.0 { 0.0 } else { k as f64 * ui }).sum::<f64>()
            + v.iter().sum::<f64>());
    if !near(dual, a.objective, magnitude + rel * scale * (n_rows + n_cols) as f64) {
        return Err(E::Gap { primal: a.objective, what: "the dual objective", other: dual });
    }
    Ok(())
}
