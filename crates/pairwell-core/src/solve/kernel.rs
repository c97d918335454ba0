//! The shortest-augmenting-path kernel (Jonker–Volgenant style).
//!
//! Sources are assigned one at a time along a shortest augmenting path found by a Dijkstra
//! search over reduced costs; target potentials `v` keep every reduced cost non-negative, so
//! each search is `O(n·m)` and a whole solve `O(n²·m)`. The last sweep over the unsettled
//! targets before a new distance level also finds the next closest one, preferring a free
//! target on ties (which ends the search at once); when several share that distance they are
//! all queued together, and targets reached at the current distance are queued without another
//! pass; that keeps tie-heavy and low-rank matrices (real score matrices) fast. For square
//! problems a column reduction, reduction transfer and passes of augmenting row reduction
//! (Jonker & Volgenant, 1987) assign most sources before any search runs.
//!
//! The kernel works in the minimisation sense on a row-major matrix; the caller maps sources
//! and targets to physical rows and columns (capacities repeat a physical row without copying
//! it). With `exit` on, every source also owns a private zero-cost dummy target, which turns
//! the problem into "leave a source unmatched when that is cheaper".
//!
//! The searches spend their time reading matrix rows, so a matrix too large for the caches
//! whose costs are all `f32`s exactly (integers up to 2^24, quarters, forbidden pairs, ...) is
//! read from a single-precision copy: half the bytes, and each cost still widens to the same
//! `f64`, so every computation and the result are exactly those of the original matrix.

use crate::cancel::{checkpoint, Cancelled};
use crate::memory::{self, OutOfMemory};

/// Marks an unassigned source or target.
pub(crate) const NONE: usize = usize::MAX;
/// Marks a source assigned to its private dummy (left unmatched on purpose).
pub(crate) const EXIT: usize = usize::MAX - 1;

/// How the kernel reads the cost of (source, target): `data[row(s) * stride + col(t)]`.
pub(crate) trait TargetMap: Sync {
    /// Physical column of target `t`.
    fn col(&self, t: usize) -> usize;
}

impl<T: TargetMap> TargetMap for &T {
    #[inline(always)]
    fn col(&self, t: usize) -> usize {
        (**self).col(t)
    }
}

/// Targets are the physical columns themselves.
pub(crate) struct Identity;

impl TargetMap for Identity {
    #[inline(always)]
    fn col(&self, t: usize) -> usize {
        t
    }
}

/// Targets repeat physical columns (a capacitated side that ended up as the targets).
pub(crate) struct Gather<'a>(pub &'a [usize]);

impl TargetMap for Gather<'_> {
    #[inline(always)]
    fn col(&self, t: usize) -> usize {
        self.0[t]
    }
}

/// How a cost is stored: `f64`, or `f32` when that holds every cost exactly.
pub(crate) trait Cost: Copy + Into<f64> + Sync {}

impl Cost for f64 {}
impl Cost for f32 {}

/// A minimisation problem as the kernel sees it.
pub(crate) struct Problem<'a, T: TargetMap, C: Cost = f64> {
    /// Row-major costs, `+inf` for a forbidden pair, never NaN or `-inf`.
    pub data: &'a [C],
    /// Length of one physical row of `data`.
    pub stride: usize,
    /// Physical row of each source.
    pub source_rows: &'a [usize],
    /// Number of targets; at least the number of sources unless `exit` is on.
    pub n_targets: usize,
    /// Physical column of each target.
    pub targets: T,
    /// Whether a source may stay unmatched (at cost zero) instead of taking a target.
    pub exit: bool,
    /// Whether the square-matrix initialisation may run (all costs finite, no exit, n == m).
    pub reduce: bool,
}

/// The kernel's output: the assignment and the dual potentials that certify it.
pub(crate) struct Solved {
    /// Target of each source, or [`EXIT`] when it stays unmatched.
    pub source_target: Vec<usize>,
    /// Potential of each source: `cost - v[target]` when matched, `0` when unmatched.
    pub u: Vec<f64>,
    /// Potential of each target; `0` for every target left free.
    pub v: Vec<f64>,
}

/// Why the kernel stopped without a solution.
#[derive(Debug)]
pub(crate) enum Stop {
    /// A source that no augmenting path can reach a target from.
    Stuck {
        /// The physical row of the source that could not be assigned.
        row: usize,
    },
    /// The caller cancelled the computation (see [`crate::cancel`]).
    Cancelled,
    /// A working array could not be allocated.
    Memory(OutOfMemory),
}

impl From<Cancelled> for Stop {
    fn from(_: Cancelled) -> Self {
        Stop::Cancelled
    }
}

