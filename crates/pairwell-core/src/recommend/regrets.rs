//! Every listed partner's regret from one shortest-path search per person.
//!
//! The regret of an open pair `(g, r)` is what [`crate::solve::Assignment::forced_loss_with`]
//! computes: in the optimum extended to a perfect matching (a copy of each giver per place,
//! a dummy partner for every copy and every receiver), it is the reduced cost
//! `u[g] + v[r] − score` of the pair plus the shortest alternating path, on non-negative
//! reduced costs, from the current partner of `r` to the current partner of a copy of `g`.
//! For one receiver and many givers the start is the same, so one Dijkstra search from it,
//! run until the goals of every listed giver are settled, gives all of their paths; for one
//! giver and many receivers the goal is the same, so one search on the reversed arcs does.
//! Node distances are the same as in the search per pair (the shortest path to the first goal
//! of a giver never passes through another goal of it), so each regret is exact.
//!
//! **Arcs.** After a sparse solve the searches walk the candidate arcs, and reach every other
//! open pair lazily: a pair outside the arcs scores at most the last score of the giver's
//! candidate list (and of the receiver's), so its reduced cost is at least
//! `u[g] + v[r] − bound`. Each settled node queues the pairs outside its arcs in order of that
//! lower bound (receivers sorted by `v`, givers by `u`), and one is scored only when the search
//! reaches its bound, so the search scores few pairs beyond its arcs. After a dense solve every
//! open pair is an arc.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::candidates::Pairs;
use crate::cancel::{Cancelled, Token};
use crate::matching::MatchResult;

/// No node.
const NONE: u32 = u32::MAX;

/// Arcs by row (giver) or by column (receiver): `other[start[i]..start[i + 1]]` sorted, with
/// their scores.
#[derive(Clone, Debug, Default)]
struct Adjacency {
    start: Vec<usize>,
    other: Vec<u32>,
    score: Vec<f64>,
}

impl Adjacency {
    /// From `(this, other, score)` triples sorted by `this` then `other`.
    fn new(n: usize, arcs: impl Iterator<Item = (usize, u32, f64)> + Clone) -> Adjacency {
        let mut start = vec![0usize; n + 1];
        for (i, _, _) in arcs.clone() {
            start[i + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        Adjacency { start, other: arcs.clone().map(|a| a.1).collect(), score: arcs.map(|a| a.2).collect() }
    }

    fn of(&self, i: usize) -> (&[u32], &[f64]) {
        let range = self.start[i]..self.start[i + 1];
        (&self.other[range.clone()], &self.score[range])
    }

    fn has(&self, i: usize, other: usize) -> bool {
        self.of(i).0.binary_search(&(other as u32)).is_ok()
    }

    /// Upper bound on the score of any open pair of `i` outside its arcs: the `limit`-th best
    /// arc score when `i` has that many arcs (the candidate list was full), else `-inf` (the
    /// list held every open pair of `i`, all of them arcs).
    fn bound(&self, i: usize, limit: usize) -> f64 {
        let (_, scores) = self.of(i);
        if limit == 0 || scores.len() < limit {
            return f64::NEG_INFINITY;
        }
        let mut sorted = scores.to_vec();
        sorted.select_nth_unstable_by(limit - 1, |a, b| b.total_cmp(a));
        sorted[limit - 1]
    }
}

/// The optimum of a match as a residual graph, built once per result.
#[derive(Clone, Debug)]
pub(crate) struct Residual {
    /// Dual potentials (`u[g] + v[r] >= score` for every open pair).
    u: Vec<f64>,
    v: Vec<f64>,
    /// The giver of each copy, the first copy of each giver and how many it has (its places
    /// used, plus one spare when it has room: spare copies are interchangeable).
    copy_row: Vec<u32>,
    first_copy: Vec<usize>,
    copies: Vec<usize>,
    /// The receiver of each copy and the copy of each receiver, `NONE` when unmatched.
    copy_col: Vec<u32>,
    col_copy: Vec<u32>,
    rows: Adjacency,
    cols: Adjacency,
    /// Upper bounds on the scores of open pairs outside the arcs, per giver and per receiver.
    row_bound: Vec<f64>,
    col_bound: Vec<f64>,
    /// Receivers by `v` and givers by `u`, ascending (ties by position).
    by_v: Vec<u32>,
    by_u: Vec<u32>,
}

/// A node of the extended matching. Right: receivers `0..n_cols`, then copy dummies. Left:
/// copies `0..n_copies`, then receiver dummies.
type Node = usize;

/// What the search queues: a node at a distance, or a pair outside the arcs to score later.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Item {
    /// A node reached at this distance (right nodes forward, left nodes backward).
    Node(Node),
    /// From the settled node `from` (a copy forward, a receiver backward), the pairs outside
    /// its arcs, from position `next` of the sorted partners on.
    Scan { from: Node, next: usize },
    /// From the settled node `from`, the pair with partner `partner`, to be scored.
    Pair { from: Node, partner: usize },
}

/// A queue entry, smallest key first.
#[derive(Clone, Copy, Debug)]
struct Entry(f64, Item);

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0)
    }
}

