//! Every listed partner's regret from one shortest-path search per person.
//!
//! The regret of an open pair `(g, r)` is what [`crate::solve::Assignment::forced_loss_with`]
//! computes: in the optimum extended to a perfect matching (a copy of each giver per place,
//! a dummy partner for every copy and every receiver), it is the reduced cost
//! `u[g] + v[r] − score` of the pair plus the shortest alternating path, on non-negative
//! reduced costs, from the current partner of `r` to the current partner of a copy of `g`.
//! For one receiver and many givers the start is the same, so one Dijkstra search from it,
//! run until the goals of every listed giver are known, gives all of their paths; for one
//! giver and many receivers the goal is the same, so one search on the reversed arcs does.
//! Both are the same [`Search`], parametrised by its [`Way`]. Node distances are the same as
//! in the search per pair (the shortest path to the first goal of a giver never passes
//! through another goal of it), so each regret is exact.
//!
//! **Dummies.** Every receiver dummy leads to every copy dummy at no cost, so the dummies
//! are reached all at once, and on sample cohorts (highly degenerate optima: many pairs with
//! zero reduced cost) most of the graph lies at the same distance from them. The distance of
//! every node from the dummies (forward) and to them (backward) is computed once per result;
//! a search that reaches the dummies at `D` then expands no node settled at
//! `D + its distance from them` or later (it leads nowhere shorter than through the dummies)
//! and takes a goal's distance as `D + its distance from them` when it does not settle it
//! first. A search thus walks only the nodes nearer to the person than through the dummies.
//!
//! **Arcs.** After a sparse solve the searches walk the candidate arcs, and reach every other
//! open pair lazily: a pair outside the arcs scores at most the last score of the giver's
//! candidate list (and of the receiver's), so its reduced cost is at least
//! `u[g] + v[r] − bound`. Each expanded node queues the pairs outside its arcs in order of that
//! lower bound (receivers sorted by `v`, givers by `u`), and one is scored only when the search
//! reaches its bound, so the search scores few pairs beyond its arcs. The arcs include every
//! pair within [`NEAR`] of tight, so the distances from the dummies up to [`NEAR`] need no
//! pair outside them; past that they are unknown, and a goal that a search has not settled
//! by `D + NEAR` has its own distance from the dummies searched for (one search the other
//! way, from the goal until it reaches them). The partners a node scans are kept in lists by
//! their distance from the dummies, so a search stops scanning a list once its partners are
//! all nearer through the dummies. After a dense solve every open pair is an arc.
//!
//! The arcs also hold every person's candidate list (after a dense solve, every pair), so
//! [`Residual::best`] ranks a person's best partners, up to that many, without scoring.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::cancel::{Cancelled, Token};
use crate::candidates::Pairs;
use crate::matching::{MatchResult, Side};

use rayon::prelude::*;

/// No node.
const NONE: u32 = u32::MAX;

/// How many queue items a search takes between two looks at the cancellation token.
const CHECK_EVERY: usize = 1 << 14;

/// The matched partners whose distance from the dummies is known are in this many lists,
/// by that distance (see [`Residual::sorted`]).
const BANDS: usize = 8;

/// The list of the partners that are not matched (see [`Residual::sorted`]).
const FREE: usize = BANDS + 1;

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
    /// The giver of each copy, and the first copy of each giver (its copies are its places
    /// used, plus one spare when it has room: spare copies are interchangeable).
    copy_row: Vec<u32>,
    first_copy: Vec<usize>,
    /// The receiver of each copy and the copy of each receiver, `NONE` when unmatched.
    copy_col: Vec<u32>,
    col_copy: Vec<u32>,
    rows: Adjacency,
    cols: Adjacency,
    /// Upper bounds on the scores of open pairs outside the arcs, per giver and per receiver.
    row_bound: Vec<f64>,
    col_bound: Vec<f64>,
    /// Every open pair outside the arcs has a reduced cost above this (the arcs' completion,
    /// [`NEAR`], after a sparse solve; 0 after a dense one, whose arcs are every open pair).
    floor: f64,
    /// The partners of each way's expanded nodes (receivers forward, givers backward) by
    /// potential (`v`, `u`), ascending (ties by position), in lists: matched ones whose
    /// distance from the dummies is known, in [`BANDS`] lists of equal widths of it, then the
    /// other matched ones, then the others ([`FREE`], which lead only to the dummies: a search
    /// stops scanning them once it reaches the dummies).
    sorted: [Vec<Vec<u32>>; 2],
    /// For each way and list, the largest distance from the dummies of a partner in it: a
    /// pruned search stops scanning a list past the dummies' distance plus this.
    reach: [Vec<f64>; 2],
    /// For each way, the distance of every node it settles from the dummies, where it is
    /// below `known` (else infinite: unknown, at least `known`). Forward: from every copy
    /// dummy to each right node; backward: from each left node to any receiver dummy.
    from_dummies: [Vec<f64>; 2],
    /// Every place's best `listed` open pairs are among its arcs (after a sparse solve: the
    /// candidate lists; after a dense one, every open pair is an arc).
    listed: usize,
    /// Up to where `from_dummies` is known (`floor` after a sparse solve: no pair outside the
    /// arcs is that short; infinite after a dense one).
    known: f64,
}

