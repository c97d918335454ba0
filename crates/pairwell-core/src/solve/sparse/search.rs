//! One shortest augmenting path search on the sparse graph (Dijkstra with a binary heap over
//! reduced costs), and the flip of the path it finds.
//!
//! The searching side `a` starts at node `a0`; the other side `b` holds the sinks (nodes below
//! their capacity, whose potential is zero). Every arc keeps `cost - pot[row] - pot[col] >= 0`
//! and every pair `= 0`. When the searching side is *bounded* (a node may stay below its
//! capacity with a potential `<= 0`, zero when below), the search may also end by leaving
//! `a0` where it is (cost `-pot[a0]`) or by letting a reached node `x` of side `a` drop the
//! pair it was reached through (cost `dist[x] - pot[x]`). Potentials then move by the usual
//! `dist* - dist` on every settled node, which keeps all of the above.
//!
//! In a graph built *cheapest first*, each node lists its arcs by their reduced cost against
//! the other end's potential when the graph was built (the arc's key). The other side's
//! potentials have risen by at most `State::rise` since, so an arc reduces to at least its key
//! less `pot[x]` and that rise: a settled node reads its arcs in order and stops at the first
//! one that cannot beat the best end found so far. On the engine's long candidate lists most
//! arcs of a node are never read. A node's pairs are visited before its list, so the stop never
//! skips them.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::graph::Graph;

/// No arc / no node.
pub(super) const NONE: u32 = u32::MAX;

/// The matching and the potentials, per side (0 rows, 1 columns).
#[derive(Clone, Debug)]
pub(super) struct State {
    /// Whether each arc is a pair.
    pub flow: Vec<bool>,
    /// Pairs at each node.
    pub load: [Vec<usize>; 2],
    /// Capacity of each node (columns 1; rows cut at columns + 1).
    pub cap: [Vec<usize>; 2],
    /// Dual potentials in the minimisation sense.
    pub pot: [Vec<f64>; 2],
    /// The pair arc of each node of capacity 1 (`NONE` when unmatched).
    pub mate: [Vec<u32>; 2],
    /// The pair arcs of each node of a larger capacity (empty for the others).
    pub held: [Vec<Vec<u32>>; 2],
    /// Nodes that sit out the searches (rows or columns waiting for their own search).
    pub excluded: [Vec<bool>; 2],
    /// The potentials when the graph was built (listed by reduced cost against them).
    pub built: [Vec<f64>; 2],
    /// How far any node's potential has risen above `built` since, per side: no arc reduces
    /// below its key less its own node's potential and the other side's rise.
    pub rise: [f64; 2],
}

impl State {
    pub(super) fn new(g: &Graph, row_caps: Vec<usize>) -> Self {
        let [n_rows, n_cols] = g.n;
        Self {
            flow: vec![false; g.cost.len()],
            load: [vec![0; n_rows], vec![0; n_cols]],
            cap: [row_caps, vec![1; n_cols]],
            pot: [vec![0.0; n_rows], vec![0.0; n_cols]],
            mate: [vec![NONE; n_rows], vec![NONE; n_cols]],
            held: [vec![Vec::new(); n_rows], vec![Vec::new(); n_cols]],
            excluded: [vec![false; n_rows], vec![false; n_cols]],
            built: [vec![0.0; n_rows], vec![0.0; n_cols]],
            rise: [0.0; 2],
        }
    }

    /// Sets the potential of `x` on `side`, keeping `rise`.
    pub(super) fn set_pot(&mut self, side: usize, x: usize, pot: f64) {
        self.pot[side][x] = pot;
        self.rise[side] = self.rise[side].max(pot - self.built[side][x]);
    }

    /// The graph was rebuilt by reduced cost against the current potentials.
    pub(super) fn rebuilt(&mut self) {
        self.built.clone_from(&self.pot);
        self.rise = [0.0; 2];
    }

    /// Recomputes `mate` from `flow` (after the arcs were renumbered).
    pub(super) fn remate(&mut self, g: &Graph) {
        for side in 0..2 {
            self.mate[side].fill(NONE);
            self.held[side].iter_mut().for_each(Vec::clear);
        }
        for arc in 0..self.flow.len() {
            if self.flow[arc] {
                self.mark(g, arc, true);
            }
        }
    }

