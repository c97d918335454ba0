//! What people do today instead of an optimal matching, on exactly the same problem: the
//! same allowed pairs, capacities and pins.
//!
//! - [`greedy`]: the best remaining pair first (what a spreadsheet sort gives).
//! - [`random`]: each receiver, in a seeded random order, takes a random giver who still has room.
//! - [`stable`]: receiver-proposing deferred acceptance with capacities (Gale–Shapley /
//!   hospitals–residents). Receivers rank givers by the pair score; givers rank receivers by
//!   what they themselves gain, [`Problem::gain`] (reciprocity and seniority fit), so the two
//!   sides want different things and the result is not greedy in disguise. It has no blocking
//!   pair under those preferences.
//!
//! Ties are broken by position (lower first) everywhere, so every method is deterministic.

use ndarray::ArrayView2;

use crate::rng::Rng;

/// One matching problem as every method sees it. Positions index givers (rows) and
/// receivers (columns).
#[derive(Clone, Copy, Debug)]
pub struct Problem<'a> {
    /// Pair scores, `-inf` where a rule forbids the pair.
    pub score: ArrayView2<'a, f64>,
    /// What the giver gains from each pair (their preference), any finite value.
    pub gain: ArrayView2<'a, f64>,
    /// How many receivers each giver may take.
    pub capacities: &'a [usize],
}

impl Problem<'_> {
    fn allowed(&self, g: usize, r: usize) -> bool {
        self.score[[g, r]].is_finite()
    }

    /// Whether receiver `r` strictly prefers giver `a` to giver `b`.
    fn receiver_prefers(&self, r: usize, a: usize, b: usize) -> bool {
        let (sa, sb) = (self.score[[a, r]], self.score[[b, r]]);
        sa > sb || (sa == sb && a < b)
    }

    /// Whether giver `g` strictly prefers receiver `a` to receiver `b`.
    fn giver_prefers(&self, g: usize, a: usize, b: usize) -> bool {
        let (ga, gb) = (self.gain[[g, a]], self.gain[[g, b]]);
        ga > gb || (ga == gb && a < b)
    }

    /// The receivers each giver holds in `pairs`.
    fn by_giver(&self, pairs: &[(usize, usize)]) -> Vec<Vec<usize>> {
        let mut held = vec![Vec::new(); self.capacities.len()];
        for &(g, r) in pairs {
            held[g].push(r);
        }
        held
    }

    /// Allowed pairs `(g, r)` not in `pairs` where `r` prefers `g` to its partner (or has
    /// none) and `g` has room or prefers `r` to its least-preferred receiver.
    #[must_use]
    pub fn blocking_pairs(&self, pairs: &[(usize, usize)]) -> usize {
        let (n_g, n_r) = self.score.dim();
        let mut partner = vec![None; n_r];
        for &(g, r) in pairs {
            partner[r] = Some(g);
        }
        let held = self.by_giver(pairs);
        let worst: Vec<Option<usize>> = held
            .iter()
            .enumerate()
            .map(|(g, rs)| rs.iter().copied().reduce(|w, r| if self.giver_prefers(g, w, r) { r } else { w }))
            .collect();
        let mut count = 0;
        for (r, &taken_by) in partner.iter().enumerate() {
            for g in 0..n_g {
                if !self.allowed(g, r) || taken_by == Some(g) {
                    continue;
                }
                let receiver_wants = taken_by.is_none_or(|p| self.receiver_prefers(r, g, p));
                let giver_wants =
                    held[g].len() < self.capacities[g] || worst[g].is_some_and(|w| self.giver_prefers(g, r, w));
                if receiver_wants && giver_wants {
                    count += 1;
                }
            }
        }
        count
    }
}

/// Best remaining pair first, until no allowed pair has both sides free.
#[must_use]
pub fn greedy(p: &Problem<'_>) -> Vec<(usize, usize)> {
    let mut candidates: Vec<(usize, usize)> =
        p.score.indexed_iter().filter(|(_, s)| s.is_finite()).map(|(gr, _)| gr).collect();
    candidates.sort_by(|&a, &b| p.score[b].total_cmp(&p.score[a]).then(a.cmp(&b)));
    let mut room = p.capacities.to_vec();
    let mut taken = vec![false; p.score.ncols()];
    let mut pairs = Vec::new();
    for (g, r) in candidates {
        if room[g] > 0 && !taken[r] {
            room[g] -= 1;
            taken[r] = true;
            pairs.push((g, r));
        }
    }
    pairs.sort_unstable();
    pairs
}

/// Receivers in a random order each take a random allowed giver with room left.
#[must_use]
pub fn random(p: &Problem<'_>, seed: u64) -> Vec<(usize, usize)> {
    let mut rng = Rng::new(seed);
    let mut order: Vec<usize> = (0..p.score.ncols()).collect();
    rng.shuffle(&mut order);
    let mut room = p.capacities.to_vec();
    let mut pairs = Vec::new();
    for r in order {
        let open: Vec<usize> = (0..p.score.nrows()).filter(|&g| room[g] > 0 && p.allowed(g, r)).collect();
        if !open.is_empty() {
            let g = open[rng.below(open.len())];
            room[g] -= 1;
            pairs.push((g, r));
        }
    }
    pairs.sort_unstable();
    pairs
}

/// Receiver-proposing deferred acceptance with giver capacities.
#[must_use]
pub fn stable(p: &Problem<'_>) -> Vec<(usize, usize)> {
    let (n_g, n_r) = p.score.dim();
    // Each receiver's allowed givers, best first.
    let lists: Vec<Vec<usize>> = (0..n_r)
        .map(|r| {
            let mut gs: Vec<usize> = (0..n_g).filter(|&g| p.allowed(g, r)).collect();
            gs.sort_by(|&a, &b| p.score[[b, r]].total_cmp(&p.score[[a, r]]).then(a.cmp(&b)));
            gs
        })
        .collect();
    let mut next = vec![0usize; n_r];
    let mut held: Vec<Vec<usize>> = vec![Vec::new(); n_g];
    let mut free: Vec<usize> = (0..n_r).rev().collect();
    while let Some(r) = free.pop() {
        let Some(&g) = lists[r].get(next[r]) else { continue };
        next[r] += 1;
        if p.capacities[g] == 0 {
            free.push(r);
            continue;
        }
        held[g].push(r);
        if held[g].len() > p.capacities[g] {
            let worst = held[g].iter().enumerate().reduce(|w, x| if p.giver_prefers(g, *w.1, *x.1) { x } else { w });
            if let Some((i, _)) = worst {
                free.push(held[g].swap_remove(i));
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> =
        held.iter().enumerate().flat_map(|(g, rs)| rs.iter().map(move |&r| (g, r))).collect();
    pairs.sort_unstable();
    pairs
}