impl From<OutOfMemory> for Stop {
    fn from(e: OutOfMemory) -> Self {
        Stop::Memory(e)
    }
}

impl<'a, T: TargetMap> Problem<'a, T> {
    /// The same problem with its costs read from `data` through the target map `targets`
    /// (a narrowed copy of the costs, or a capacity gather).
    pub fn reading<'b, U: TargetMap, D: Cost>(&'b self, data: &'b [D], targets: U) -> Problem<'b, U, D> {
        Problem {
            data,
            stride: self.stride,
            source_rows: self.source_rows,
            n_targets: self.n_targets,
            targets,
            exit: self.exit,
            reduce: self.reduce,
        }
    }

    /// Solves the problem to optimality, or reports the first source that cannot be placed.
    pub fn solve(&self) -> Result<Solved, Stop> {
        let narrow = if self.data.len() >= NARROW_FROM { narrowed(self.data) } else { None };
        match narrow {
            Some(data) => self.reading(&data, &self.targets).run(),
            None => self.run(),
        }
    }
}

/// Matrices from this many entries (16 MiB of `f64`) are read in single precision when that is
/// exact; smaller ones stay in cache, where widening each cost costs more than it saves.
const NARROW_FROM: usize = 1 << 21;

/// The costs in single precision, or `None` unless every one converts back exactly (or the
/// copy cannot be allocated: the `f64` costs then serve as they are).
fn narrowed(data: &[f64]) -> Option<Vec<f32>> {
    // Chunks keep the check branch-free (vectorised) and stop early on a typical float matrix.
    let exact = |chunk: &[f64]| chunk.iter().fold(true, |exact, &c| exact & (f64::from(c as f32) == c));
    // A float matrix shows itself in its first entries, so the copy is reserved only once
    // those convert exactly.
    let head = data.len().min(NARROW_PROBE);
    if !data[..head].chunks(256).all(exact) {
        return None;
    }
    let mut small = Vec::new();
    small.try_reserve_exact(data.len()).ok()?;
    for chunk in data.chunks(256) {
        if !exact(chunk) {
            return None;
        }
        small.extend(chunk.iter().map(|&c| c as f32));
    }
    Some(small)
}

/// How many leading costs must convert exactly before the single-precision copy is reserved.
const NARROW_PROBE: usize = 1 << 16;

