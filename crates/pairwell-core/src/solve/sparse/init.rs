//! The start for a square problem with unit capacities, which places most rows before any
//! shortest path search runs: an ε-scaling auction, or where it gives up the Jonker–Volgenant
//! column reduction, reduction transfer and two passes of augmenting row reduction (an auction
//! without scaling).
//!
//! It leaves a valid state for the searches: every pair tight, every arc of a placed row
//! with a non-negative reduced cost; rows left free are re-priced when their search starts.
//! Column potentials end with any sign, which only a perfect assignment allows.

use super::graph::Graph;
use super::search::{State, NONE};

/// Places rows of a square problem (rows × columns, every capacity 1, full assignment): by
/// the [`auction`] when it completes, else by the Jonker–Volgenant reductions.
pub(super) fn reduce(g: &Graph, st: &mut State) {
    if !auction(g, st) {
        reductions(g, st);
    }
}

/// Arcs a phase of the auction may scan, per arc and row of the graph, before it gives up.
const SCANS_PER_ARC: usize = 32;

/// An ε-scaling auction (Bertsekas; forward, Gauss–Seidel, one bid at a time, so the result
/// is deterministic) for a square problem, and the start it leaves for the exact searches.
///
/// Prices start at the columns' cheapest costs; each phase frees every row, and each free row
/// bids for its cheapest column (cost plus price), raising that price by its margin over the
/// second cheapest plus `ε` and evicting the holder, until every row holds a column. `ε`
/// falls eightfold per phase from `span / 64` to `span · 10⁻⁷`. The prices then give the
/// columns their potentials (`v = −price`); a row keeps its column only when that column is
/// still its cheapest (the pair is tight, every arc of the row non-negative), and the others
/// are left to the searches, which start from near-optimal potentials and stay short. The
/// searches make the result exact whatever the auction left.
///
/// Returns false, with the state untouched, when the auction gives up: a row without arcs,
/// costs all equal, or a phase over its budget of scanned arcs (no full matching, or prices
/// too large for `ε` to move).
fn auction(g: &Graph, st: &mut State) -> bool {
    let n = g.n[0];
    let (low, high) = g.cost.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &c| (l.min(c), h.max(c)));
    let span = high - low;
    if n < 2 || span <= 0.0 || (0..n).any(|i| g.degree(0, i) == 0) {
        return false;
    }
    let at_least = |x: f64| x.max(4.0 * f64::EPSILON * span);
    let last = at_least(span * 1e-7);
    let mut eps = at_least(span / 64.0);
    let mut price = vec![f64::INFINITY; n];
    for (k, &cost) in g.cost.iter().enumerate() {
        let j = g.nbr[0][k] as usize;
        price[j] = price[j].min(cost);
    }
    for p in &mut price {
        *p = -*p;
    }
    let mut owner = vec![NONE; n];
    let mut own = vec![NONE; n];
    let budget = SCANS_PER_ARC * (g.cost.len() + n);
    let mut free: Vec<u32> = Vec::with_capacity(n);
    loop {
        owner.fill(NONE);
        own.fill(NONE);
        free.extend((0..n as u32).rev());
        let mut scans = 0;
        while let Some(i) = free.pop() {
            let i = i as usize;
            scans += g.degree(0, i);
            if scans > budget {
                return false;
            }
            let (mut best, mut second, mut arc) = (f64::INFINITY, f64::INFINITY, NONE);
            for k in g.ptr[0][i]..g.ptr[0][i + 1] {
                let value = g.cost[k] + price[g.nbr[0][k] as usize];
                if value < second {
                    if value < best {
                        (second, best, arc) = (best, value, k as u32);
                    } else {
                        second = value;
                    }
                }
            }
            let j = g.nbr[0][arc as usize] as usize;
            // A row with one arc raises its price by the span: nobody else wants it more.
            let raise = if second.is_finite() { second - best } else { span };
            price[j] += raise + eps;
            let holder = owner[j];
            if holder != NONE {
                let other = g.end(0, holder as usize);
                own[other] = NONE;
                free.push(other as u32);
            }
            owner[j] = arc;
            own[i] = arc;
        }
        if eps <= last {
            break;
        }
        eps = at_least((eps / 8.0).max(last));
    }
    for (v, p) in st.pot[1].iter_mut().zip(&price) {
        *v = -p;
    }
    for (i, &mine) in own.iter().enumerate() {
        let mine = mine as usize;
        let reduced = |k: usize| g.cost[k] - st.pot[1][g.nbr[0][k] as usize];
        let least = (g.ptr[0][i]..g.ptr[0][i + 1]).map(reduced).fold(f64::INFINITY, f64::min);
        if reduced(mine) <= least {
            st.pot[0][i] = reduced(mine);
            place(g, st, mine);
        }
        st.excluded[0][i] = st.load[0][i] == 0;
    }
    true
}

