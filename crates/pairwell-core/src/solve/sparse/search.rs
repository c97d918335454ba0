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
//! When the other side is *signed* (its nodes may stay below capacity, so their potentials are
//! `<= 0`), an arc reduces to at least `cost - pot[x]`. A settled node reads its arcs cheapest
//! first and stops at the first one that cannot beat the best end found so far: on the engine's
//! long candidate lists most arcs of a node are never read.

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
        }
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

/// Work arrays of the searches, reused from one search to the next (stamped, never cleared).
#[derive(Clone, Debug)]
pub(super) struct Scratch {
    dist: [Vec<f64>; 2],
    /// Arc through which each node was last reached.
    pred: [Vec<u32>; 2],
    seen: [Vec<u32>; 2],
    done: [Vec<u32>; 2],
    epoch: u32,
    heap: BinaryHeap<Reverse<(u64, u64)>>,
    settled: Vec<u64>,
}

impl Scratch {
    pub(super) fn new(g: &Graph) -> Self {
        let two = |x: f64| [vec![x; g.n[0]], vec![x; g.n[1]]];
        let stamp = || [vec![0u32; g.n[0]], vec![0u32; g.n[1]]];
        Self {
            dist: two(0.0),
            pred: [vec![NONE; g.n[0]], vec![NONE; g.n[1]]],
            seen: stamp(),
            done: stamp(),
            epoch: 0,
            heap: BinaryHeap::new(),
            settled: Vec::new(),
        }
    }

    fn next_epoch(&mut self) -> u32 {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            for side in 0..2 {
                self.seen[side].fill(0);
                self.done[side].fill(0);
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
pub(super) fn search(
    g: &Graph,
    st: &mut State,
    sc: &mut Scratch,
    a: usize,
    a0: usize,
    bounded: bool,
    signed: bool,
) -> Outcome {
    let b = 1 - a;
    let prune = signed && g.cheapest_first;
    let ep = sc.next_epoch();
    sc.heap.clear();
    sc.settled.clear();
    let (mut best_key, mut best) =
        if bounded { ((-st.pot[a][a0]).max(0.0), End::Stay) } else { (f64::INFINITY, End::None) };
    sc.dist[a][a0] = 0.0;
    sc.seen[a][a0] = ep;
    sc.heap.push(Reverse((0f64.to_bits(), code(a, a0))));
    while let Some(Reverse((key, c))) = sc.heap.pop() {
        let d = f64::from_bits(key);
        if d >= best_key {
            break;
        }
        let side = (c >> 32) as usize;
        let x = (c & u64::from(u32::MAX)) as usize;
        if sc.done[side][x] == ep {
            continue;
        }
        sc.done[side][x] = ep;
        sc.settled.push(c);
        if side == a {
            let ux = st.pot[a][x];
            let single = st.cap[a][x] == 1;
            let mate = st.mate[a][x] as usize;
            for k in g.ptr[a][x]..g.ptr[a][x + 1] {
                let arc = g.arc_id(a, k);
                // With the other side's potentials at most 0, no arc reduces below `cost - ux`,
                // and x lists its arcs cheapest first (its pairs, at `cost - ux <= 0`, come
                // before any that could stop it here).
                if prune && g.cost[arc] - ux >= best_key - d {
                    break;
                }
                let y = g.nbr[a][k] as usize;
                if st.excluded[b][y] {
                    continue;
                }
                if if single { arc == mate } else { st.flow[arc] } {
                    // A pair of x: its column has no other way in or out, and shares x's
                    // distance, which keeps the pair tight after the update.
                    if st.cap[b][y] == 1 && sc.done[b][y] != ep {
                        sc.done[b][y] = ep;
                        sc.dist[b][y] = d;
                        sc.settled.push(code(b, y));
                    }
                    continue;
                }
                if sc.done[b][y] == ep {
                    continue;
                }
                let r = g.cost[arc] - ux - st.pot[b][y];
                let nd = if r > 0.0 { d + r } else { d };
                if st.load[b][y] < st.cap[b][y] {
                    if nd < best_key {
                        best_key = nd;
                        best = End::Sink(arc);
                    }
                } else if sc.seen[b][y] != ep || nd < sc.dist[b][y] {
                    sc.seen[b][y] = ep;
                    sc.dist[b][y] = nd;
                    sc.pred[b][y] = arc as u32;
                    sc.heap.push(Reverse((nd.to_bits(), code(b, y))));
                }
            }
        } else {
            // x is full: go back along its pairs.
            let mut reach = |arc: usize, sc: &mut Scratch| {
                let y = g.end(a, arc);
                if sc.done[a][y] == ep || (sc.seen[a][y] == ep && sc.dist[a][y] <= d) {
                    return;
                }
                sc.seen[a][y] = ep;
                sc.dist[a][y] = d;
                sc.pred[a][y] = arc as u32;
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
            st.pot[a][a0] = 0.0;
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
        st.pot[a][y] = 0.0;
    }
    // Flip the path back to a0: each node of side a drops the pair it was reached through and
    // takes the arc the path enters it by.
    while x != a0 {
        let back = sc.pred[a][x] as usize;
        st.mark(g, back, false);
        if let Some(arc) = incoming {
            st.mark(g, arc, true);
        }
        let arc = sc.pred[b][g.end(b, back)] as usize;
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
        let gap = best - sc.dist[side][x];
        if gap > 0.0 {
            if side == a {
                st.pot[side][x] += gap;
            } else {
                st.pot[side][x] -= gap;
            }
        }
    }
}
