//! The candidate graph: every participant's best allowed partners, found in one parallel pass
//! over every pair, and the pricing that proves a matching on that graph optimal for all pairs.
//!
//! [`Pairs::scan`] scores every giver × receiver pair once (a chunk of givers per task) with the
//! rules and pins applied, and keeps, in memory proportional to people × k:
//! - each giver's best `k + min(capacity, k)` and each receiver's best `k` open pairs (best
//!   score first, ties by position): the candidate arcs; [`Pairs::scan_deep`] keeps longer lists,
//!   whose first pairs are the arcs and the rest pairs of known weight;
//! - for everyone, how many partners each rule excludes (the detail of `unmatched`);
//! - optionally the dense matrix of every pair, the dense solver's input.
//!
//! **Pricing.** Let `u` (givers) and `v` (receivers), both `>= 0`, be the duals of the optimum on
//! the candidate arcs. An open pair outside the graph can raise the total only if its weight
//! exceeds `u[g] + v[r]`. The pairs of the lists ([`Pairs::known`]) are checked from their kept
//! weights, without scoring; while many violate (as many as there are givers), only those are
//! returned. Every other pair is in neither list, so it scores at most `min(kth[g], kth[r])`,
//! the last score of each list when the person has more open pairs than it holds:
//! [`Pairs::price`] then scores only the pairs with `min(kth[g], kth[r]) > u[g] + v[r]` and
//! returns those that violate the duals; the engine adds them and resumes the solve. A round
//! that scores leaves most givers a bound (see [`Bounds`]), renewed by every such round, so
//! later rounds score a pair only where the giver's and the receiver's duals have fallen since
//! the last (for a giver whose dual did not fall, only the receivers whose dual did are read).
//! When none is left, the duals are feasible for every pair: the matching is the optimum of
//! the whole problem, certified by the same conditions as the dense solve
//! ([`Pairs::check_duals`] re-checks them pair by pair).
//!
//! **Solver weights.** The solver maximises each open pair's *weight*: its score plus a
//! [`Bonus`] (the participation objective, re-matching's `keep`, group floors' coverage).
//! Everything here (candidate lists, the dense problem, pricing, the dual check) reads weights,
//! so the certificate proves the weighted optimum; the pairs keep their true scores.

use std::ops::Range;

use ndarray::{Array2, ArrayViewMut2, Axis};
use rayon::prelude::*;

use crate::cancel::{Cancelled, Token};
use crate::cohort::Cohort;
use crate::matching::MatchError;
use crate::memory;
use crate::rules::{Rule, Rules};
use crate::score::{PairScore, Scorer};

/// Slots of [`Counts`]: one per rule ([`Rule::slot`]), then the open pairs.
pub(crate) const SLOTS: usize = Rule::SLOTS + 1;
/// Slot of [`Counts`] that counts open pairs (allowed by every rule, pins included).
pub(crate) const OPEN: usize = SLOTS - 1;
/// How many of a person's partners each rule excludes, and how many are open.
pub(crate) type Counts = [u32; SLOTS];

/// Below this many receivers a scan scores each pair straight rather than through a prepared
/// giver row (the two agree bit for bit): a recommendation scans one receiver.
const FEW_RECEIVERS: usize = 16;

/// Givers scored together over each tile of receivers ([`Pairs::scan`]).
const GROUP: usize = 64;
/// Receivers in a tile: a group reads their data from cache.
const TILE: usize = 64;

/// Scores are in `[0, 1]`: a pair beating the duals by no more than this is not a violation.
pub(crate) const TOLERANCE: f64 = 1e-12;

/// The best pairs of one person: `(score, partner)`, best first, ties by partner position.
///
/// Offers go to an unsorted buffer of up to twice the limit; when it fills, the best `limit`
/// are selected and the worst of them becomes the threshold that later offers must beat, so
/// most offers cost one comparison with a value held in place. [`Best::finish`] sorts the list.
#[derive(Clone, Debug)]
pub(crate) struct Best {
    limit: usize,
    items: Vec<(f64, u32)>,
    /// The worst item kept at the last selection: an offer must rank before it.
    threshold: (f64, u32),
    /// Whether an offer was ever left out: the list then holds the best `limit` of more.
    dropped: bool,
}

/// Whether `a` ranks before `b`: higher score, then lower position.
fn before(a: (f64, u32), b: (f64, u32)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
}