impl Residual {
    /// The residual graph of `result`'s optimum (without its pins, as the solver saw it).
    pub(crate) fn new(result: &MatchResult) -> Result<Residual, Cancelled> {
        let (n_rows, n_cols) = (result.givers.len(), result.receivers.len());
        let a = &result.solution;
        let (rows, cols, row_bound, col_bound) = if result.arcs.is_empty() {
            // A dense solve: every open pair of the problem is an arc.
            let t = result.tables.get().map(|t| &t.problem);
            let mut arcs = Vec::new();
            if let Some(problem) = t {
                for ((i, j), &s) in problem.indexed_iter() {
                    if s.is_finite() {
                        arcs.push((i, j as u32, s));
                    }
                }
            }
            let rows = Adjacency::new(n_rows, arcs.iter().copied());
            arcs.sort_by_key(|&(i, j, _)| (j, i));
            let cols = Adjacency::new(n_cols, arcs.iter().map(|&(i, j, s)| (j as usize, i as u32, s)));
            (rows, cols, vec![f64::NEG_INFINITY; n_rows], vec![f64::NEG_INFINITY; n_cols])
        } else {
            let arcs = &result.arcs;
            let rows = Adjacency::new(n_rows, arcs.iter().map(|&(g, r, s)| (g as usize, r, s)));
            let mut by_col: Vec<(usize, u32, f64)> = arcs.iter().map(|&(g, r, s)| (r as usize, g, s)).collect();
            by_col.sort_by_key(|&(r, g, _)| (r, g));
            let cols = Adjacency::new(n_cols, by_col.iter().copied());
            let k = result.settings.candidates;
            let people = result.cohort.people();
            let row_bound = (0..n_rows)
                .map(|i| rows.bound(i, k + (people[result.givers[i]].capacity as usize).min(k)))
                .collect();
            let col_bound = (0..n_cols).map(|j| cols.bound(j, k)).collect();
            (rows, cols, row_bound, col_bound)
        };
        Token::current().check()?;
        let mut load = vec![0usize; n_rows];
        for &i in &a.rows {
            load[i] += 1;
        }
        let copies: Vec<usize> = (0..n_rows).map(|i| result.room[i].min(load[i] + 1)).collect();
        let mut first_copy = Vec::with_capacity(n_rows + 1);
        let mut copy_row = Vec::new();
        for (i, &c) in copies.iter().enumerate() {
            first_copy.push(copy_row.len());
            copy_row.extend(std::iter::repeat_n(i as u32, c));
        }
        first_copy.push(copy_row.len());
        let mut copy_col = vec![NONE; copy_row.len()];
        let mut col_copy = vec![NONE; n_cols];
        let mut used = vec![0usize; n_rows];
        for (&i, &j) in a.rows.iter().zip(&a.cols) {
            let k = first_copy[i] + used[i];
            used[i] += 1;
            copy_col[k] = j as u32;
            col_copy[j] = k as u32;
        }
        let (u, v) = (a.row_duals.clone(), a.col_duals.clone());
        let sorted = |x: &[f64]| {
            let mut order: Vec<u32> = (0..x.len() as u32).collect();
            order.sort_by(|&p, &q| x[p as usize].total_cmp(&x[q as usize]).then(p.cmp(&q)));
            order
        };
        let (by_v, by_u) = (sorted(&v), sorted(&u));
        Ok(Residual {
            u,
            v,
            copy_row,
            first_copy,
            copies,
            copy_col,
            col_copy,
            rows,
            cols,
            row_bound,
            col_bound,
            by_v,
            by_u,
        })
    }

    fn n_cols(&self) -> usize {
        self.col_copy.len()
    }

    fn n_copies(&self) -> usize {
        self.copy_row.len()
    }

    /// The reduced cost of giver `i` → receiver `j` scoring `s`.
    pub(crate) fn reduced(&self, i: usize, j: usize, s: f64) -> f64 {
        (self.u[i] + self.v[j] - s).max(0.0)
    }

    /// The left node matched to right node `r`.
    fn mate_of_right(&self, r: Node) -> Node {
        let n_cols = self.n_cols();
        if r < n_cols {
            let k = self.col_copy[r];
            if k == NONE {
                self.n_copies() + r
            } else {
                k as usize
            }
        } else {
            let k = r - n_cols;
            let j = self.copy_col[k];
            if j == NONE {
                k
            } else {
                self.n_copies() + j as usize
            }
        }
    }

