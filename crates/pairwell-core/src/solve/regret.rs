//! What forcing one more pair into an optimal matching costs, from the dual potentials.
//!
//! With unmatched allowed, the problem is a perfect matching once every row copy and every
//! column gets a zero-cost dummy partner; the solver's potentials, with zero on the dummies,
//! stay optimal duals for it. Forcing `(i, j)` swaps the optimum for the best alternating
//! cycle through that pair, and potentials telescope around a cycle, so its cost is the
//! reduced cost of `(i, j)` plus one shortest path (Dijkstra on non-negative reduced costs)
//! from the current partner of `j` to the current partner of a copy of `i`: a warm re-solve
//! in `O((n + m)²)` instead of a fresh one.

use ndarray::ArrayView2;

use super::{Assignment, SolveOptions};

/// A node on the right side of the extended matching: a real column or a row copy's dummy.
#[derive(Clone, Copy, PartialEq)]
enum Right {
    Col(usize),
    CopyDummy(usize),
}

/// A node on the left side: a row copy or a column's dummy.
#[derive(Clone, Copy, PartialEq)]
enum Left {
    Copy(usize),
    ColDummy(usize),
}

pub(super) fn forced_loss(
    a: &Assignment,
    cost: ArrayView2<f64>,
    options: &SolveOptions,
    row: usize,
    col: usize,
) -> Option<f64> {
    let (n_rows, n_cols) = cost.dim();
    if !options.allow_unmatched || row >= n_rows || col >= n_cols || !cost[[row, col]].is_finite() {
        return None;
    }
    if options.capacities.as_ref().is_some_and(|c| c.len() != n_rows) {
        return None;
    }
    let caps = super::capacities(options, n_rows, n_cols).ok()?;
    let sign = if options.maximize { -1.0 } else { 1.0 };
    let alpha: Vec<f64> = a.row_duals.iter().map(|x| sign * x).collect();
    let beta: Vec<f64> = a.col_duals.iter().map(|x| sign * x).collect();
    let rc = |i: usize, j: usize| (sign * cost[[i, j]] - alpha[i] - beta[j]).max(0.0);

    // Row copies, with the pairs of each row handed to its first copies.
    let copy_row: Vec<usize> = caps.iter().enumerate().flat_map(|(r, &k)| std::iter::repeat_n(r, k)).collect();
    let first_copy: Vec<usize> = caps
        .iter()
        .scan(0, |acc, &k| {
            let first = *acc;
            *acc += k;
            Some(first)
        })
        .collect();
    if caps[row] == 0 {
        return None;
    }
    let k_total = copy_row.len();
    let mut copy_col = vec![None; k_total];
    let mut col_copy = vec![None; n_cols];
    let mut used = vec![0usize; n_rows];
    for (&i, &j) in a.rows.iter().zip(&a.cols) {
        let k = first_copy[i] + used[i];
        used[i] += 1;
        copy_col[k] = Some(j);
        col_copy[j] = Some(k);
    }
    if col_copy[col].is_some_and(|k| copy_row[k] == row) {
        return Some(0.0);
    }
    let mate_of_right = |r: Right| match r {
        Right::Col(j) => col_copy[j].map_or(Left::ColDummy(j), Left::Copy),
        Right::CopyDummy(k) => copy_col[k].map_or(Left::Copy(k), Left::ColDummy),
    };
    let mate_of_left = |l: Left| match l {
        Left::Copy(k) => copy_col[k].map_or(Right::CopyDummy(k), Right::Col),
        Left::ColDummy(j) => col_copy[j].map_or(Right::Col(j), Right::CopyDummy),
    };
    let mut goal_col = vec![false; n_cols];
    let mut goal_dummy = vec![false; k_total];
    for k in first_copy[row]..first_copy[row] + caps[row] {
        match mate_of_left(Left::Copy(k)) {
            Right::Col(j) => goal_col[j] = true,
            Right::CopyDummy(d) => goal_dummy[d] = true,
        }
    }

    // Dijkstra over right-side nodes; settling one settles its mate on the left.
    let mut d_col = vec![f64::INFINITY; n_cols];
    let mut d_dummy = vec![f64::INFINITY; k_total];
    let mut done_col = vec![false; n_cols];
    let mut done_dummy = vec![false; k_total];
    done_col[col] = true; // the forced column is already covered by the new pair
    let mut dummies_relaxed = false;
    let mut left = mate_of_right(Right::Col(col));
    let mut dist = 0.0;
    loop {
        match left {
            Left::Copy(k) => {
                let i = copy_row[k];
                for j in 0..n_cols {
                    if !done_col[j] && cost[[i, j]].is_finite() {
                        d_col[j] = d_col[j].min(dist + rc(i, j));
                    }
                }
                if !done_dummy[k] {
                    d_dummy[k] = d_dummy[k].min(dist - alpha[i].min(0.0));
                }
            }
            Left::ColDummy(j) => {
                if !done_col[j] {
                    d_col[j] = d_col[j].min(dist - beta[j].min(0.0));
                }
                if !dummies_relaxed {
                    dummies_relaxed = true;
                    for (d, done) in d_dummy.iter_mut().zip(&done_dummy) {
                        if !done {
                            *d = d.min(dist);
                        }
                    }
                }
            }
        }
        let mut best = (f64::INFINITY, None);
        for j in 0..n_cols {
            if !done_col[j] && d_col[j] < best.0 {
                best = (d_col[j], Some(Right::Col(j)));
            }
        }
        for k in 0..k_total {
            if !done_dummy[k] && d_dummy[k] < best.0 {
                best = (d_dummy[k], Some(Right::CopyDummy(k)));
            }
        }
        let (d, next) = best;
        let next = next?;
        dist = d;
        match next {
            Right::Col(j) if goal_col[j] => break,
            Right::CopyDummy(k) if goal_dummy[k] => break,
            Right::Col(j) => done_col[j] = true,
            Right::CopyDummy(k) => done_dummy[k] = true,
        }
        left = mate_of_right(next);
    }
    Some(rc(row, col) + dist)
}