/// Column reduction, reduction transfer and augmenting row reduction.
fn reductions(g: &Graph, st: &mut State) {
    let n = g.n[0];
    // Column reduction: each column's cheapest row, taken by that row if it has no other.
    let mut owner = vec![NONE; n];
    let mut best = vec![f64::INFINITY; n];
    for arc in 0..g.cost.len() {
        let j = g.nbr[0][arc] as usize;
        if g.cost[arc] < best[j] {
            best[j] = g.cost[arc];
            owner[j] = arc as u32;
        }
    }
    for j in (0..n).rev() {
        let arc = owner[j];
        if arc == NONE {
            continue;
        }
        st.pot[1][j] = best[j];
        let i = g.end(0, arc as usize);
        if st.load[0][i] == 0 {
            place(g, st, arc as usize);
        }
    }
    // Reduction transfer: a placed row's potential becomes its second-best reduced cost, and
    // its column gives up the difference.
    for i in 0..n {
        let own = st.mate[0][i];
        if own == NONE {
            continue;
        }
        let own = own as usize;
        let mut second = f64::INFINITY;
        for k in g.ptr[0][i]..g.ptr[0][i + 1] {
            if k != own {
                second = second.min(g.cost[k] - st.pot[1][g.nbr[0][k] as usize]);
            }
        }
        let j = g.nbr[0][own] as usize;
        if second.is_finite() {
            st.pot[1][j] = g.cost[own] - second;
        }
        st.pot[0][i] = g.cost[own] - st.pot[1][j];
    }
    // Augmenting row reduction: each free row bids for its best column at the price of the
    // second best, taking it from its holder, who bids next (at once if the price fell).
    let mut free: Vec<usize> = (0..n).filter(|&i| st.load[0][i] == 0 && g.degree(0, i) > 0).collect();
    // Rebids at once are bounded, so adversarial costs cannot make this phase run long.
    let mut budget = 4 * (g.cost.len() + n);
    for _ in 0..2 {
        let mut next = Vec::new();
        let mut k = 0;
        while k < free.len() {
            let i = free[k];
            k += 1;
            let (mut v0, mut v1, mut a0, mut a1) = (f64::INFINITY, f64::INFINITY, NONE, NONE);
            for t in g.ptr[0][i]..g.ptr[0][i + 1] {
                let h = g.cost[t] - st.pot[1][g.nbr[0][t] as usize];
                if h < v1 {
                    if h >= v0 {
                        (v1, a1) = (h, t as u32);
                    } else {
                        (v1, a1, v0, a0) = (v0, a0, h, t as u32);
                    }
                }
            }
            // The price of the best column falls to the second best's (a strict fall means
            // the evicted holder bids again at once); on a tie the row takes whichever of the
            // two is free, or evicts the second's holder; a row with one arc just takes it.
            let (arc, fell, u) = if a1 == NONE {
                (a0 as usize, false, v0)
            } else if v0 < v1 {
                st.pot[1][g.nbr[0][a0 as usize] as usize] -= v1 - v0;
                (a0 as usize, true, v1)
            } else if st.mate[1][g.nbr[0][a0 as usize] as usize] != NONE {
                (a1 as usize, false, v1)
            } else {
                (a0 as usize, false, v1)
            };
            let holder = st.mate[1][g.nbr[0][arc] as usize];
            if holder != NONE {
                let other = g.end(0, holder as usize);
                unplace(g, st, holder as usize);
                if fell && budget > 0 {
                    budget -= 1;
                    k -= 1;
                    free[k] = other;
                } else {
                    next.push(other);
                }
            }
            st.pot[0][i] = u;
            place(g, st, arc);
        }
        free = next;
    }
    for i in 0..n {
        st.excluded[0][i] = st.load[0][i] == 0;
    }
}

fn place(g: &Graph, st: &mut State, arc: usize) {
    let (i, j) = (g.end(0, arc), g.end(1, arc));
    st.flow[arc] = true;
    st.mate[0][i] = arc as u32;
    st.mate[1][j] = arc as u32;
    st.load[0][i] = 1;
    st.load[1][j] = 1;
}

fn unplace(g: &Graph, st: &mut State, arc: usize) {
    let (i, j) = (g.end(0, arc), g.end(1, arc));
    st.flow[arc] = false;
    st.mate[0][i] = NONE;
    st.mate[1][j] = NONE;
    st.load[0][i] = 0;
    st.load[1][j] = 0;
}