/// The order of [`before`], for sorting.
fn rank(a: &(f64, u32), b: &(f64, u32)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

impl Best {
    fn new(limit: usize) -> Self {
        // A list of none keeps nothing: no offer ranks before `(inf, 0)`.
        let threshold = if limit == 0 { (f64::INFINITY, 0) } else { (f64::NEG_INFINITY, u32::MAX) };
        Best { limit, items: Vec::new(), threshold, dropped: false }
    }

    /// Keeps `(score, partner)` if it may rank among the best `limit`.
    fn offer(&mut self, score: f64, partner: u32) {
        let item = (score, partner);
        if !before(item, self.threshold) {
            self.dropped = true;
            return;
        }
        self.items.push(item);
        if self.items.len() >= 2 * self.limit {
            self.select();
        }
    }

    /// Keeps the best `limit` items (unsorted) and raises the threshold to the worst of them.
    fn select(&mut self) {
        if self.items.len() > self.limit {
            self.items.select_nth_unstable_by(self.limit - 1, rank);
            self.items.truncate(self.limit);
            self.threshold = self.items[self.limit - 1];
            self.dropped = true;
        }
    }

    /// Adds every item of `other`, a list of the same person over other partners.
    fn absorb(&mut self, other: Best) {
        self.dropped |= other.dropped;
        for (score, partner) in other.items {
            self.offer(score, partner);
        }
    }

    /// Selects the best `limit` and sorts them, best first: call once every offer is in.
    fn finish(&mut self) {
        self.select();
        self.items.sort_unstable_by(rank);
        self.items.shrink_to_fit();
    }

    /// The partners, best first.
    pub(crate) fn items(&self) -> &[(f64, u32)] {
        &self.items
    }

    /// Every open pair outside the list scores at most this: the last score when some pair
    /// was left out, `-inf` when the list holds every open pair of the person.
    pub(crate) fn bound(&self) -> f64 {
        match self.items.last() {
            Some(&(score, _)) if self.dropped => score,
            _ => f64::NEG_INFINITY,
        }
    }
}

/// What the solver adds to an open pair's score: its weight is `score + bonus.of(gi, ri)`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bonus {
    /// Added to every open pair (participation, floors' coverage).
    pub each: f64,
    /// Added to the pairs of `kept` (re-matching).
    pub keep: f64,
    /// `(giver, receiver)` positions of the pairs that get `keep`, sorted.
    pub kept: Vec<(u32, u32)>,
    /// Added to every open pair of each receiver (floors' coverage); empty when none.
    pub receiver: Vec<f64>,
    /// The floors' coverage weight, which their rows and columns add (not [`Bonus::of`]): part
    /// of the scale of the weights.
    pub floor: f64,
}

impl Bonus {
    /// No bonus anywhere: the solver's weights are the scores.
    pub fn is_zero(&self) -> bool {
        self.each == 0.0 && (self.keep == 0.0 || self.kept.is_empty()) && self.floor == 0.0
    }

    /// The bonus of giver `gi` → receiver `ri`.
    pub fn of(&self, gi: usize, ri: usize) -> f64 {
        let kept = self.keep != 0.0 && self.kept.binary_search(&(gi as u32, ri as u32)).is_ok();
        let receiver = self.receiver.get(ri).copied().unwrap_or(0.0);
        self.each + receiver + if kept { self.keep } else { 0.0 }
    }

    /// The pricing tolerance: [`TOLERANCE`] relative to the largest weight, as weights of
    /// `1 + bonus` carry rounding of that size into the duals.
    pub fn tolerance(&self) -> f64 {
        // A first-unit arc into a floored receiver weighs the pair plus the coverage twice.
        TOLERANCE * (1.0 + self.each + self.keep + 2.0 * self.floor)
    }
}

/// One program run's pairs: positions in the sorted sides, the rules, the pins.
pub(crate) struct Pairs<'a> {
    pub cohort: &'a Cohort,
    pub scorer: &'a Scorer,
    pub rules: &'a Rules,
    /// Cohort position of each giver and each receiver.
    pub givers: &'a [usize],
    pub receivers: &'a [usize],
    /// Places left to each giver once the pins are in.
    pub room: &'a [usize],
    /// Whether no pin took the receiver.
    pub receiver_free: &'a [bool],
    /// Candidate list length of receivers; givers keep `k + min(capacity, k)`.
    pub k: usize,
    /// What the solver adds to each open pair's score.
    pub bonus: &'a Bonus,
}

