//! How good a matching is, and how the optimal one compares with what people do today.
//!
//! [`MatchResult::metrics`] scores the optimal matching; [`MatchResult::compare`] runs the
//! [`baselines`] on the same problem (same rules, capacities and pins) and
//! scores each the same way:
//!
//! - `total`, `mean_score`, `min_score`: of the pair scores (NaN means and minima when empty);
//! - `matched`: share of receivers with a partner;
//! - `top3`: share of matched receivers whose giver is one of their three best allowed givers;
//! - `blocking_pairs`: allowed pairs who would both rather have each other than what they got,
//!   under the stable baseline's two-sided preferences (pinned people are fixed and not
//!   counted);
//! - `seconds`: the method's own run time on the scored problem (for the optimal method, the
//!   solver's).

use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::baselines::{self, Problem};
use crate::candidates::Tables;
use crate::matching::{MatchError, MatchResult, Pair};
use crate::rules::Rule;

/// A way of pairing people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// pairwell's exact optimum.
    Optimal,
    /// Best remaining pair first.
    Greedy,
    /// A seeded random feasible matching.
    Random,
    /// Receiver-proposing deferred acceptance.
    Stable,
}

impl Method {
    /// Every method, in table order.
    pub const ALL: [Method; 4] = [Method::Optimal, Method::Greedy, Method::Random, Method::Stable];

    /// The method's name in tables.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Method::Optimal => "optimal",
            Method::Greedy => "greedy",
            Method::Random => "random",
            Method::Stable => "stable",
        }
    }
}

/// Quality of one matching.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Sum of pair scores.
    pub total: f64,
    /// Mean pair score.
    pub mean_score: f64,
    /// Lowest pair score.
    pub min_score: f64,
    /// Share of receivers matched.
    pub matched: f64,
    /// Share of matched receivers paired with one of their three best allowed givers.
    pub top3: f64,
    /// Pairs who would both rather have each other.
    pub blocking_pairs: usize,
    /// Run time of the method, in seconds.
    pub seconds: f64,
}

/// One method's matching and its metrics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The method.
    pub method: Method,
    /// Its pairs, pins included.
    pub pairs: Vec<Pair>,
    /// Its metrics.
    pub metrics: Metrics,
}

impl MatchResult {
    fn baseline_problem<'a>(&'a self, tables: &'a Tables) -> Problem<'a> {
        Problem { score: tables.problem.view(), gain: tables.gains.view(), capacities: &self.room }
    }

    /// Metrics of solver-problem pairs `pairs` plus the pins.
    fn evaluate(&self, tables: &Tables, pairs: &[(usize, usize)], seconds: f64) -> Metrics {
        let problem = self.baseline_problem(tables);
        let all: Vec<(usize, usize)> = self.pins.iter().copied().chain(pairs.iter().copied()).collect();
        let scores: Vec<f64> = all.iter().map(|&(g, r)| tables.scores[[g, r]]).collect();
        let total: f64 = scores.iter().sum::<f64>() + 0.0; // never -0.0
        let n = scores.len();
        let n_receivers = self.receivers.len();
        let share = |k: usize, of: usize| if of == 0 { f64::NAN } else { k as f64 / of as f64 };
        // A receiver's allowed givers are those no rule forbids, pins aside.
        let allowed = |g: usize, r: usize| {
            matches!(tables.rules[[g, r]], None | Some(Rule::TakenByPin)) || self.pins.contains(&(g, r))
        };
        let in_top3 = all
            .iter()
            .filter(|&&(g, r)| {
                let s = tables.scores[[g, r]];
                let better = (0..self.givers.len())
                    .filter(|&o| {
                        let so = tables.scores[[o, r]];
                        o != g && allowed(o, r) && (so > s || (so == s && o < g))
                    })
                    .count();
                better < 3
            })
            .count();
        Metrics {
            total,
            mean_score: if n == 0 { f64::NAN } else { total / n as f64 },
            min_score: scores.iter().copied().reduce(f64::min).unwrap_or(f64::NAN),
            matched: share(n, n_receivers),
            top3: share(in_top3, n),
            blocking_pairs: problem.blocking_pairs(pairs),
            seconds,
        }
    }

    /// Metrics of the optimal matching.
    ///
    /// # Errors
    /// [`MatchError::Cancelled`] or [`MatchError::Memory`] when the tables of every pair, which
    /// a sparse result builds on first need, are cancelled or cannot be allocated.
    pub fn metrics(&self) -> Result<Metrics, MatchError> {
        Ok(self.evaluate(self.tables()?, &self.solved_pairs(), self.solving_seconds))
    }

    /// The optimal matching and every baseline on the same problem, with their metrics, in
    /// [`Method::ALL`] order. `seed` drives the random baseline.
    ///
    /// # Errors
    /// As for [`metrics`](Self::metrics).
    pub fn compare(&self, seed: u64) -> Result<Vec<Comparison>, MatchError> {
        let tables = self.tables()?;
        let problem = self.baseline_problem(tables);
        let compared = Method::ALL
            .into_iter()
            .map(|method| {
                let clock = Instant::now();
                let pairs = match method {
                    Method::Optimal => self.solved_pairs(),
                    Method::Greedy => baselines::greedy(&problem),
                    Method::Random => baselines::random(&problem, seed),
                    Method::Stable => baselines::stable(&problem),
                };
                let seconds =
                    if method == Method::Optimal { self.solving_seconds } else { clock.elapsed().as_secs_f64() };
                let metrics = self.evaluate(tables, &pairs, seconds);
                Comparison { method, pairs: self.named_pairs(&pairs), metrics }
            })
            .collect();
        Ok(compared)
    }
}
