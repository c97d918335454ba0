//! The validated, canonical arc set of a sparse problem, in both orientations.
//!
//! Arcs are kept row-major without duplicates (a repeated `(row, col)` keeps its best cost), in
//! the minimisation sense. The column-major view holds the arc ids, so both sides of the
//! bipartite graph can be scanned. A node lists its arcs by the other end, or, in a graph built
//! *cheapest first*, by reduced cost against the potentials of the build (the arc's key): what
//! the searches prune on.

use rayon::prelude::*;

use super::{Csr, SparseError};
use crate::solve::SolveError;

/// Node and arc ids are `u32`: half the memory traffic of `usize` in the searches.
pub(super) const MAX_ID: usize = u32::MAX as usize - 1;

/// Rows (side 0) and columns (side 1) with the arcs between them.
#[derive(Clone, Debug)]
pub(super) struct Graph {
    /// Nodes on each side.
    pub n: [usize; 2],
    /// Start of each node's arcs in `nbr`/`arc` (length `n + 1`), per side.
    pub ptr: [Vec<usize>; 2],
    /// The node at the other end of each listed arc, per side.
    pub nbr: [Vec<u32>; 2],
    /// Arc id of each entry of the column-major view (the row-major view is the arc order).
    pub col_arc: Vec<u32>,
    /// Row of each arc (its column is `nbr[0][arc]`).
    pub arc_row: Vec<u32>,
    /// Cost of each arc in the minimisation sense.
    pub cost: Vec<f64>,
    /// Cost of each entry of the column-major view: a column's searches read its arcs' costs
    /// in order rather than scattered over `cost`.
    pub col_cost: Vec<f64>,
    /// In a graph built by reduced cost, each entry's cost less the potential its other end
    /// had then, per side: what its node lists it by (empty otherwise).
    pub key: [Vec<f64>; 2],
    /// Whether each node lists its arcs by `key` (ties by the other end) rather than by the
    /// other end.
    pub cheapest_first: bool,
}

/// One arc on its way into a graph.
#[derive(Clone, Copy, Debug)]
pub(super) struct Arc {
    pub row: u32,
    pub col: u32,
    /// Cost in the minimisation sense.
    pub cost: f64,
    /// Whether the arc carries flow (is a pair of the current matching).
    pub flow: bool,
    /// Whether the arc was just added (a resume checks only those against the duals).
    pub fresh: bool,
}

impl Graph {
    /// Validates a CSR input and turns it into arcs in the minimisation sense. Infinite costs
    /// of the forbidden sign are dropped (an absent arc); NaN and the other infinity are errors.
    pub(super) fn arcs_of(csr: &Csr<'_>, maximize: bool) -> Result<(usize, Vec<Arc>), SparseError> {
        let Csr { n_cols, indptr, indices, costs } = *csr;
        let n_rows = indptr.len().checked_sub(1).ok_or(SparseError::Indptr { len: 0, nnz: indices.len() })?;
        if n_rows > MAX_ID || n_cols > MAX_ID || indices.len() > MAX_ID {
            return Err(SparseError::TooLarge { rows: n_rows, cols: n_cols, arcs: indices.len() });
        }
        if indices.len() != costs.len() {
            return Err(SparseError::Lengths { indices: indices.len(), data: costs.len() });
        }
        if indptr[0] != 0 || indptr[n_rows] != indices.len() {
            return Err(SparseError::Indptr { len: indptr.len(), nnz: indices.len() });
        }
        let mut arcs = Vec::with_capacity(indices.len());
        for row in 0..n_rows {
            let (start, end) = (indptr[row], indptr[row + 1]);
            if end < start || end > indices.len() {
                return Err(SparseError::IndptrOrder { row });
            }
            for k in start..end {
                arcs.extend(arc(row, indices[k], costs[k], n_cols, maximize)?);
            }
        }
        Ok((n_rows, arcs))
    }