/// A pair of giver's whose weight is known: receiver, weight, whether the solver's graph has it.
pub(crate) type Known = (u32, f64, bool);

/// What the pricing rounds that score have proved: every open pair of a giver with a bound
/// that is outside its known pairs weighs at most that giver's dual plus the receiver's dual of
/// one earlier round (plus the tolerance).
#[derive(Default)]
pub(crate) struct Bounds {
    /// The receivers' duals of each round that some giver's bound refers to.
    rounds: Vec<Vec<f64>>,
    /// Each giver's bound: the round and the giver's own dual then.
    givers: Vec<Option<(usize, f64)>>,
}

impl Bounds {
    /// Bounds the givers marked in `bounding` at this round's duals, and drops the rounds no
    /// bound refers to any more.
    fn renew(&mut self, bounding: &[bool], u: &[f64], v: &[f64]) {
        let round = self.rounds.len();
        for (gi, _) in bounding.iter().enumerate().filter(|(_, &b)| b) {
            self.givers[gi] = Some((round, u[gi]));
        }
        self.rounds.push(v.to_vec());
        let mut used = vec![false; self.rounds.len()];
        for &(round, _) in self.givers.iter().flatten() {
            used[round] = true;
        }
        let mut renumbered = Vec::with_capacity(used.len());
        let mut kept = 0;
        for &in_use in &used {
            renumbered.push(kept);
            kept += usize::from(in_use);
        }
        let mut round = 0;
        self.rounds.retain(|_| {
            round += 1;
            used[round - 1]
        });
        for (round, _) in self.givers.iter_mut().flatten() {
            *round = renumbered[*round];
        }
    }
}

/// A pair that beats the duals: excess, giver, receiver, weight.
type Violator = (f64, usize, usize, f64);

/// Since a bounding round: how far each receiver's dual fell, and the free receivers whose
/// dual fell, `(fall, receiver)`, the largest fall first.
type Falls = (Vec<f64>, Vec<(f64, u32)>);

/// How many scored violators of a giver beyond those returned a round keeps as known pairs, so
/// that the giver's bound holds; a giver with more gets no bound from that round.
const LEFT_OUT: usize = 64;

/// What [`Pairs::scan`] keeps of every pair.
pub(crate) struct Scan {
    pub giver_best: Vec<Best>,
    pub receiver_best: Vec<Best>,
    pub giver_counts: Vec<Counts>,
    pub receiver_counts: Vec<Counts>,
}

/// The dense tables of every pair (givers × receivers, positions in the sides).
#[derive(Clone, Debug)]
pub(crate) struct Tables {
    /// Pair scores.
    pub scores: Array2<f64>,
    /// What the giver gains from each pair (their side of the stable baseline's preferences).
    pub gains: Array2<f64>,
    /// The rule forbidding each pair (pins included).
    pub rules: Array2<Option<Rule>>,
    /// The dense solver's problem: the weight of every open pair, `-inf` elsewhere.
    pub problem: Array2<f64>,
}

/// One chunk's part of a [`Scan`]: its givers in full, every receiver's partial lists.
struct Part {
    givers: Vec<(Best, Counts)>,
    receiver_best: Vec<Best>,
    receiver_counts: Vec<Counts>,
}

impl Part {
    /// Adds `later`, the part of the chunk after this one.
    fn absorb(mut self, later: Part) -> Part {
        self.givers.extend(later.givers);
        for (mine, theirs) in self.receiver_best.iter_mut().zip(later.receiver_best) {
            mine.absorb(theirs);
        }
        for (mine, theirs) in self.receiver_counts.iter_mut().zip(later.receiver_counts) {
            for (m, t) in mine.iter_mut().zip(theirs) {
                *m += t;
            }
        }
        self
    }
}

/// The dense tables being filled: scores, gains, rules.
type TablesMut<'t> = (&'t mut Array2<f64>, &'t mut Array2<f64>, &'t mut Array2<Option<Rule>>);

/// A chunk of rows of the dense tables, when they are being filled.
type TableRows<'t> = Option<(ArrayViewMut2<'t, f64>, ArrayViewMut2<'t, f64>, ArrayViewMut2<'t, Option<Rule>>)>;