    /// The right node matched to left node `l`.
    fn mate_of_left(&self, l: Node) -> Node {
        let n_cols = self.n_cols();
        if l < self.n_copies() {
            let j = self.copy_col[l];
            if j == NONE {
                n_cols + l
            } else {
                j as usize
            }
        } else {
            let j = l - self.n_copies();
            let k = self.col_copy[j];
            if k == NONE {
                j
            } else {
                n_cols + k as usize
            }
        }
    }

    /// The shortest path from the partner of receiver `col` to a partner of a copy of each giver
    /// in `rows` (none of them matched to `col`): one forward search.
    pub(crate) fn from_receiver(&self, view: &Pairs<'_>, col: usize, rows: &[usize]) -> Vec<f64> {
        let (n_cols, n_copies) = (self.n_cols(), self.n_copies());
        let mut goal = vec![NONE; n_cols + n_copies];
        for (t, &i) in rows.iter().enumerate() {
            for k in self.first_copy[i]..self.first_copy[i + 1] {
                goal[self.mate_of_left(k)] = t as u32;
            }
        }
        let mut found = vec![f64::NAN; rows.len()];
        let mut to_find = rows.len();
        let mut s = Search::new(n_cols + n_copies, n_copies);
        s.done[col] = true; // the forced receiver is covered by the new pair
        self.forward(&mut s, self.mate_of_right(col), 0.0);
        while let Some(Entry(key, item)) = s.heap.pop() {
            match item {
                Item::Node(r) => {
                    if s.done[r] || key > s.dist[r] {
                        continue;
                    }
                    s.done[r] = true;
                    // A giver's first goal settled is its shortest path (it may have several).
                    if goal[r] != NONE && found[goal[r] as usize].is_nan() {
                        found[goal[r] as usize] = key;
                        to_find -= 1;
                        if to_find == 0 {
                            break;
                        }
                    }
                    self.forward(&mut s, self.mate_of_right(r), key);
                }
                Item::Scan { from, next } => {
                    let i = self.copy_row[from] as usize;
                    let d = s.at[from];
                    if let Some(&after) = self.by_v.get(next + 1) {
                        let bound = d + self.reduced(i, after as usize, self.row_bound[i]);
                        s.heap.push(Entry(bound, Item::Scan { from, next: next + 1 }));
                    }
                    let j = self.by_v[next] as usize;
                    if !s.done[j] && !self.dead_end_col(&s, j) && self.col_bound[j].is_finite() && !self.rows.has(i, j) {
                        let tighter = d + self.reduced(i, j, self.col_bound[j]);
                        s.heap.push(Entry(tighter.max(key), Item::Pair { from, partner: j }));
                    }
                }
                Item::Pair { from, partner: j } => {
                    let i = self.copy_row[from] as usize;
                    let (pair, rule) = view.pair(i, j);
                    if rule.is_none() && !self.dead_end_col(&s, j) {
                        let d = s.at[from] + self.reduced(i, j, pair.score);
                        s.relax(j, d);
                    }
                }
            }
        }
        found
    }

    /// Whether receiver `j` has no giver and the dummies are relaxed: it leads nowhere new.
    fn dead_end_col(&self, s: &Search, j: usize) -> bool {
        s.dummies && self.col_copy[j] == NONE
    }

    /// Forward: relaxes the arcs out of left node `l`, settled at `d`.
    fn forward(&self, s: &mut Search, l: Node, d: f64) {
        let (n_cols, n_copies) = (self.n_cols(), self.n_copies());
        if l < n_copies {
            s.at[l] = d;
            let i = self.copy_row[l] as usize;
            let (js, scores) = self.rows.of(i);
            for (&j, &score) in js.iter().zip(scores) {
                let j = j as usize;
                if !self.dead_end_col(s, j) {
                    s.relax(j, d + self.reduced(i, j, score));
                }
            }
            if self.row_bound[i].is_finite() && !self.by_v.is_empty() {
                let first = self.by_v[0] as usize;
                s.heap.push(Entry(d + self.reduced(i, first, self.row_bound[i]), Item::Scan { from: l, next: 0 }));
            }
            s.relax(n_cols + l, d + self.u[i].max(0.0));
        } else {
            let j = l - n_copies;
            s.relax(j, d + self.v[j].max(0.0));
            if !s.dummies {
                s.dummies = true;
                for k in 0..n_copies {
                    s.relax(n_cols + k, d);
                }
            }
        }
    }