    /// The canonical graph of `arcs` in any order: sorted, and a repeated `(row, col)` keeps
    /// its lowest cost (and carries flow if any copy did). Also returns each arc's flow and
    /// whether it is fresh. With `potentials` (rows', columns'), each node lists its arcs by
    /// reduced cost against the other end's potential (cheapest first), else by the other end.
    pub(super) fn build(
        n_rows: usize,
        n_cols: usize,
        arcs: Vec<Arc>,
        potentials: Option<&[Vec<f64>; 2]>,
    ) -> (Self, Vec<bool>, Vec<bool>) {
        let cheapest_first = potentials.is_some();
        let key = |side: usize, a: &Arc| match potentials {
            Some(pot) if side == 0 => a.cost - pot[1][a.col as usize],
            Some(pot) => a.cost - pot[0][a.row as usize],
            None => 0.0,
        };
        // Arcs by row (a counting sort), then each row on its own, in parallel: by column, a
        // repeated column keeping its lowest cost, then by key when cheapest first.
        let mut row_ptr = vec![0usize; n_rows + 1];
        for a in &arcs {
            row_ptr[a.row as usize + 1] += 1;
        }
        for i in 0..n_rows {
            row_ptr[i + 1] += row_ptr[i];
        }
        // A CSR input comes grouped by row already.
        let mut by_row = if arcs.is_sorted_by_key(|a| a.row) {
            arcs
        } else {
            let mut fill = row_ptr.clone();
            let mut by_row = arcs.clone();
            for a in arcs {
                let slot = &mut fill[a.row as usize];
                by_row[*slot] = a;
                *slot += 1;
            }
            by_row
        };
        // Each row's kept arcs and, when cheapest first, their keys (computed once).
        let kept: Vec<(usize, Vec<f64>)> = ranges(&mut by_row, &row_ptr)
            .into_par_iter()
            .map(|row| {
                row.sort_unstable_by(|a, b| a.col.cmp(&b.col).then(a.cost.total_cmp(&b.cost)));
                let mut len = 0;
                for k in 0..row.len() {
                    if len > 0 && row[len - 1].col == row[k].col {
                        row[len - 1].flow |= row[k].flow;
                    } else {
                        row[len] = row[k];
                        len += 1;
                    }
                }
                if !cheapest_first {
                    return (len, Vec::new());
                }
                let mut keyed: Vec<(f64, Arc)> = row[..len].iter().map(|a| (key(0, a), *a)).collect();
                keyed.sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.col.cmp(&y.1.col)));
                for (slot, &(_, a)) in row.iter_mut().zip(&keyed) {
                    *slot = a;
                }
                (len, keyed.into_iter().map(|(k, _)| k).collect())
            })
            .collect();
        let mut arcs = Vec::with_capacity(kept.iter().map(|k| k.0).sum());
        let mut row_key = Vec::with_capacity(if cheapest_first { arcs.capacity() } else { 0 });
        for (&start, (len, keys)) in row_ptr.iter().zip(&kept) {
            arcs.extend_from_slice(&by_row[start..start + len]);
            row_key.extend_from_slice(keys);
        }
        for (i, &(len, _)) in kept.iter().enumerate() {
            row_ptr[i + 1] = row_ptr[i] + len;
        }
        drop((by_row, kept));
        let m = arcs.len();
        let mut col_ptr = vec![0usize; n_cols + 1];
        for a in &arcs {
            col_ptr[a.col as usize + 1] += 1;
        }
        for j in 0..n_cols {
            col_ptr[j + 1] += col_ptr[j];
        }
        let mut fill = col_ptr.clone();
        let mut col_nbr = vec![0u32; m];
        let mut col_arc = vec![0u32; m];
        for (id, a) in arcs.iter().enumerate() {
            let slot = &mut fill[a.col as usize];
            col_arc[*slot] = id as u32; // id < MAX_ID: inputs are checked, merges stay below rows × cols
            *slot += 1;
        }
        // Each arc's key in its column, computed once (ids run in row order, so ties go by row).
        let col_key: Vec<f64> = if cheapest_first { arcs.iter().map(|a| key(1, a)).collect() } else { Vec::new() };
        if cheapest_first {
            ranges(&mut col_arc, &col_ptr).into_par_iter().for_each(|column| {
                column.sort_unstable_by(|&x, &y| col_key[x as usize].total_cmp(&col_key[y as usize]).then(x.cmp(&y)));
            });
        }
        for (row, &id) in col_nbr.iter_mut().zip(&col_arc) {
            *row = arcs[id as usize].row;
        }
        let graph = Self {
            n: [n_rows, n_cols],
            ptr: [row_ptr, col_ptr],
            nbr: [arcs.iter().map(|a| a.col).collect(), col_nbr],
            col_cost: col_arc.iter().map(|&id| arcs[id as usize].cost).collect(),
            key: [row_key, col_arc.iter().filter(|_| cheapest_first).map(|&id| col_key[id as usize]).collect()],
            col_arc,
            arc_row: arcs.iter().map(|a| a.row).collect(),
            cost: arcs.iter().map(|a| a.cost).collect(),
            cheapest_first,
        };
        (graph, arcs.iter().map(|a| a.flow).collect(), arcs.iter().map(|a| a.fresh).collect())
    }

    /// The arcs again, with their flow.
    pub(super) fn arcs<'a>(&'a self, flow: &'a [bool]) -> impl Iterator<Item = Arc> + 'a {
        (0..self.cost.len()).map(|k| Arc {
            row: self.arc_row[k],
            col: self.nbr[0][k],
            cost: self.cost[k],
            flow: flow[k],
            fresh: false,
        })
    }

    /// Number of arcs at `node` of `side`.
    pub(super) fn degree(&self, side: usize, node: usize) -> usize {
        self.ptr[side][node + 1] - self.ptr[side][node]
    }

    /// Arc id of entry `k` of `side`'s adjacency.
    #[inline(always)]
    pub(super) fn arc_id(&self, side: usize, k: usize) -> usize {
        if side == 0 {
            k
        } else {
            self.col_arc[k] as usize
        }
    }

    /// Cost of entry `k` of `side`'s adjacency (the cost of arc [`arc_id`](Self::arc_id)).
    #[inline(always)]
    pub(super) fn cost_at(&self, side: usize, k: usize) -> f64 {
        if side == 0 {
            self.cost[k]
        } else {
            self.col_cost[k]
        }
    }

    /// Key of entry `k` of `side`'s adjacency in a graph built by reduced cost.
    #[inline(always)]
    pub(super) fn key_at(&self, side: usize, k: usize) -> f64 {
        self.key[side][k]
    }

    /// The endpoint of `arc` on `side`.
    #[inline(always)]
    pub(super) fn end(&self, side: usize, arc: usize) -> usize {
        if side == 0 {
            self.arc_row[arc] as usize
        } else {
            self.nbr[0][arc] as usize
        }
    }

    /// The arc `(row, col)`, if listed.
    pub(super) fn find(&self, row: usize, col: usize) -> Option<usize> {
        let col = u32::try_from(col).ok()?;
        let (start, end) = (self.ptr[0][row], self.ptr[0][row + 1]);
        if self.cheapest_first {
            (start..end).find(|&k| self.nbr[0][k] == col)
        } else {
            self.nbr[0][start..end].binary_search(&col).ok().map(|k| start + k)
        }
    }

    /// Rejects finite costs spread too wide for path lengths to stay finite (as the dense solver).
    pub(super) fn check_range(&self) -> Result<(), SolveError> {
        let low = self.cost.iter().copied().fold(f64::INFINITY, f64::min);
        let high = self.cost.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if low <= high && !((high - low) * (self.n[0] + self.n[1] + 1) as f64).is_finite() {
            return Err(SolveError::Range { low, high });
        }
        Ok(())
    }
}