impl Pairs<'_> {
    /// Score and rule of giver `gi` → receiver `ri` (positions in the sides), given the pair's
    /// score: the first hard rule it breaks, else [`Rule::TakenByPin`] when a pin took the
    /// receiver or every place of the giver.
    pub fn rule(&self, gi: usize, ri: usize, pair: &PairScore) -> Option<Rule> {
        let (g, r) = (self.givers[gi], self.receivers[ri]);
        let rule = self.rules.check(self.cohort, self.scorer, g, r, pair);
        let filled_by_pins = self.room[gi] == 0 && self.cohort.people()[g].capacity > 0;
        if rule.is_none() && (!self.receiver_free[ri] || filled_by_pins) {
            Some(Rule::TakenByPin)
        } else {
            rule
        }
    }

    /// Score and rule of giver `gi` → receiver `ri`.
    pub fn pair(&self, gi: usize, ri: usize) -> (PairScore, Option<Rule>) {
        let pair = self.scorer.pair(self.givers[gi], self.receivers[ri]);
        let rule = self.rule(gi, ri, &pair);
        (pair, rule)
    }

    /// Whether the pair is in the solver's problem: open, and the giver has room.
    fn in_problem(&self, gi: usize, rule: Option<Rule>) -> bool {
        rule.is_none() && self.room[gi] > 0
    }

    /// Scores every pair once, in parallel, keeping the candidate lists and the counts.
    /// Stops early, with `Err(Cancelled)`, when the caller's token is cancelled.
    pub fn scan(&self) -> Result<Scan, Cancelled> {
        self.scan_into(None, self.k)
    }

    /// [`scan`](Self::scan) keeping each list `depth` long at least: the solver's candidates
    /// are their first `k` (givers: `k + min(capacity, k)`), the rest make pricing cheap.
    pub fn scan_deep(&self, depth: usize) -> Result<Scan, Cancelled> {
        self.scan_into(None, depth)
    }

    /// [`scan`](Self::scan), also filling the dense tables of every pair, whose memory is
    /// reserved first: an error naming the bytes when it cannot be had, never an abort.
    pub fn scan_with_tables(&self) -> Result<(Scan, Tables), MatchError> {
        let shape = (self.givers.len(), self.receivers.len());
        let pairs = shape.0.checked_mul(shape.1).ok_or_else(|| {
            memory::too_large::<f64>(shape.0 as u128 * shape.1 as u128, "the tables of every pair".into())
        })?;
        let what = |table: &'static str| move || format!("the {table} of {} x {} pairs", shape.0, shape.1);
        let array = |v: Vec<f64>| Array2::from_shape_vec(shape, v).unwrap_or_default();
        let mut scores = array(memory::filled(pairs, 0.0, what("scores"))?);
        let mut gains = array(memory::filled(pairs, 0.0, what("giver gains"))?);
        let mut problem = memory::reserve(pairs, what("solver's problem"))?;
        let mut rules = Array2::from_shape_vec(shape, memory::filled(pairs, None, what("rules"))?).unwrap_or_default();
        let scan = self.scan_into(Some((&mut scores, &mut gains, &mut rules)), self.k)?;
        let weight = |(k, (&s, rule)): (usize, (&f64, &Option<Rule>))| match rule {
            None => s + self.bonus.of(k / shape.1, k % shape.1),
            Some(_) => f64::NEG_INFINITY,
        };
        problem.extend(scores.iter().zip(&rules).enumerate().map(weight));
        Ok((scan, Tables { scores, gains, rules, problem: array(problem) }))
    }

    fn scan_into(&self, tables: Option<TablesMut<'_>>, depth: usize) -> Result<Scan, Cancelled> {
        let (n_g, n_r) = (self.givers.len(), self.receivers.len());
        let token = Token::current();
        // Each chunk holds partial lists for every receiver: few chunks keep that memory small.
        let chunk = n_g.div_ceil(2 * rayon::current_num_threads()).max(1);
        let part = |range: Range<usize>, rows: TableRows<'_>| self.scan_chunk(range, rows, depth, &token);
        let merged = match tables {
            Some((scores, gains, rules)) => scores
                .axis_chunks_iter_mut(Axis(0), chunk)
                .into_par_iter()
                .zip(gains.axis_chunks_iter_mut(Axis(0), chunk))
                .zip(rules.axis_chunks_iter_mut(Axis(0), chunk))
                .enumerate()
                .map(|(c, ((s, g), r))| part(c * chunk..((c + 1) * chunk).min(n_g), Some((s, g, r))))
                .reduce_with(Part::absorb),
            None => (0..n_g.div_ceil(chunk))
                .into_par_iter()
                .map(|c| part(c * chunk..((c + 1) * chunk).min(n_g), None))
                .reduce_with(Part::absorb),
        };
        token.check()?;
        let mut merged = merged.unwrap_or_else(|| Part {
            givers: Vec::new(),
            receiver_best: vec![Best::new(self.k.max(depth)); n_r],
            receiver_counts: vec![[0; SLOTS]; n_r],
        });
        merged.receiver_best.par_iter_mut().for_each(Best::finish);
        let (giver_best, giver_counts) = merged.givers.into_iter().unzip();
        Ok(Scan {
            giver_best,
            receiver_best: merged.receiver_best,
            giver_counts,
            receiver_counts: merged.receiver_counts,
        })
    }

    fn scan_chunk(&self, range: Range<usize>, mut rows: TableRows<'_>, depth: usize, token: &Token) -> Part {
        let n_r = self.receivers.len();
        let mut part = Part {
            givers: Vec::with_capacity(range.len()),
            receiver_best: vec![Best::new(self.k.max(depth)); n_r],
            receiver_counts: vec![[0; SLOTS]; n_r],
        };
        let keep_lists = rows.is_none();
        // A group of givers goes over the receivers a tile at a time, so that each tile's
        // profiles, lists and counts are read from cache by every giver of the group.
        for group in range.clone().step_by(GROUP).map(|start| start..(start + GROUP).min(range.end)) {
            if token.is_cancelled() {
                break;
            }
            let mut lists: Vec<(Best, Counts)> =
                group.clone().map(|gi| (Best::new(self.giver_candidates(gi).max(depth)), [0; SLOTS])).collect();
            // A prepared row pays off over many receivers; a few are scored straight.
            let prepared: Vec<_> =
                group.clone().map(|gi| (n_r >= FEW_RECEIVERS).then(|| self.scorer.row(self.givers[gi]))).collect();
            for tile in (0..n_r).step_by(TILE).map(|start| start..(start + TILE).min(n_r)) {
                for (((gi, giver), (best, counts)), row) in
                    group.clone().zip(&prepared).zip(&mut lists).zip(group.start - range.start..)
                {
                    let g = self.givers[gi];
                    for ri in tile.clone() {
                        let r = self.receivers[ri];
                        let pair = giver.as_ref().map_or_else(|| self.scorer.pair(g, r), |row| row.pair(r));
                        let rule = self.rule(gi, ri, &pair);
                        let slot = rule.map_or(OPEN, Rule::slot);
                        counts[slot] += 1;
                        part.receiver_counts[ri][slot] += 1;
                        // The candidate lists serve the sparse solve; a dense one reads the tables.
                        if keep_lists && self.in_problem(gi, rule) {
                            let weight = pair.score + self.bonus.of(gi, ri);
                            best.offer(weight, ri as u32);
                            part.receiver_best[ri].offer(weight, gi as u32);
                        }
                        if let Some((scores, gains, rules)) = rows.as_mut() {
                            scores[[row, ri]] = pair.score;
                            gains[[row, ri]] = pair.giver_gain();
                            rules[[row, ri]] = rule;
                        }
                    }
                }
            }
            // A pinned pair counts as open for both, as a pin is an allowed pair.
            for (mut best, counts) in lists {
                best.finish();
                part.givers.push((best, counts));
            }
        }
        part
    }

    /// How many of giver `gi`'s best pairs are solver candidates: `k + min(capacity, k)`.
    fn giver_candidates(&self, gi: usize) -> usize {
        self.k + (self.cohort.people()[self.givers[gi]].capacity as usize).min(self.k)
    }

    /// Every pair of the lists of `scan`, by giver and sorted by receiver, with its weight and
    /// whether it is a solver candidate (among the first `k` of the receiver's list or the first
    /// `k + min(capacity, k)` of the giver's).
    pub fn known(&self, scan: &Scan) -> Vec<Vec<Known>> {
        let mut known: Vec<Vec<Known>> = scan
            .giver_best
            .iter()
            .enumerate()
            .map(|(gi, best)| {
                let first = self.giver_candidates(gi);
                best.items().iter().enumerate().map(|(i, &(w, ri))| (ri, w, i < first)).collect()
            })
            .collect();
        for (ri, best) in scan.receiver_best.iter().enumerate() {
            for (i, &(w, gi)) in best.items().iter().enumerate() {
                known[gi as usize].push((ri as u32, w, i < self.k));
            }
        }
        known.par_iter_mut().for_each(|list| {
            list.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.2.cmp(&a.2)));
            list.dedup_by(|later, first| first.0 == later.0);
        });
        known
    }

    /// Open pairs outside the graph whose weight beats the duals `u` (givers) and `v`
    /// (receivers): at most `per_receiver` for each giver and for each receiver (the most
    /// violating), sorted by giver then receiver; none exactly when no pair beats them.
    /// `known[gi]` holds giver `gi`'s pairs whose weight is known (see [`Pairs::known`]): those
    /// outside the graph are checked from their weight. When they violate less often than there
    /// are givers, the pairs outside every list whose bound beats the duals are scored too, and
    /// their violators join the round's.
    ///
    /// A round that scores leaves `bounds`: for each giver it scored (in full, or where the
    /// giver's earlier bound left pairs to score) with few enough violators, the scored
    /// violators not returned become known pairs, and every pair of the giver still outside
    /// `known` weighs at most this round's duals. A later round then scores a pair of that
    /// giver only where its dual and the receiver's have fallen since, by more than nothing
    /// together, and skips the giver when no receiver's fell far enough.
    pub fn price(
        &self,
        scan: &Scan,
        u: &[f64],
        v: &[f64],
        known: &mut [Vec<Known>],
        bounds: &mut Bounds,
        per_receiver: usize,
    ) -> Result<Vec<(usize, usize, f64)>, Cancelled> {
        let token = Token::current();
        let tolerance = self.bonus.tolerance();
        bounds.givers.resize(self.givers.len(), None);
        // Known pairs cost no scoring.
        let known_violators = |gi: usize| {
            if token.is_cancelled() || self.room[gi] == 0 {
                return Vec::new();
            }
            let mut violating: Vec<Violator> = known[gi]
                .iter()
                .filter(|&&(_, _, in_graph)| !in_graph)
                .map(|&(ri, weight, _)| (weight - u[gi] - v[ri as usize], gi, ri as usize, weight))
                .filter(|&(excess, ..)| excess > tolerance)
                .collect();
            violating.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
            violating
        };
        let mut found: Vec<Vec<Violator>> = (0..self.givers.len()).into_par_iter().map(known_violators).collect();
        // While the known pairs' violators are many, the duals are far off and most pairs would
        // pass the bounds: they are improved on the known pairs first. Once the known violators
        // are fewer than the givers, the round also scores the pairs outside the lists, so that
        // one resume takes both batches.
        let known_count: usize = found.iter().map(Vec::len).sum();
        let mut bounding = vec![false; self.givers.len()];
        if known_count < self.givers.len() {
            let scored: Vec<Vec<Violator>>;
            (scored, bounding) = self.scored_violators(scan, u, v, known, bounds, per_receiver).into_iter().unzip();
            for (violating, more) in found.iter_mut().zip(scored) {
                if !more.is_empty() {
                    violating.extend(more);
                    violating.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
                }
            }
        }
        token.check()?;
        // Any violator proves the duals wrong; the most violating of each giver and of each
        // receiver are returned, so a round's memory stays proportional to the people.
        let mut left_out = Vec::new();
        for violating in &mut found {
            left_out.extend(violating.drain(per_receiver.min(violating.len())..));
        }
        let mut all: Vec<Violator> = found.into_iter().flatten().collect();
        all.sort_by(|a, b| a.2.cmp(&b.2).then(b.0.total_cmp(&a.0)).then(a.1.cmp(&b.1)));
        let mut kept = Vec::with_capacity(all.len());
        let mut run = (usize::MAX, 0);
        for violator @ (_, gi, ri, weight) in all {
            run = if run.0 == ri { (ri, run.1 + 1) } else { (ri, 1) };
            if run.1 <= per_receiver {
                kept.push((gi, ri, weight));
            } else {
                left_out.push(violator);
            }
        }
        // A giver this round bounds keeps its violators left out as known pairs.
        for (_, gi, ri, weight) in left_out.into_iter().filter(|&(_, gi, ..)| bounding[gi]) {
            let list = &mut known[gi];
            if let Err(at) = list.binary_search_by_key(&(ri as u32), |k| k.0) {
                list.insert(at, (ri as u32, weight, false));
            }
        }
        if bounding.contains(&true) {
            bounds.renew(&bounding, u, v);
        }
        kept.sort_by_key(|&(gi, ri, _)| (gi, ri));
        Ok(kept)
    }

    /// Each giver's violators among the open pairs outside every list, most violating first
    /// (at most `per_receiver + LEFT_OUT`), and whether this round may bound the giver: scored
    /// in full, no violator cut. Scores only the pairs whose lists' bounds beat the duals and,
    /// for a giver with a bound, whose duals fell since (see [`Bounds`]).
    fn scored_violators(
        &self,
        scan: &Scan,
        u: &[f64],
        v: &[f64],
        known: &[Vec<Known>],
        bounds: &Bounds,
        per_receiver: usize,
    ) -> Vec<(Vec<Violator>, bool)> {
        let token = Token::current();
        let tolerance = self.bonus.tolerance();
        // What fell since each bounding round.
        let fell: Vec<Falls> = bounds
            .rounds
            .iter()
            .map(|then| {
                let fell: Vec<f64> = then.iter().zip(v).map(|(was, now)| was - now).collect();
                let mut falling: Vec<(f64, u32)> = (0..self.receivers.len())
                    .filter(|&ri| fell[ri] > 0.0 && self.receiver_free[ri])
                    .map(|ri| (fell[ri], ri as u32))
                    .collect();
                falling.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                (fell, falling)
            })
            .collect();
        // What a giver's loop reads of each receiver, side by side: the dual (`inf` when a pin
        // took the receiver) and the bound of the pairs outside the receiver's list.
        let receivers: Vec<(f64, f64)> = (0..self.receivers.len())
            .map(|ri| {
                let dual = if self.receiver_free[ri] { v[ri] } else { f64::INFINITY };
                (dual, scan.receiver_best[ri].bound())
            })
            .collect();
        // One giver per task, scored through its prepared row (built only if needed).
        (0..self.givers.len())
            .into_par_iter()
            .map(|gi| {
                if token.is_cancelled() || self.room[gi] == 0 {
                    return (Vec::new(), false);
                }
                let mine = &known[gi];
                let mut violating: Vec<Violator> = Vec::new();
                let limit = scan.giver_best[gi].bound() - u[gi];
                // Since its bounding round, this giver's dual fell by `drop`: a pair outside its
                // known ones can beat the duals only where the two falls add up to more than 0.
                let bound = bounds.givers[gi].map(|(round, then)| (&fell[round], then - u[gi]));
                if !limit.is_nan() && limit > tolerance {
                    // A pair can beat the duals only if both lists' bounds do and, for a giver
                    // with a bound, the two falls add up to more than nothing (each loop below
                    // tests the falls its own way).
                    let may_violate = |ri: usize| {
                        let (dual, receiver_bound) = receivers[ri];
                        dual < limit - tolerance && receiver_bound - u[gi] - dual > tolerance
                    };
                    let mut giver = None;
                    let mut score = |ri: usize| {
                        let row = giver.get_or_insert_with(|| self.scorer.row(self.givers[gi]));
                        let pair = row.pair(self.receivers[ri]);
                        let weight = pair.score + self.bonus.of(gi, ri);
                        let excess = weight - u[gi] - v[ri];
                        if excess > tolerance && self.rule(gi, ri, &pair).is_none() {
                            violating.push((excess, gi, ri, weight));
                        }
                    };
                    match bound {
                        // The giver's dual did not fall: only receivers whose dual fell by more
                        // than it rose can matter.
                        Some(((_, falling), drop)) if drop <= 0.0 => {
                            for &(_, ri) in falling.iter().take_while(|f| drop + f.0 > 0.0) {
                                let ri = ri as usize;
                                if may_violate(ri) && mine.binary_search_by_key(&(ri as u32), |k| k.0).is_err() {
                                    score(ri);
                                }
                            }
                        }
                        // Every receiver in order, which reads the arrays and the giver's known
                        // pairs (sorted by receiver) straight through.
                        _ => {
                            let mut known_pairs = mine.iter().map(|k| k.0 as usize).peekable();
                            let fell_enough = |ri: usize| bound.is_none_or(|((fell, _), drop)| drop + fell[ri] > 0.0);
                            for ri in (0..self.receivers.len()).filter(|&ri| may_violate(ri) && fell_enough(ri)) {
                                while known_pairs.next_if(|&k| k < ri).is_some() {}
                                if known_pairs.peek() != Some(&ri) {
                                    score(ri);
                                }
                            }
                        }
                    }
                }
                violating.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.cmp(&b.2)));
                // Every pair left unscored weighs at most the duals of this round, and every
                // scored one is known now: with no violator cut, the bound can move to this round.
                let bounding = violating.len() <= per_receiver + LEFT_OUT;
                violating.truncate(per_receiver + LEFT_OUT);
                (violating, bounding)
            })
            .collect()
    }

    /// The first open pair, if any, whose weight exceeds `u[g] + v[r]` by more than the
    /// tolerance: `(giver, receiver, excess)`. Scores every pair, in parallel.
    pub fn check_duals(&self, u: &[f64], v: &[f64]) -> Option<(usize, usize, f64)> {
        let tolerance = self.bonus.tolerance() * 16.0;
        (0..self.givers.len()).into_par_iter().find_map_first(|gi| {
            if self.room[gi] == 0 {
                return None;
            }
            let giver = self.scorer.row(self.givers[gi]);
            self.receivers.iter().enumerate().find_map(|(ri, &r)| {
                let pair = giver.pair(r);
                let excess = pair.score + self.bonus.of(gi, ri) - u[gi] - v[ri];
                (excess > tolerance && self.rule(gi, ri, &pair).is_none()).then_some((gi, ri, excess))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Best, Bounds};
    use proptest::prelude::*;

    /// A renewed giver's bound moves to the new round with its dual then; a round no bound
    /// refers to any more is dropped, and the others keep their duals under their new numbers.
    #[test]
    fn renewed_bounds_move_to_the_round_and_drop_the_rounds_left_behind() {
        let mut bounds = Bounds { givers: vec![None; 3], ..Bounds::default() };
        bounds.renew(&[true, true, false], &[1.0, 2.0, 3.0], &[10.0]);
        bounds.renew(&[false, true, true], &[1.5, 2.5, 3.5], &[20.0]);
        assert_eq!(bounds.givers, vec![Some((0, 1.0)), Some((1, 2.5)), Some((1, 3.5))]);
        assert_eq!(bounds.rounds, vec![vec![10.0], vec![20.0]]);
        // Giver 0 leaves the first round: it is dropped and the second becomes round 0.
        bounds.renew(&[true, false, false], &[0.5, 2.0, 3.0], &[30.0]);
        assert_eq!(bounds.givers, vec![Some((1, 0.5)), Some((0, 2.5)), Some((0, 3.5))]);
        assert_eq!(bounds.rounds, vec![vec![20.0], vec![30.0]]);
    }

    proptest! {
        /// Offered in any split and merged, a list keeps the best `limit` in rank order (ties
        /// by partner), and its bound is the last score exactly when some offer was left out.
        #[test]
        fn best_keeps_the_top_limit_whatever_the_split(
            scores in proptest::collection::vec(0u8..6, 0..60),
            limit in 0usize..8,
            split in 0usize..60,
        ) {
            let offers: Vec<(f64, u32)> = scores.iter().enumerate().map(|(i, &s)| (f64::from(s), i as u32)).collect();
            let split = split.min(offers.len());
            let list = |part: &[(f64, u32)]| {
                let mut best = Best::new(limit);
                for &(score, partner) in part {
                    best.offer(score, partner);
                }
                best
            };
            let mut best = list(&offers[..split]);
            best.absorb(list(&offers[split..]));
            best.finish();
            let mut expected = offers.clone();
            expected.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            expected.truncate(limit);
            prop_assert_eq!(best.items(), &expected[..]);
            let bound = match limit.checked_sub(1) {
                Some(last) if offers.len() > limit => expected[last].0,
                _ => f64::NEG_INFINITY,
            };
            prop_assert_eq!(best.bound(), bound);
        }
    }
}