    /// Sets the flow of `arc` and the mates of its ends. A node of capacity 1 loses its old
    /// pair before it gains the new one.
    fn mark(&mut self, g: &Graph, arc: usize, on: bool) {
        self.flow[arc] = on;
        for side in 0..2 {
            let node = g.end(side, arc);
            if self.cap[side][node] == 1 {
                self.mate[side][node] = if on { arc as u32 } else { NONE };
            } else if on {
                self.held[side][node].push(arc as u32);
            } else {
                self.held[side][node].retain(|&held| held as usize != arc);
            }
        }
    }

    /// Removes every pair of `node` on `side`.
    pub(super) fn unmatch(&mut self, g: &Graph, side: usize, node: usize) {
        for k in g.ptr[side][node]..g.ptr[side][node + 1] {
            let arc = g.arc_id(side, k);
            if self.flow[arc] {
                self.mark(g, arc, false);
                self.load[1 - side][g.end(1 - side, arc)] -= 1;
            }
        }
        self.load[side][node] = 0;
    }
}

/// What a search knows of one node: its distance and the arc it was reached through, valid
/// where `seen` is the search's epoch, and whether it is settled (`done`, the same way).
#[derive(Clone, Copy, Debug)]
struct Mark {
    dist: f64,
    /// Arc through which the node was last reached.
    pred: u32,
    seen: u32,
    done: u32,
}

impl Mark {
    /// A node no search has reached.
    const FRESH: Mark = Mark { dist: 0.0, pred: NONE, seen: 0, done: 0 };
}

/// Work arrays of the searches, reused from one search to the next (stamped, never cleared).
#[derive(Clone, Debug)]
pub(super) struct Scratch {
    /// Each node's search marks, per side, together so that reaching a node reads one place.
    mark: [Vec<Mark>; 2],
    epoch: u32,
    heap: BinaryHeap<Reverse<(u64, u64)>>,
    settled: Vec<u64>,
}

impl Scratch {
    pub(super) fn new(g: &Graph) -> Self {
        Self {
            mark: [vec![Mark::FRESH; g.n[0]], vec![Mark::FRESH; g.n[1]]],
            epoch: 0,
            heap: BinaryHeap::new(),
            settled: Vec::new(),
        }
    }

    fn next_epoch(&mut self) -> u32 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            for side in 0..2 {
                self.mark[side].fill(Mark::FRESH);
            }
            self.epoch = 1;
        }
        self.epoch
    }
}

/// How a search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    /// `a0` gained a pair.
    Placed,
    /// `a0` stays below its capacity (bounded side only); its potential is now zero.
    Stayed,
    /// No augmenting path: `a0` cannot gain a pair (saturating side only).
    Stuck,
}

#[derive(Clone, Copy)]
enum End {
    None,
    Stay,
    Sink(usize),
    Exit(usize),
}

/// Heap code of node `x` on `side`; distances are `>= +0.0`, so their bits order like them.
#[inline(always)]
fn code(side: usize, x: usize) -> u64 {
    ((side as u64) << 32) | x as u64
}