impl<T: TargetMap, C: Cost> Problem<'_, T, C> {
    #[inline(always)]
    fn row(&self, s: usize) -> &[C] {
        let start = self.source_rows[s] * self.stride;
        &self.data[start..start + self.stride]
    }

    #[inline(always)]
    fn cost(&self, s: usize, t: usize) -> f64 {
        self.data[self.source_rows[s] * self.stride + self.targets.col(t)].into()
    }

    /// Solves the problem, reading costs as stored in `data`.
    fn run(&self) -> Result<Solved, Stop> {
        let n = self.source_rows.len();
        let m = self.n_targets;
        let mut state = State::new(n, m)?;
        let free = if self.reduce && n == m && n > 1 {
            self.reduce_square(&mut state)?
        } else {
            memory::collect(n, 0..n, || format!("the free list of {n} sources"))?
        };
        for source in free {
            // One shortest-path search per source: the natural point to stop when asked.
            checkpoint()?;
            self.augment(&mut state, source)?;
        }
        let u = memory::collect(
            n,
            (0..n).map(|s| match state.x[s] {
                EXIT => 0.0,
                t => self.cost(s, t) - state.v[t],
            }),
            || format!("the potentials of {n} sources"),
        )?;
        Ok(Solved { source_target: state.x, u, v: state.v })
    }

    /// Column reduction, reduction transfer and augmenting row reduction; returns the sources
    /// still free. Every step keeps `c[s][x[s]] - v[x[s]]` the minimum of its row.
    fn reduce_square(&self, st: &mut State) -> Result<Vec<usize>, Stop> {
        let n = self.source_rows.len();
        // Column reduction, row by row so the matrix is read in memory order.
        let mut argmin = memory::filled(n, 0usize, || format!("the column minima of {n} targets"))?;
        st.v.fill(f64::INFINITY);
        for s in 0..n {
            let row = self.row(s);
            for t in 0..n {
                let c: f64 = row[self.targets.col(t)].into();
                if c < st.v[t] {
                    st.v[t] = c;
                    argmin[t] = s;
                }
            }
        }
        let mut matches = memory::filled(n, 0u32, || format!("the match counts of {n} sources"))?;
        for t in (0..n).rev() {
            let s = argmin[t];
            matches[s] += 1;
            if matches[s] == 1 {
                st.x[s] = t;
                st.y[t] = s;
            }
        }
        // Reduction transfer: a source that is the minimum of exactly one column gives that
        // column's potential the slack to its second-best column.
        let mut free = Vec::new();
        for (s, &count) in matches.iter().enumerate() {
            match count {
                0 => free.push(s),
                1 => {
                    let t1 = st.x[s];
                    let row = self.row(s);
                    let mut min = f64::INFINITY;
                    for t in 0..n {
                        if t != t1 {
                            min = min.min(row[self.targets.col(t)].into() - st.v[t]);
                        }
                    }
                    st.v[t1] -= min;
                }
                _ => {}
            }
        }
        // Jonker and Volgenant run two passes; tie-heavy matrices keep profiting, so passes go
        // on while each still places a tenth of the free sources.
        for _ in 0..8 {
            checkpoint()?;
            let before = free.len();
            free = self.augmenting_row_reduction(st, free);
            if free.len() * 10 > before * 9 {
                break;
            }
        }
        Ok(free)
    }

    /// One pass of augmenting row reduction over `free`; returns the sources left free.
    fn augmenting_row_reduction(&self, st: &mut State, mut free: Vec<usize>) -> Vec<usize> {
        let n = self.source_rows.len();
        let todo = free.len();
        let mut k = 0;
        // Each step either shrinks a potential strictly or moves on; the cap keeps rounding
        // from stretching a pass, and anything left is handled by the exact search.
        let mut budget = 8 * n + 16;
        let mut next = Vec::new();
        while k < todo && budget > 0 {
            budget -= 1;
            let s = free[k];
            k += 1;
            let row = self.row(s);
            let (mut u1, mut u2) = (f64::INFINITY, f64::INFINITY);
            let (mut t1, mut t2) = (NONE, NONE);
            for t in 0..n {
                let h = row[self.targets.col(t)].into() - st.v[t];
                if h < u2 {
                    if h >= u1 {
                        u2 = h;
                        t2 = t;
                    } else {
                        u2 = u1;
                        t2 = t1;
                        u1 = h;
                        t1 = t;
                    }
                }
            }
            if t2 == NONE || !u2.is_finite() {
                next.push(s);
                continue;
            }
            let mut s0 = st.y[t1];
            if u1 < u2 {
                st.v[t1] -= u2 - u1;
            } else if s0 != NONE {
                t1 = t2;
                s0 = st.y[t2];
            }
            st.x[s] = t1;
            st.y[t1] = s;
            if s0 != NONE {
                st.x[s0] = NONE;
                if u1 < u2 {
                    k -= 1;
                    free[k] = s0;
                } else {
                    next.push(s0);
                }
            }
        }
        next.extend_from_slice(&free[k..todo]);
        next
    }

    /// Assigns the free source `root` along a shortest augmenting path.
    fn augment(&self, st: &mut State, root: usize) -> Result<(), Stop> {
        let m = self.n_targets;
        let State { x, y, v, d, pred, collist } = st;
        // `collist` lists the assigned targets first and the free ones after them, from `fs`
        // on; free targets are never settled, since reaching one ends the search. A sweep that
        // leaves the todo block empty also records the closest unsettled target of each part,
        // so the next distance level needs no separate pass; the last sweep of a level is always
        // such a sweep, and the others skip that bookkeeping.
        let mut low = Low::default();
        let mut free_low = Low::default();
        let mut fs = m;
        {
            let mut a = 0;
            let row = self.row(root);
            for t in 0..m {
                let dt = row[self.targets.col(t)].into() - v[t];
                d[t] = dt;
                pred[t] = root;
                if y[t] == NONE {
                    fs -= 1;
                    collist[fs] = t;
                    free_low.see(dt, fs);
                } else {
                    collist[a] = t;
                    low.see(dt, a);
                    a += 1;
                }
            }
        }
        // Cheapest way found so far to end the path at a dummy (only with `exit`).
        let mut exit_dist = 0.0;
        let mut exit_source = root;
        let mut lo = 0; // collist[..lo]: settled targets
        let mut hi = 0; // collist[lo..hi]: targets at distance `mind`, not yet scanned
        let mut mind = 0.0;
        let end: usize; // a free target, or NONE to end at `exit_source`'s dummy
        'search: loop {
            if lo == hi {
                // The next distance level: the lowest unsettled target, a free one on ties.
                mind = low.value.min(free_low.value);
                if self.exit && exit_dist < mind {
                    mind = exit_dist;
                    end = NONE;
                    break 'search;
                }
                if mind == f64::INFINITY {
                    return Err(Stop::Stuck { row: self.source_rows[root] });
                }
                if free_low.value == mind {
                    end = collist[free_low.at];
                    break 'search;
                }
                collist.swap(low.at, hi);
                hi += 1;
                if low.tie {
                    // Every other target at this distance joins the todo block now: the order
                    // in which they are scanned then finds a free target sooner.
                    let start = hi;
                    for k in start..fs {
                        let t = collist[k];
                        if d[t] == mind {
                            collist.swap(k, hi);
                            hi += 1;
                        }
                    }
                }
            }
            let t1 = collist[lo];
            lo += 1;
            let s = y[t1];
            let row = self.row(s);
            let h = row[self.targets.col(t1)].into() - v[t1] - mind;
            if self.exit && -h < exit_dist {
                exit_dist = -h;
                exit_source = s;
            }
            let scan = Scan { targets: &self.targets, row, h, mind, s };
            let track = lo == hi; // only then can this sweep be the last of its level
            let (new_hi, new_low) = if track {
                scan.assigned::<true>(hi, fs, collist, d, v, pred)
            } else {
                scan.assigned::<false>(hi, fs, collist, d, v, pred)
            };
            hi = new_hi;
            low = new_low;
            let swept = if track {
                scan.free::<true>(fs, collist, d, v, pred)
            } else {
                scan.free::<false>(fs, collist, d, v, pred)
            };
            match swept {
                Ok(new_low) => free_low = new_low,
                Err(t) => {
                    end = t;
                    break 'search;
                }
            }
        }
        for &t in &collist[..lo] {
            v[t] += d[t] - mind;
        }
        // Walk the path back to the root, shifting each source one target along.
        let mut t = if end == NONE {
            let t = x[exit_source];
            x[exit_source] = EXIT;
            if exit_source == root {
                return Ok(());
            }
            t
        } else {
            end
        };
        loop {
            let s = pred[t];
            y[t] = s;
            let previous = std::mem::replace(&mut x[s], t);
            if s == root {
                return Ok(());
            }
            t = previous;
        }
    }
}

