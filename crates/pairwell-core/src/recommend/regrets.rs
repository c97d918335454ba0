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

use crate::cancel::{Cancelled, Token};
use crate::candidates::Pairs;
use crate::matching::MatchResult;

use rayon::prelude::*;

/// No node.
const NONE: u32 = u32::MAX;

/// How many queue items a search takes between two looks at the cancellation token.
const CHECK_EVERY: usize = 1 << 14;

/// Pairs whose reduced cost is at most this join the arcs (scores are in `[0, 1]`): searches
/// whose paths stay shorter never score a pair.
const NEAR: f64 = 0.06;

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
    /// Every open pair outside the arcs has a reduced cost above this ([`NEAR`] after a sparse
    /// solve, 0 after a dense one, whose arcs are every open pair).
    floor: f64,
    /// Receivers by `v` and givers by `u`, ascending (ties by position), matched ones
    /// (`[0]`) apart from the others (`[1]`): those lead only to the dummies, so a search
    /// stops scanning them once the dummies are relaxed.
    by_v: [Vec<u32>; 2],
    by_u: [Vec<u32>; 2],
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
    /// its arcs, from position `next` of the sorted partners on: of those matched in the
    /// optimum (`free` false), or of the others.
    Scan { from: Node, next: usize, free: bool },
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
    /// After a sparse solve, the arcs are completed with every open pair whose reduced cost
    /// is at most [`NEAR`]: one parallel pass, scoring only the pairs whose bounds allow it.
    pub(crate) fn new(result: &MatchResult, view: &Pairs<'_>) -> Result<Residual, Cancelled> {
        let (n_rows, n_cols) = (result.givers.len(), result.receivers.len());
        let a = &result.solution;
        let (u, v) = (a.row_duals.clone(), a.col_duals.clone());
        let mut load = vec![0usize; n_rows];
        for &i in &a.rows {
            load[i] += 1;
        }
        let mut col_load = vec![0usize; n_cols];
        for &j in &a.cols {
            col_load[j] += 1;
        }
        let sorted = |x: &[f64], load: &[usize]| {
            let mut order: Vec<u32> = (0..x.len() as u32).collect();
            order.sort_by(|&p, &q| x[p as usize].total_cmp(&x[q as usize]).then(p.cmp(&q)));
            let (matched, free) = order.into_iter().partition(|&p| load[p as usize] > 0);
            [matched, free]
        };
        let (by_v, by_u) = (sorted(&v, &col_load), sorted(&u, &load));
        let copies: Vec<usize> = (0..n_rows).map(|i| result.room[i].min(load[i] + 1)).collect();

        let mut arcs: Vec<(usize, u32, f64)>;
        let (row_bound, col_bound, floor) = if result.arcs.is_empty() {
            // A dense solve: every open pair of the problem is an arc.
            arcs = Vec::new();
            if let Some(t) = result.tables.get() {
                for ((i, j), &s) in t.problem.indexed_iter() {
                    if s.is_finite() {
                        arcs.push((i, j as u32, s));
                    }
                }
            }
            (vec![f64::NEG_INFINITY; n_rows], vec![f64::NEG_INFINITY; n_cols], 0.0)
        } else {
            arcs = result.arcs.iter().map(|&(g, r, s)| (g as usize, r, s)).collect();
            let rows = Adjacency::new(n_rows, arcs.iter().copied());
            let mut by_col: Vec<(usize, u32, f64)> = arcs.iter().map(|&(i, j, s)| (j as usize, i as u32, s)).collect();
            by_col.sort_by_key(|&(j, i, _)| (j, i));
            let cols = Adjacency::new(n_cols, by_col.into_iter());
            let k = result.settings.candidates;
            let people = result.cohort.people();
            let row_bound: Vec<f64> =
                (0..n_rows).map(|i| rows.bound(i, k + (people[result.givers[i]].capacity as usize).min(k))).collect();
            let col_bound: Vec<f64> = (0..n_cols).map(|j| cols.bound(j, k)).collect();
            let mut every: Vec<u32> = by_v.concat();
            every.sort_by(|&p, &q| v[p as usize].total_cmp(&v[q as usize]).then(p.cmp(&q)));
            let sorted_v: Vec<f64> = every.iter().map(|&j| v[j as usize]).collect();
            let token = Token::current();
            let near: Vec<Vec<(usize, u32, f64)>> = (0..n_rows)
                .into_par_iter()
                .map(|i| {
                    if token.is_cancelled() || copies[i] == 0 || !row_bound[i].is_finite() {
                        return Vec::new();
                    }
                    // Outside the arcs a pair scores at most the bound: only receivers with
                    // `v <= bound - u + NEAR` can be near-tight.
                    let reach = sorted_v.partition_point(|&x| x <= row_bound[i] - u[i] + NEAR);
                    let mut giver = None;
                    let mut found = Vec::new();
                    for &j in &every[..reach] {
                        let j = j as usize;
                        if u[i] + v[j] - col_bound[j] > NEAR || rows.has(i, j) {
                            continue;
                        }
                        let row = giver.get_or_insert_with(|| view.scorer.row(view.givers[i]));
                        let pair = row.pair(view.receivers[j]);
                        if u[i] + v[j] - pair.score <= NEAR && view.rule(i, j, &pair).is_none() {
                            found.push((i, j as u32, pair.score));
                        }
                    }
                    found
                })
                .collect();
            token.check()?;
            arcs.extend(near.into_iter().flatten());
            arcs.sort_by_key(|&(i, j, _)| (i, j));
            (row_bound, col_bound, NEAR)
        };
        let rows = Adjacency::new(n_rows, arcs.iter().copied());
        arcs.sort_by_key(|&(i, j, _)| (j, i));
        let cols = Adjacency::new(n_cols, arcs.iter().map(|&(i, j, s)| (j as usize, i as u32, s)));

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
            floor,
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

    /// A lower bound on the reduced cost of giver `i` → receiver `j`, a pair outside the arcs
    /// that scores at most `bound`.
    fn outside(&self, i: usize, j: usize, bound: f64) -> f64 {
        self.reduced(i, j, bound).max(self.floor)
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
    pub(crate) fn paths_from_receiver(
        &self,
        view: &Pairs<'_>,
        col: usize,
        rows: &[usize],
    ) -> Result<Vec<f64>, Cancelled> {
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
        let token = Token::current();
        while let Some(Entry(key, item)) = s.pop(&token)? {
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
                Item::Scan { from, next, free } => {
                    let list = &self.by_v[usize::from(free)];
                    if free && s.dummies {
                        continue;
                    }
                    let i = self.copy_row[from] as usize;
                    let d = s.at[from];
                    if let Some(&after) = list.get(next + 1) {
                        let bound = d + self.outside(i, after as usize, self.row_bound[i]);
                        s.heap.push(Entry(bound, Item::Scan { from, next: next + 1, free }));
                    }
                    let j = list[next] as usize;
                    if !s.done[j] && !self.dead_end_col(&s, j) && self.col_bound[j].is_finite() && !self.rows.has(i, j)
                    {
                        let tighter = d + self.outside(i, j, self.col_bound[j]);
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
        Ok(found)
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
            if self.row_bound[i].is_finite() {
                for (free, list) in [(false, &self.by_v[0]), (true, &self.by_v[1])] {
                    if let Some(&first) = list.first().filter(|_| !(free && s.dummies)) {
                        let bound = d + self.outside(i, first as usize, self.row_bound[i]);
                        s.heap.push(Entry(bound, Item::Scan { from: l, next: 0, free }));
                    }
                }
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
    pub(crate) fn paths_to_giver(&self, view: &Pairs<'_>, row: usize, cols: &[usize]) -> Result<Vec<f64>, Cancelled> {
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
        let token = Token::current();
        while let Some(Entry(key, item)) = s.pop(&token)? {
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
                Item::Scan { from: j, next, free } => {
                    let list = &self.by_u[usize::from(free)];
                    if free && s.dummies {
                        continue;
                    }
                    let d = s.at[j];
                    if let Some(&after) = list.get(next + 1) {
                        let bound = d + self.outside(after as usize, j, self.col_bound[j]);
                        s.heap.push(Entry(bound, Item::Scan { from: j, next: next + 1, free }));
                    }
                    let i = list[next] as usize;
                    if self.copies[i] > 0 && self.row_bound[i].is_finite() && !self.cols.has(j, i) {
                        let tighter = d + self.outside(i, j, self.row_bound[i]);
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
        Ok(found)
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
            if self.col_bound[r].is_finite() {
                for (free, list) in [(false, &self.by_u[0]), (true, &self.by_u[1])] {
                    if let Some(&first) = list.first().filter(|_| !(free && s.dummies)) {
                        let bound = d + self.outside(first as usize, r, self.col_bound[r]);
                        s.heap.push(Entry(bound, Item::Scan { from: r, next: 0, free }));
                    }
                }
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
    /// Items taken from the queue so far.
    pops: usize,
}

impl Search {
    fn new(nodes: usize, sources: usize) -> Search {
        Search {
            heap: BinaryHeap::new(),
            dist: vec![f64::INFINITY; nodes],
            done: vec![false; nodes],
            at: vec![f64::NAN; sources],
            dummies: false,
            pops: 0,
        }
    }

    /// The next queued item, checking `token` (the caller's cancellation) every
    /// [`CHECK_EVERY`] items.
    fn pop(&mut self, token: &Token) -> Result<Option<Entry>, Cancelled> {
        let entry = self.heap.pop();
        self.pops += 1;
        if self.pops % CHECK_EVERY == 0 {
            token.check()?;
        }
        Ok(entry)
    }

    fn relax(&mut self, n: Node, d: f64) {
        if !self.done[n] && d < self.dist[n] {
            self.dist[n] = d;
            self.heap.push(Entry(d, Item::Node(n)));
        }
    }
}