    /// The shortest path from the partner of each receiver in `cols` (none of them matched to
    /// `row`) to a partner of a copy of giver `row`: one search on the reversed arcs.
    pub(crate) fn to_giver(&self, view: &Pairs<'_>, row: usize, cols: &[usize]) -> Vec<f64> {
        let (n_cols, n_copies) = (self.n_cols(), self.n_copies());
        let mut target = vec![NONE; n_copies + n_cols];
        for (t, &j) in cols.iter().enumerate() {
            target[self.mate_of_right(j)] = t as u32;
        }
        let mut found = vec![f64::NAN; cols.len()];
        let mut to_find = cols.len();
        let mut s = Search::new(n_copies + n_cols, n_cols);
        let mut right_done = vec![false; n_cols + n_copies];
        for k in self.first_copy[row]..self.first_copy[row + 1] {
            self.backward(&mut s, &mut right_done, self.mate_of_left(k), 0.0);
        }
        while let Some(Entry(key, item)) = s.heap.pop() {
            match item {
                Item::Node(l) => {
                    if s.done[l] || key > s.dist[l] {
                        continue;
                    }
                    s.done[l] = true;
                    if target[l] != NONE {
                        found[target[l] as usize] = key;
                        to_find -= 1;
                        if to_find == 0 {
                            break;
                        }
                    }
                    self.backward(&mut s, &mut right_done, self.mate_of_left(l), key);
                }
                Item::Scan { from: j, next } => {
                    let d = s.at[j];
                    if let Some(&after) = self.by_u.get(next + 1) {
                        let bound = d + self.reduced(after as usize, j, self.col_bound[j]);
                        s.heap.push(Entry(bound, Item::Scan { from: j, next: next + 1 }));
                    }
                    let i = self.by_u[next] as usize;
                    if self.copies[i] > 0 && self.row_bound[i].is_finite() && !self.cols.has(j, i) {
                        let tighter = d + self.reduced(i, j, self.row_bound[i]);
                        s.heap.push(Entry(tighter.max(key), Item::Pair { from: j, partner: i }));
                    }
                }
                Item::Pair { from: j, partner: i } => {
                    let (pair, rule) = view.pair(i, j);
                    if rule.is_none() {
                        let d = s.at[j] + self.reduced(i, j, pair.score);
                        self.relax_copies(&mut s, i, d);
                    }
                }
            }
        }
        found
    }

    /// Backward: relaxes the left nodes with an arc into right node `r`, settled at `d`.
    fn backward(&self, s: &mut Search, right_done: &mut [bool], r: Node, d: f64) {
        let (n_cols, n_copies) = (self.n_cols(), self.n_copies());
        if std::mem::replace(&mut right_done[r], true) {
            return;
        }
        if r < n_cols {
            s.at[r] = d;
            let (is, scores) = self.cols.of(r);
            for (&i, &score) in is.iter().zip(scores) {
                self.relax_copies(s, i as usize, d + self.reduced(i as usize, r, score));
            }
            if self.col_bound[r].is_finite() && !self.by_u.is_empty() {
                let first = self.by_u[0] as usize;
                s.heap.push(Entry(d + self.reduced(first, r, self.col_bound[r]), Item::Scan { from: r, next: 0 }));
            }
            s.relax(n_copies + r, d + self.v[r].max(0.0));
        } else {
            let k = r - n_cols;
            s.relax(k, d + self.u[self.copy_row[k] as usize].max(0.0));
            if !s.dummies {
                s.dummies = true;
                for j in 0..n_cols {
                    s.relax(n_copies + j, d);
                }
            }
        }
    }

    /// Relaxes every copy of giver `i` to `d` (they share their reduced costs); a spare copy
    /// leads only to the dummies, so once they are relaxed it is left out.
    fn relax_copies(&self, s: &mut Search, i: usize, d: f64) {
        for k in self.first_copy[i]..self.first_copy[i + 1] {
            if !(s.dummies && self.copy_col[k] == NONE) {
                s.relax(k, d);
            }
        }
    }
}

/// The state of one search.
struct Search {
    heap: BinaryHeap<Entry>,
    /// Tentative distance of each node searched, and whether it is settled.
    dist: Vec<f64>,
    done: Vec<bool>,
    /// The distance at which each node whose pairs outside the arcs are queued was settled.
    at: Vec<f64>,
    /// Whether the dummies (all reached at once from any receiver or copy dummy) are relaxed.
    dummies: bool,
}

impl Search {
    fn new(nodes: usize, sources: usize) -> Search {
        Search {
            heap: BinaryHeap::new(),
            dist: vec![f64::INFINITY; nodes],
            done: vec![false; nodes],
            at: vec![f64::NAN; sources],
            dummies: false,
        }
    }

    fn relax(&mut self, n: Node, d: f64) {
        if !self.done[n] && d < self.dist[n] {
            self.dist[n] = d;
            self.heap.push(Entry(d, Item::Node(n)));
        }
    }
}