/// One sweep of the search: relaxes unsettled targets through source `s`, whose row is `row`
/// and whose reduced-cost offset is `h`, at the current distance `mind`.
///
/// These are the `O(m)` loops the whole solver spends its time in, so they index without
/// bounds checks, and they are not inlined into the search: on their own they keep every
/// pointer in a register instead of reloading some from the stack. Safety rests on invariants the kernel keeps: `collist` is a permutation of `0..m`
/// and `d`, `v`, `pred` have length `m`, so every `t = collist[k]` is in range; every target
/// map sends `0..m` into `0..row.len()`. Debug builds check all of it.
struct Scan<'r, T, C> {
    targets: &'r T,
    row: &'r [C],
    h: f64,
    mind: f64,
    s: usize,
}

impl<T: TargetMap, C: Cost> Scan<'_, T, C> {
    /// Relaxes `t` and returns its new distance and whether it just reached `mind`.
    ///
    /// # Safety
    /// `t < d.len() == v.len() == pred.len()` and `targets.col(t) < row.len()`.
    #[allow(unsafe_code)]
    #[inline(always)]
    unsafe fn relax(&self, t: usize, d: &mut [f64], v: &[f64], pred: &mut [usize]) -> (f64, bool) {
        debug_assert!(t < d.len() && t < v.len() && t < pred.len() && self.targets.col(t) < self.row.len());
        let dt = *d.get_unchecked(t);
        let cred = (*self.row.get_unchecked(self.targets.col(t))).into() - *v.get_unchecked(t) - self.h;
        if cred < dt {
            *d.get_unchecked_mut(t) = cred;
            *pred.get_unchecked_mut(t) = self.s;
            (cred, cred == self.mind)
        } else {
            (dt, false)
        }
    }

    /// Sweeps the unsettled assigned targets `collist[hi..fs]`; those reaching `mind` join
    /// the todo block. Returns the new end of the todo block and, with `TRACK`, the closest of
    /// the others.
    #[allow(unsafe_code)]
    #[inline(never)]
    fn assigned<const TRACK: bool>(
        &self,
        mut hi: usize,
        fs: usize,
        collist: &mut [usize],
        d: &mut [f64],
        v: &[f64],
        pred: &mut [usize],
    ) -> (usize, Low) {
        let m = collist.len();
        debug_assert!(fs <= m && d.len() == m && v.len() == m && pred.len() == m);
        let mut low = Low::default();
        let start = hi;
        for k in start..fs {
            // SAFETY: k < fs <= m = collist.len(); t < m by the permutation invariant.
            unsafe {
                let t = *collist.get_unchecked(k);
                let (dt, reached) = self.relax(t, d, v, pred);
                if reached {
                    // Swap into the todo block; the target it displaces was already seen.
                    *collist.get_unchecked_mut(k) = *collist.get_unchecked(hi);
                    *collist.get_unchecked_mut(hi) = t;
                    if low.at == hi {
                        low.at = k;
                    }
                    hi += 1;
                } else {
                    if TRACK {
                        low.see(dt, k);
                    }
                }
            }
        }
        (hi, low)
    }

    /// Sweeps the free targets `collist[fs..]`: `Err` with a target that reached `mind`,
    /// which ends the search, or else (with `TRACK`) the closest of them.
    #[allow(unsafe_code)]
    #[inline(never)]
    fn free<const TRACK: bool>(
        &self,
        fs: usize,
        collist: &[usize],
        d: &mut [f64],
        v: &[f64],
        pred: &mut [usize],
    ) -> Result<Low, usize> {
        let m = collist.len();
        debug_assert!(d.len() == m && v.len() == m && pred.len() == m);
        let mut low = Low::default();
        for k in fs..m {
            // SAFETY: k < m = collist.len(); t < m by the permutation invariant.
            unsafe {
                let t = *collist.get_unchecked(k);
                let (dt, reached) = self.relax(t, d, v, pred);
                if reached {
                    return Err(t);
                }
                if TRACK {
                    low.see(dt, k);
                }
            }
        }
        Ok(low)
    }
}