/// The parts of `items` between consecutive offsets of `ptr`, each on its own.
fn ranges<'a, T>(mut items: &'a mut [T], ptr: &[usize]) -> Vec<&'a mut [T]> {
    let mut parts = Vec::with_capacity(ptr.len().saturating_sub(1));
    for w in ptr.windows(2) {
        let (part, rest) = items.split_at_mut(w[1] - w[0]);
        parts.push(part);
        items = rest;
    }
    parts
}

/// One validated input entry as an arc in the minimisation sense.
/// `None` for an infinity of the forbidden sign (an absent arc).
pub(super) fn arc(
    row: usize,
    col: usize,
    cost: f64,
    n_cols: usize,
    maximize: bool,
) -> Result<Option<Arc>, SparseError> {
    if col >= n_cols {
        return Err(SparseError::Index { row, col, n_cols });
    }
    if cost.is_nan() {
        return Err(SolveError::NaN { row, col }.into());
    }
    if cost.is_infinite() && (cost > 0.0) == maximize {
        return Err(SolveError::Unbounded { row, col, value: cost }.into());
    }
    if cost.is_infinite() {
        return Ok(None);
    }
    let sign = if maximize { -1.0 } else { 1.0 };
    // Both fit in u32: row < n_rows <= MAX_ID and col < n_cols <= MAX_ID.
    Ok(Some(Arc { row: row as u32, col: col as u32, cost: sign * cost, flow: false, fresh: true }))
}