/// One search from `a0` on side `a` and the flip of the path it finds.
pub(super) fn search(g: &Graph, st: &mut State, sc: &mut Scratch, a: usize, a0: usize, bounded: bool) -> Outcome {
    let b = 1 - a;
    let prune = g.cheapest_first;
    let ep = sc.next_epoch();
    sc.heap.clear();
    sc.settled.clear();
    let (mut best_key, mut best) =
        if bounded { ((-st.pot[a][a0]).max(0.0), End::Stay) } else { (f64::INFINITY, End::None) };
    sc.mark[a][a0].dist = 0.0;
    sc.mark[a][a0].seen = ep;
    sc.heap.push(Reverse((0f64.to_bits(), code(a, a0))));
    while let Some(Reverse((key, c))) = sc.heap.pop() {
        let d = f64::from_bits(key);
        if d >= best_key {
            break;
        }
        let side = (c >> 32) as usize;
        let x = (c & u64::from(u32::MAX)) as usize;
        if sc.mark[side][x].done == ep {
            continue;
        }
        sc.mark[side][x].done = ep;
        sc.settled.push(c);
        if side == a {
            let ux = st.pot[a][x];
            let single = st.cap[a][x] == 1;
            let mate = st.mate[a][x];
            // The pairs of x first: a paired node of capacity 1 has no other way in or out, and
            // shares x's distance, which keeps the pair tight after the update.
            let pairs = if single { std::slice::from_ref(&mate) } else { &st.held[a][x][..] };
            for &arc in pairs.iter().filter(|&&arc| arc != NONE) {
                let y = g.end(b, arc as usize);
                if !st.excluded[b][y] && st.cap[b][y] == 1 && sc.mark[b][y].done != ep {
                    sc.mark[b][y].done = ep;
                    sc.mark[b][y].dist = d;
                    sc.settled.push(code(b, y));
                }
            }
            for k in g.ptr[a][x]..g.ptr[a][x + 1] {
                // No arc reduces below its key less `ux` and the other side's rise, and x lists
                // its arcs by key.
                if prune && g.key_at(a, k) - ux - st.rise[b] >= best_key - d {
                    break;
                }
                let arc = g.arc_id(a, k);
                let y = g.nbr[a][k] as usize;
                if st.excluded[b][y] || if single { arc as u32 == mate } else { st.flow[arc] } {
                    continue;
                }
                if sc.mark[b][y].done == ep {
                    continue;
                }
                let r = g.cost_at(a, k) - ux - st.pot[b][y];
                let nd = if r > 0.0 { d + r } else { d };
                if st.load[b][y] < st.cap[b][y] {
                    if nd < best_key {
                        best_key = nd;
                        best = End::Sink(arc);
                    }
                } else if sc.mark[b][y].seen != ep || nd < sc.mark[b][y].dist {
                    sc.mark[b][y].seen = ep;
                    sc.mark[b][y].dist = nd;
                    sc.mark[b][y].pred = arc as u32;
                    sc.heap.push(Reverse((nd.to_bits(), code(b, y))));
                }
            }
        } else {
            // x is full: go back along its pairs.
            let mut reach = |arc: usize, sc: &mut Scratch| {
                let y = g.end(a, arc);
                if sc.mark[a][y].done == ep || (sc.mark[a][y].seen == ep && sc.mark[a][y].dist <= d) {
                    return;
                }
                sc.mark[a][y].seen = ep;
                sc.mark[a][y].dist = d;
                sc.mark[a][y].pred = arc as u32;
                sc.heap.push(Reverse((key, code(a, y))));
                let exit = d - st.pot[a][y];
                if bounded && exit < best_key {
                    best_key = exit;
                    best = End::Exit(y);
                }
            };
            if st.cap[b][x] == 1 {
                let arc = st.mate[b][x];
                if arc != NONE {
                    reach(arc as usize, sc);
                }
            } else {
                for &arc in &st.held[b][x] {
                    reach(arc as usize, sc);
                }
            }
        }
    }
    let (mut x, mut incoming) = match best {
        End::None => return Outcome::Stuck,
        End::Stay => {
            update(st, sc, a, best_key);
            st.set_pot(a, a0, 0.0);
            return Outcome::Stayed;
        }
        End::Sink(arc) => {
            st.load[b][g.end(b, arc)] += 1;
            (g.end(a, arc), Some(arc))
        }
        End::Exit(y) => {
            st.load[a][y] -= 1;
            (y, None)
        }
    };
    update(st, sc, a, best_key);
    if let End::Exit(y) = best {
        st.set_pot(a, y, 0.0);
    }
    // Flip the path back to a0: each node of side a drops the pair it was reached through and
    // takes the arc the path enters it by.
    while x != a0 {
        let back = sc.mark[a][x].pred as usize;
        st.mark(g, back, false);
        if let Some(arc) = incoming {
            st.mark(g, arc, true);
        }
        let arc = sc.mark[b][g.end(b, back)].pred as usize;
        incoming = Some(arc);
        x = g.end(a, arc);
    }
    if let Some(arc) = incoming {
        st.mark(g, arc, true);
    }
    st.load[a][a0] += 1;
    Outcome::Placed
}

/// Moves the potentials of the settled nodes by `dist* - dist`.
fn update(st: &mut State, sc: &Scratch, a: usize, best: f64) {
    for &c in &sc.settled {
        let side = (c >> 32) as usize;
        let x = (c & u64::from(u32::MAX)) as usize;
        let gap = best - sc.mark[side][x].dist;
        if gap > 0.0 {
            if side == a {
                st.set_pot(side, x, st.pot[side][x] + gap);
            } else {
                st.pot[side][x] -= gap;
            }
        }
    }
}