/// A lowest distance and where it was seen (the first place on ties), `at == NONE` before
/// anything finite was seen.
#[derive(Clone, Copy)]
struct Low {
    value: f64,
    at: usize,
    /// Whether another place holds the same lowest distance.
    tie: bool,
}

impl Default for Low {
    fn default() -> Self {
        Low { value: f64::INFINITY, at: NONE, tie: false }
    }
}

impl Low {
    #[inline(always)]
    fn see(&mut self, value: f64, at: usize) {
        if value <= self.value {
            if value < self.value {
                *self = Low { value, at, tie: false };
            } else {
                self.tie = true;
            }
        }
    }
}

/// Working arrays of one solve.
struct State {
    x: Vec<usize>,
    y: Vec<usize>,
    v: Vec<f64>,
    d: Vec<f64>,
    pred: Vec<usize>,
    collist: Vec<usize>,
}

impl State {
    /// The arrays for `n` sources and `m` targets, nothing assigned.
    fn new(n: usize, m: usize) -> Result<Self, OutOfMemory> {
        let what = |name: &'static str| move || format!("the {name} of {m} targets");
        Ok(State {
            x: memory::filled(n, NONE, || format!("the assignment of {n} sources"))?,
            y: memory::filled(m, NONE, what("assignment"))?,
            v: memory::filled(m, 0.0, what("potentials"))?,
            d: memory::filled(m, 0.0, what("path lengths"))?,
            pred: memory::filled(m, 0, what("path predecessors"))?,
            collist: memory::collect(m, 0..m, what("search order"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A single-precision copy gives bit for bit the result of the original matrix, on the
    /// square initialisation, rectangles, forbidden pairs and the unmatched-allowed mode.
    #[test]
    fn narrowed_costs_solve_identically() {
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for &(n, m, exit, forbid) in
            &[(40, 40, false, false), (30, 45, false, true), (35, 35, true, true), (1, 9, false, false)]
        {
            let data: Vec<f64> = (0..n * m)
                .map(|_| if forbid && next() % 7 == 0 { f64::INFINITY } else { (next() % 50) as f64 / 4.0 })
                .collect();
            let small = narrowed(&data).expect("quarters are exact in f32");
            let rows: Vec<usize> = (0..n).collect();
            let wide = Problem {
                data: &data,
                stride: m,
                source_rows: &rows,
                n_targets: m,
                targets: Identity,
                exit,
                reduce: !forbid && !exit && n == m,
            };
            let narrow = Problem {
                data: &small[..],
                stride: m,
                source_rows: &rows,
                n_targets: m,
                targets: Identity,
                exit,
                reduce: wide.reduce,
            };
            match (wide.run(), narrow.run()) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.source_target, b.source_target);
                    assert_eq!(
                        a.u.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                        b.u.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
                    );
                    assert_eq!(
                        a.v.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                        b.v.iter().map(|x| x.to_bits()).collect::<Vec<_>>()
                    );
                }
                (Err(Stop::Stuck { row: a }), Err(Stop::Stuck { row: b })) => assert_eq!(a, b),
                _ => panic!("one copy solved and the other did not"),
            }
        }
        assert!(narrowed(&[0.1]).is_none());
    }
}