/// A node of the extended matching. Right: receivers `0..n_cols`, then copy dummies. Left:
/// copies `0..n_copies`, then receiver dummies.
type Node = usize;

/// Which way a search walks the residual graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Way {
    /// Along the arcs, from a receiver's partner: settles right nodes and expands their mates,
    /// left nodes (a copy relaxes the receivers it may take, a receiver dummy its receiver).
    Forward = 0,
    /// Against the arcs, towards a giver's partners: settles left nodes and expands their
    /// mates, right nodes (a receiver relaxes the copies that may take it, a copy dummy its
    /// copy).
    Backward = 1,
}

/// What the search queues.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Item {
    /// A settled-side node reached at this distance.
    Node(Node),
    /// From the expanded node `from` (a copy forward, a receiver backward), the pairs outside
    /// its arcs, from position `next` of the sorted partners of `list` on.
    Scan { from: Node, next: usize, list: usize },
    /// From the expanded node `from`, the pair with partner `partner`, to be scored.
    Pair { from: Node, partner: usize },
    /// The distance of goal `goal` through the dummies, taken when the goal is not settled
    /// first (`sure`); or, where the goal's distance from the dummies is unknown, the point
    /// from which it is searched for on its own (not `sure`).
    Cap { goal: u32, sure: bool },
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
    /// Then one search each way gives the distances from the dummies.
    pub(crate) fn new(result: &MatchResult, view: &Pairs<'_>) -> Result<Residual, Cancelled> {
        Residual::with_near(result, view, NEAR)
    }

    /// [`new`](Self::new), with the arcs completed up to reduced cost `near`.
    fn with_near(result: &MatchResult, view: &Pairs<'_>, near: f64) -> Result<Residual, Cancelled> {
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
            let mut lists = vec![Vec::new(); FREE + 1];
            lists[0] = matched;
            lists[FREE] = free;
            lists
        };
        let sorted = [sorted(&v, &col_load), sorted(&u, &load)];
        let by_v = &sorted[Way::Forward as usize];
        let copies: Vec<usize> = (0..n_rows).map(|i| result.room[i].min(load[i] + 1)).collect();

        let mut arcs: Vec<(usize, u32, f64)>;
        let (row_bound, col_bound, floor) = if result.arcs.is_empty() {
            // A dense solve: every open pair of the problem is an arc.
            arcs = Vec::new();
            if let Some(t) = result.tables.get() {
                for ((i, j), &s) in t.problem.indexed_iter() {
                    if s.is_finite() && copies[i] > 0 {
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
            let found: Vec<Vec<(usize, u32, f64)>> = (0..n_rows)
                .into_par_iter()
                .map(|i| {
                    if token.is_cancelled() || copies[i] == 0 || !row_bound[i].is_finite() {
                        return Vec::new();
                    }
                    // Outside the arcs a pair scores at most the bound: only receivers with
                    // `v <= bound - u + near` can be near-tight.
                    let reach = sorted_v.partition_point(|&x| x <= row_bound[i] - u[i] + near);
                    let mut giver = None;
                    let mut found = Vec::new();
                    for &j in &every[..reach] {
                        let j = j as usize;
                        if u[i] + v[j] - col_bound[j] > near || rows.has(i, j) {
                            continue;
                        }
                        let row = giver.get_or_insert_with(|| view.scorer.row(view.givers[i]));
                        let pair = row.pair(view.receivers[j]);
                        if u[i] + v[j] - pair.score <= near && view.rule(i, j, &pair).is_none() {
                            found.push((i, j as u32, pair.score));
                        }
                    }
                    found
                })
                .collect();
            token.check()?;
            arcs.extend(found.into_iter().flatten());
            arcs.sort_by_key(|&(i, j, _)| (i, j));
            (row_bound, col_bound, near)
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
        let (known, listed) =
            if result.arcs.is_empty() { (f64::INFINITY, usize::MAX) } else { (near, result.settings.candidates) };
        let mut residual = Residual {
            u,
            v,
            copy_row,
            first_copy,
            copy_col,
            col_copy,
            rows,
            cols,
            row_bound,
            col_bound,
            floor,
            sorted,
            reach: [vec![f64::INFINITY; FREE + 1], vec![f64::INFINITY; FREE + 1]],
            from_dummies: [Vec::new(), Vec::new()],
            listed,
            known,
        };
        let (forward, backward) = rayon::join(
            || residual.dummy_distances(view, Way::Forward),
            || residual.dummy_distances(view, Way::Backward),
        );
        residual.from_dummies = [forward?, backward?];
        for way in [Way::Forward, Way::Backward] {
            let w = way as usize;
            let matched = std::mem::take(&mut residual.sorted[w][0]);
            let reach: Vec<f64> = matched.iter().map(|&b| residual.partner_reach(way, b as usize)).collect();
            let most = reach.iter().copied().filter(|r| r.is_finite()).fold(0.0, f64::max);
            residual.reach[w] = vec![f64::NEG_INFINITY; FREE + 1];
            for (b, r) in matched.into_iter().zip(reach) {
                // Equal bands of [0, most]; the unknown after them.
                let band = match r.is_finite() {
                    true if most > 0.0 => ((r / most * BANDS as f64) as usize).min(BANDS - 1),
                    true => 0,
                    false => BANDS,
                };
                residual.sorted[w][band].push(b);
                residual.reach[w][band] = residual.reach[w][band].max(r);
            }
        }
        Ok(residual)
    }

    /// The distance of every node `way` settles from the dummies, up to `known`: one search
    /// that starts with every dummy of the settled side at 0.
    fn dummy_distances(&self, view: &Pairs<'_>, way: Way) -> Result<Vec<f64>, Cancelled> {
        let mut s = Search::new(self, view, way, &[], 0, false);
        s.reach_dummies(0.0);
        s.run(self.known)?;
        Ok(s.dist.iter().zip(&s.done).map(|(&d, &done)| if done { d } else { f64::INFINITY }).collect())
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

    /// Whether [`best`](Self::best) gives every place's best `k` open pairs.
    pub(crate) fn lists(&self, k: usize) -> bool {
        k <= self.listed
    }

    /// The best `k` open pairs among the arcs of the place `at` on `side`: `(score, partner
    /// position)`, best first, ties by partner position.
    pub(crate) fn best(&self, side: Side, at: usize, k: usize) -> Vec<(f64, u32)> {
        let (partners, scores) = match side {
            Side::Giver => self.rows.of(at),
            Side::Receiver => self.cols.of(at),
        };
        let mut list: Vec<(f64, u32)> = scores.iter().copied().zip(partners.iter().copied()).collect();
        list.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        list.truncate(k);
        list
    }

    /// The shortest path, for each partner in `partners` (none of them matched to the
    /// person), between the person's mate and a mate of (a copy of) the partner: the
    /// person's place is `at` on `side`. A receiver's search runs forward from its mate to
    /// the givers' mates; a giver's runs backward from its copies' mates to the receivers'.
    pub(crate) fn paths(
        &self,
        view: &Pairs<'_>,
        side: Side,
        at: usize,
        partners: &[usize],
    ) -> Result<Vec<f64>, Cancelled> {
        self.search_paths(view, side, at, partners, true)
    }

    /// [`paths`](Self::paths), by a pruned search or a full one.
    fn search_paths(
        &self,
        view: &Pairs<'_>,
        side: Side,
        at: usize,
        partners: &[usize],
        prune: bool,
    ) -> Result<Vec<f64>, Cancelled> {
        let copies = |i: usize| self.first_copy[i]..self.first_copy[i + 1];
        let (way, starts, goals): (Way, Vec<Node>, Vec<(Node, u32)>) = match side {
            Side::Receiver => (
                Way::Forward,
                vec![self.mate_of_right(at)],
                partners
                    .iter()
                    .enumerate()
                    .flat_map(|(t, &i)| copies(i).map(move |k| (self.mate_of_left(k), t as u32)))
                    .collect(),
            ),
            Side::Giver => (
                Way::Backward,
                copies(at).map(|k| self.mate_of_left(k)).collect(),
                partners.iter().enumerate().map(|(t, &j)| (self.mate_of_right(j), t as u32)).collect(),
            ),
        };
        let mut s = Search::new(self, view, way, &goals, partners.len(), prune);
        for &start in &starts {
            s.expand(start, 0.0);
        }
        s.run(f64::INFINITY)?;
        Ok(s.found)
    }

    /// How many real nodes the settled side of `way` has (its dummies come after them).
    fn settled_real(&self, way: Way) -> usize {
        match way {
            Way::Forward => self.n_cols(),
            Way::Backward => self.n_copies(),
        }
    }

    /// How many real nodes the expanded side of `way` has (its dummies come after them).
    fn expanded_real(&self, way: Way) -> usize {
        match way {
            Way::Forward => self.n_copies(),
            Way::Backward => self.n_cols(),
        }
    }

    /// The expanded-side mate of settled node `x`.
    fn mate(&self, way: Way, x: Node) -> Node {
        match way {
            Way::Forward => self.mate_of_right(x),
            Way::Backward => self.mate_of_left(x),
        }
    }

    /// Whether the real settled node `x` is matched to a dummy (a receiver without a giver,
    /// a spare copy): it leads only to the dummies.
    fn lone(&self, way: Way, x: Node) -> bool {
        match way {
            Way::Forward => x < self.n_cols() && self.col_copy[x] == NONE,
            Way::Backward => x < self.n_copies() && self.copy_col[x] == NONE,
        }
    }

    /// The potential of a real node: a copy's (`left`) giver's `u`, a receiver's `v`.
    fn potential(&self, left: bool, x: Node) -> f64 {
        if left {
            self.u[self.copy_row[x] as usize]
        } else {
            self.v[x]
        }
    }

    /// The giver (forward) or receiver (backward) of the real expanded node `f`.
    fn own(&self, way: Way, f: Node) -> usize {
        match way {
            Way::Forward => self.copy_row[f] as usize,
            Way::Backward => f,
        }
    }

    /// The settled nodes of partner `b` of an expanded node: a receiver forward, every copy
    /// of a giver backward (they share their arcs).
    fn partner_nodes(&self, way: Way, b: usize) -> std::ops::Range<Node> {
        match way {
            Way::Forward => b..b + 1,
            Way::Backward => self.first_copy[b]..self.first_copy[b + 1],
        }
    }

    /// The arcs of the expanded side's givers (forward) or receivers (backward), their bounds
    /// and the partners' bounds, and the partners sorted by potential.
    fn sides(&self, way: Way) -> (&Adjacency, &[f64], &[f64], &[Vec<u32>]) {
        let sorted = &self.sorted[way as usize];
        match way {
            Way::Forward => (&self.rows, &self.row_bound, &self.col_bound, sorted),
            Way::Backward => (&self.cols, &self.col_bound, &self.row_bound, sorted),
        }
    }

    /// The largest distance from the dummies of a node of partner `b` that does not lead
    /// only to them (`-inf` when none: the partner is of no use once the dummies are reached).
    fn partner_reach(&self, way: Way, b: usize) -> f64 {
        let from = &self.from_dummies[way as usize];
        self.partner_nodes(way, b).filter(|&x| !self.lone(way, x)).map(|x| from[x]).fold(f64::NEG_INFINITY, f64::max)
    }

    /// The distance of settled-side node `x` of `way` from the dummies (forward: from every
    /// copy dummy to `x`; backward: from `x` to any receiver dummy), searched for on its own:
    /// one search the other way from `x`, until it reaches the dummies.
    fn to_dummies(&self, view: &Pairs<'_>, way: Way, x: Node) -> Result<f64, Cancelled> {
        let opposite = match way {
            Way::Forward => Way::Backward,
            Way::Backward => Way::Forward,
        };
        let mut s = Search::new(self, view, opposite, &[], 0, false);
        s.until_dummies = true;
        s.expand(x, 0.0);
        s.run(f64::INFINITY)?;
        Ok(s.dummies.unwrap_or(f64::INFINITY))
    }
}

/// Giver and receiver of the pair of `own` (of an expanded node) with partner `b`.
fn pair(way: Way, own: usize, b: usize) -> (usize, usize) {
    match way {
        Way::Forward => (own, b),
        Way::Backward => (b, own),
    }
}

/// One Dijkstra search on the reduced costs of the residual graph, in one way.
///
/// The dummies are all reached together: every receiver dummy leads to every copy dummy at
/// no cost. Once a search reaches them, at distance `D`, every node `x` is at most
/// `D + from_dummies[x]` away, and a node settled that far leads nowhere shorter than
/// through the dummies, so a pruned search expands no such node (nor scores a pair that
/// leads only to such nodes), and takes a goal's distance through the dummies when it does
/// not settle it first. A goal whose distance from the dummies is unknown (at least `known`)
/// and that is not settled before `D + known` has that distance searched for on its own.
struct Search<'r, 'v> {
    res: &'r Residual,
    view: &'r Pairs<'v>,
    way: Way,
    prune: bool,
    heap: BinaryHeap<Entry>,
    /// Tentative distance of each settled-side node, and whether it is settled.
    dist: Vec<f64>,
    done: Vec<bool>,
    /// Whether each expanded-side node is expanded, and at which distance.
    expanded: Vec<bool>,
    at: Vec<f64>,
    /// The distance at which the dummies were reached, and whether the search stops there.
    dummies: Option<f64>,
    until_dummies: bool,
    /// The goals: `(settled-side node, goal)`, a goal per node, and each goal's distance
    /// (`NaN` while unknown), with how many are unknown.
    goals: &'r [(Node, u32)],
    goal: Vec<u32>,
    found: Vec<f64>,
    unknown: usize,
    /// Items taken from the queue so far.
    pops: usize,
}

impl<'r, 'v> Search<'r, 'v> {
    /// A search for `count` goals, reached at the settled-side nodes of `goals`.
    fn new(
        res: &'r Residual,
        view: &'r Pairs<'v>,
        way: Way,
        goals: &'r [(Node, u32)],
        count: usize,
        prune: bool,
    ) -> Self {
        let nodes = res.n_cols() + res.n_copies();
        let mut goal = vec![NONE; nodes];
        for &(x, t) in goals {
            goal[x] = t;
        }
        Search {
            res,
            view,
            way,
            prune,
            heap: BinaryHeap::new(),
            dist: vec![f64::INFINITY; nodes],
            done: vec![false; nodes],
            expanded: vec![false; nodes],
            at: vec![f64::NAN; nodes],
            dummies: None,
            until_dummies: false,
            goals,
            goal,
            found: vec![f64::NAN; count],
            unknown: count,
            pops: 0,
        }
    }

    /// Runs until every goal is known, the queue reaches `limit`, or (`until_dummies`) the
    /// dummies are reached.
    fn run(&mut self, limit: f64) -> Result<(), Cancelled> {
        let token = Token::current();
        let (res, way) = (self.res, self.way);
        let (arcs, _, partner_bound, sorted) = res.sides(way);
        while !(self.until_dummies && self.dummies.is_some()) {
            let Some(Entry(key, item)) = self.heap.pop() else { break };
            self.pops += 1;
            if self.pops % CHECK_EVERY == 0 {
                token.check()?;
            }
            if key >= limit {
                break;
            }
            match item {
                Item::Node(x) => {
                    if self.done[x] || key > self.dist[x] {
                        continue;
                    }
                    self.done[x] = true;
                    // A goal's first node settled is its distance (a giver's copies share one).
                    if self.goal[x] != NONE && self.resolve(self.goal[x], key) {
                        break;
                    }
                    if !self.beyond_dummies(x, key) {
                        self.expand(res.mate(way, x), key);
                    }
                }
                Item::Cap { goal, sure: true } => {
                    if self.resolve(goal, key) {
                        break;
                    }
                }
                Item::Cap { goal, sure: false } => {
                    // Past what is known of the goal's distance from the dummies: find it.
                    if self.found[goal as usize].is_nan() {
                        let from = &res.from_dummies[way as usize];
                        let mut best = f64::INFINITY;
                        for &(x, t) in self.goals {
                            if t == goal {
                                let d = if from[x].is_finite() { from[x] } else { res.to_dummies(self.view, way, x)? };
                                best = best.min(d);
                            }
                        }
                        if let Some(at) = self.dummies.filter(|_| best.is_finite()) {
                            self.heap.push(Entry(at + best, Item::Cap { goal, sure: true }));
                        }
                    }
                }
                Item::Scan { from, next, list } => {
                    if self.scan_ends(list, key) {
                        continue;
                    }
                    self.queue_scan(from, next + 1, list);
                    let own = res.own(way, from);
                    let b = sorted[list][next] as usize;
                    if partner_bound[b].is_finite() && !arcs.has(own, b) && self.partner_open(b) {
                        let (i, j) = pair(way, own, b);
                        let tighter = (self.at[from] + res.outside(i, j, partner_bound[b])).max(key);
                        if !self.pruned(tighter, |r| r.partner_reach(way, b)) {
                            self.heap.push(Entry(tighter, Item::Pair { from, partner: b }));
                        }
                    }
                }
                Item::Pair { from, partner: b } => {
                    let (i, j) = pair(way, res.own(way, from), b);
                    let (score, rule) = self.view.pair(i, j);
                    if rule.is_none() {
                        self.relax_partner(b, self.at[from] + res.reduced(i, j, score.score));
                    }
                }
            }
        }
        Ok(())
    }

    /// Whether a scan of partner list `list` at `key` can stop: the others once the dummies
    /// are reached, a list whose partners are all nearer through the dummies in a pruned search.
    fn scan_ends(&self, list: usize, key: f64) -> bool {
        let way = self.way as usize;
        self.dummies.is_some() && (list == FREE || self.pruned(key, |r| r.reach[way][list]))
    }

    /// Whether a pruned search reaches, at `d`, a node at `reach` from the dummies no sooner
    /// than through them.
    fn pruned(&self, d: f64, reach: impl FnOnce(&Residual) -> f64) -> bool {
        self.prune && self.dummies.is_some_and(|at| d >= at + reach(self.res))
    }

    /// Records goal `t` at distance `d` if unknown; whether every goal is now known.
    fn resolve(&mut self, t: u32, d: f64) -> bool {
        let found = &mut self.found[t as usize];
        if found.is_nan() {
            *found = d;
            self.unknown -= 1;
        }
        self.unknown == 0
    }

    /// Whether a pruned search reaches settled node `x` at `d` no sooner than through the
    /// dummies.
    fn beyond_dummies(&self, x: Node, d: f64) -> bool {
        let way = self.way as usize;
        self.pruned(d, |r| r.from_dummies[way][x])
    }

    /// Expands node `f` of the expanded side (the mate of a node settled at `d`), once.
    fn expand(&mut self, f: Node, d: f64) {
        if std::mem::replace(&mut self.expanded[f], true) {
            return;
        }
        let (res, way) = (self.res, self.way);
        let (real_settled, real_expanded) = (res.settled_real(way), res.expanded_real(way));
        if f < real_expanded {
            self.at[f] = d;
            let own = res.own(way, f);
            let (arcs, own_bound, _, _) = res.sides(way);
            let (partners, scores) = arcs.of(own);
            for (&b, &score) in partners.iter().zip(scores) {
                let (i, j) = pair(way, own, b as usize);
                self.relax_partner(b as usize, d + res.reduced(i, j, score));
            }
            if own_bound[own].is_finite() {
                for list in 0..=FREE {
                    self.queue_scan(f, 0, list);
                }
            }
            // Its own dummy: the copy left without a receiver, the receiver without a giver.
            self.relax(real_settled + f, d + res.potential(way == Way::Forward, f).max(0.0));
        } else {
            let x = f - real_expanded;
            self.relax(x, d + res.potential(way == Way::Backward, x).max(0.0));
            self.reach_dummies(d);
        }
    }

    /// Queues the pairs outside the arcs of expanded node `f` from position `next` of the
    /// sorted partners of `list` on, by their lower bound.
    fn queue_scan(&mut self, f: Node, next: usize, list: usize) {
        let (res, way) = (self.res, self.way);
        let (_, own_bound, _, sorted) = res.sides(way);
        let own = res.own(way, f);
        if let Some(&b) = sorted[list].get(next) {
            let (i, j) = pair(way, own, b as usize);
            let bound = self.at[f] + res.outside(i, j, own_bound[own]);
            if !self.scan_ends(list, bound) {
                self.heap.push(Entry(bound, Item::Scan { from: f, next, list }));
            }
        }
    }

    /// The dummies, reached at `d`: a full search relaxes every dummy of the settled side, a
    /// pruned one queues each goal's distance through them instead.
    fn reach_dummies(&mut self, d: f64) {
        if self.dummies.is_some() {
            return;
        }
        self.dummies = Some(d);
        let (res, way) = (self.res, self.way);
        if self.prune {
            let from = &res.from_dummies[way as usize];
            let mut best = vec![f64::INFINITY; self.found.len()];
            for &(x, t) in self.goals {
                best[t as usize] = best[t as usize].min(from[x]);
            }
            for (t, best) in best.into_iter().enumerate() {
                if self.found[t].is_nan() {
                    let (key, sure) = if best.is_finite() { (best, true) } else { (res.known, false) };
                    self.heap.push(Entry(d + key, Item::Cap { goal: t as u32, sure }));
                }
            }
        } else {
            for x in res.settled_real(way)..self.dist.len() {
                self.relax(x, d);
            }
        }
    }

    /// Whether some node of partner `b` may still be settled.
    fn partner_open(&self, b: usize) -> bool {
        self.res.partner_nodes(self.way, b).any(|x| !self.done[x] && !self.dead_end(x))
    }

    /// Relaxes the nodes of partner `b` to `d`, but for dead ends.
    fn relax_partner(&mut self, b: usize, d: f64) {
        for x in self.res.partner_nodes(self.way, b) {
            if !self.dead_end(x) {
                self.relax(x, d);
            }
        }
    }

    /// Whether settled-side node `x` leads only to the dummies, already reached.
    fn dead_end(&self, x: Node) -> bool {
        self.dummies.is_some() && self.res.lone(self.way, x)
    }

    fn relax(&mut self, x: Node, d: f64) {
        if !self.done[x] && d < self.dist[x] && !self.beyond_dummies(x, d) {
            self.dist[x] = d;
            self.heap.push(Entry(d, Item::Node(x)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::match_people;
    use crate::program::{Config, Program, Solver};
    use crate::sample::sample_cohort;

    /// Pruned searches equal full Dijkstra searches, from every receiver and to every giver with
    /// room, to every partner not matched to them, after a dense solve and after sparse ones
    /// whose arcs are completed to several reduced costs (0: no distance from the dummies is
    /// known, so every goal past them is searched for on its own).
    #[test]
    fn pruned_searches_equal_full_searches() {
        for program in Program::ALL {
            for (solver, candidates, near) in [
                (Solver::Dense, None, NEAR),
                (Solver::Sparse, Some(1), 0.0),
                (Solver::Sparse, Some(1), 0.01),
                (Solver::Sparse, Some(3), NEAR),
            ] {
                let config = Config { solver: Some(solver), candidates, ..Config::default() };
                let result = match_people(sample_cohort(100, 2).unwrap(), program, &config).unwrap();
                let view = result.pair_view();
                let residual = Residual::with_near(&result, &view, near).unwrap();
                let mate: Vec<(usize, usize)> = result.solution.pairs();
                let copies = |i: usize| residual.first_copy[i + 1] > residual.first_copy[i];
                let places = [
                    (Side::Receiver, result.receivers.len(), result.givers.len()),
                    (Side::Giver, result.givers.len(), result.receivers.len()),
                ];
                for (side, people, others) in places {
                    for at in 0..people {
                        if side == Side::Giver && !copies(at) {
                            continue;
                        }
                        let partners: Vec<usize> = (0..others)
                            .filter(|&b| {
                                let pair = if side == Side::Giver { (at, b) } else { (b, at) };
                                (side == Side::Giver || copies(b)) && !mate.contains(&pair)
                            })
                            .collect();
                        let pruned = residual.search_paths(&view, side, at, &partners, true).unwrap();
                        let full = residual.search_paths(&view, side, at, &partners, false).unwrap();
                        for (b, (p, f)) in partners.iter().zip(pruned.iter().zip(&full)) {
                            assert!(
                                (p - f).abs() < 1e-12,
                                "{program:?} {solver:?} {near} {side:?} {at} {b}: {p} vs {f}"
                            );
                        }
                    }
                }
            }
        }
    }
}
