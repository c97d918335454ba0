//! The matching engine: people and a program in, the optimal pairs and their explanations out.
//!
//! [`match_people`] validates the cohort and config, takes the people who opted into the
//! program's two roles (sorted by id, so input order never changes the result), scores every
//! giver × receiver pair in parallel, removes pairs that break a hard rule, forces the pins in,
//! and solves the rest exactly as a maximum-weight matching with giver capacities in which
//! people may stay unmatched. The [`MatchResult`] keeps what it needs to explain any pair and
//! to prove its total optimal.

use std::time::Instant;

use ndarray::Array2;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cancel::{Cancelled, Token};
use crate::cohort::{Cohort, CohortError, Person};
use crate::program::{Config, ConfigError, Program, Settings};
use crate::rules::{Rule, Rules};
use crate::score::{PairScore, Scorer};
use crate::solve::{self, Assignment, CertificateError, SolveError, SolveOptions};

/// Why a matching could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MatchError {
    /// The people do not form a valid cohort.
    #[error(transparent)]
    Cohort(#[from] CohortError),
    /// The program or config is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An id in config (`never`, `pin`) or in a question that names nobody in the cohort.
    #[error("{key}: unknown id {id:?}")]
    UnknownId {
        /// Where the id appeared (`never`, `pin`, `giver`, `receiver`).
        key: &'static str,
        /// The id.
        id: String,
    },
    /// A pin that cannot be honoured.
    #[error("pin [{giver:?}, {receiver:?}] cannot be made: {reason}")]
    Pin {
        /// The pinned giver.
        giver: String,
        /// The pinned receiver.
        receiver: String,
        /// Which rule or capacity it breaks.
        reason: String,
    },
    /// The solver failed (it cannot with valid scores; kept so nothing is silently dropped).
    #[error(transparent)]
    Solve(#[from] SolveError),
    /// The caller cancelled the match (see [`crate::cancel`]).
    #[error(transparent)]
    Cancelled(#[from] Cancelled),
}

/// One pair of the matching.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pair {
    /// Giver id.
    pub giver: String,
    /// Receiver id.
    pub receiver: String,
    /// The pair's score and breakdown.
    #[serde(flatten)]
    pub score: PairScore,
    /// Whether config pinned this pair.
    pub pinned: bool,
}

/// Which side of the program a person is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Mentor, sponsor or reverse mentor.
    Giver,
    /// Mentee, protégé or reverse mentee.
    Receiver,
}

impl Side {
    /// `giver` or `receiver`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Side::Giver => "giver",
            Side::Receiver => "receiver",
        }
    }
}

/// Why a participant ended up without a partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Every possible partner is excluded by a hard rule (other than `min_score`).
    NoEligiblePartner,
    /// Some partners pass the hard rules, but all of them score below `min_score`.
    BelowMinScore,
    /// Eligible partners exist, but the optimum gives each of them to someone else.
    PartnersTaken,
    /// A giver whose capacity is 0: they opted in but can take nobody.
    NoCapacity,
}

impl Reason {
    /// The reason as tables show it.
    #[must_use]
    pub fn text(self) -> &'static str {
        match self {
            Reason::NoEligiblePartner => "no eligible partner",
            Reason::BelowMinScore => "every partner below min_score",
            Reason::PartnersTaken => "partners taken by others",
            Reason::NoCapacity => "no capacity",
        }
    }
}

/// A participant left without a partner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unmatched {
    /// The person's id.
    pub id: String,
    /// Their side.
    pub side: Side,
    /// Why.
    pub reason: Reason,
    /// How many partners each rule excluded, e.g. `"3 reporting_chain, 1 seniority_gap"`.
    pub detail: String,
}

/// Everything known about one giver → receiver pair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Giver id.
    pub giver: String,
    /// Receiver id.
    pub receiver: String,
    /// Score and breakdown.
    #[serde(flatten)]
    pub score: PairScore,
    /// Whether the rules allow the pair.
    pub allowed: bool,
    /// The rule that forbids it, if any.
    pub rule: Option<Rule>,
    /// Whether the matching contains it.
    pub matched: bool,
    /// How much the optimal total drops if this pair is forced in (0 when matched; `None`
    /// when a rule forbids it).
    pub regret: Option<f64>,
}

/// The optimal matching of one program, with what is needed to explain and certify it.
#[derive(Clone, Debug)]
pub struct MatchResult {
    /// The program matched.
    pub program: Program,
    /// The settings used (preset plus config).
    pub settings: Settings,
    /// The pairs, sorted by giver then receiver id.
    pub pairs: Vec<Pair>,
    /// Participants without a partner, givers first, each sorted by id.
    pub unmatched: Vec<Unmatched>,
    /// Sum of pair scores: the maximum over all matchings that keep the rules and capacities.
    pub total: f64,
    /// Wall time of scoring and rules, in seconds.
    pub scoring_seconds: f64,
    /// Wall time of the solver, in seconds.
    pub solving_seconds: f64,
    pub(crate) cohort: Cohort,
    pub(crate) scorer: Scorer,
    pub(crate) givers: Vec<usize>,
    pub(crate) receivers: Vec<usize>,
    /// Score of each giver × receiver pair (by position in `givers`, `receivers`).
    pub(crate) scores: Array2<f64>,
    /// What the giver gains from each pair (their side of the stable baseline's preferences).
    pub(crate) gains: Array2<f64>,
    /// Rule forbidding each pair.
    pub(crate) rules: Array2<Option<Rule>>,
    /// The problem handed to the solver (pins removed) and its solution.
    pub(crate) problem: Array2<f64>,
    pub(crate) options: SolveOptions,
    pub(crate) solution: Assignment,
    /// Giver and receiver of each pin (positions in `givers`, `receivers`).
    pub(crate) pins: Vec<(usize, usize)>,
}

/// Matches `people` for `program` under `config`.
///
/// # Errors
/// [`MatchError`] for an invalid cohort (duplicate ids, NaN levels, unknown managers, manager
/// cycles...), an invalid config, unknown ids in `never` or `pin`, or a pin that breaks a rule
/// or a capacity.
pub fn match_people(people: Vec<Person>, program: Program, config: &Config) -> Result<MatchResult, MatchError> {
    let settings = Settings::resolve(program, config)?;
    let cohort = Cohort::new(people)?;
    let resolve = |key, pairs: &[[String; 2]]| -> Result<Vec<(usize, usize)>, MatchError> {
        pairs
            .iter()
            .map(|[g, r]| {
                let find =
                    |id: &String| cohort.position(id).ok_or_else(|| MatchError::UnknownId { key, id: id.clone() });
                Ok((find(g)?, find(r)?))
            })
            .collect()
    };
    let never = resolve("never", &settings.never)?;
    let pinned = resolve("pin", &settings.pin)?;
    let scorer = Scorer::new(&cohort, &settings);
    let rules_of_run = Rules::new(never);

    let people = cohort.people();
    let side = |role| {
        let mut ids: Vec<usize> = (0..people.len()).filter(|&i| people[i].has_role(role)).collect();
        ids.sort_by(|&a, &b| people[a].id.cmp(&people[b].id));
        ids
    };
    let givers = side(program.giver_role());
    let receivers = side(program.receiver_role());

    // Scores and rules of every pair, one giver per task; a cancelled run skips the rest.
    let clock = Instant::now();
    let token = Token::current();
    let mut scores = Array2::zeros((givers.len(), receivers.len()));
    let mut gains = Array2::zeros((givers.len(), receivers.len()));
    let mut rules = Array2::from_elem((givers.len(), receivers.len()), None);
    scores
        .outer_iter_mut()
        .into_par_iter()
        .zip(gains.outer_iter_mut())
        .zip(rules.outer_iter_mut())
        .zip(&givers)
        .for_each(|(((mut score_row, mut gain_row), mut rule_row), &g)| {
            if token.is_cancelled() {
                return;
            }
            let giver = scorer.row(g);
            let cells = score_row.iter_mut().zip(gain_row.iter_mut()).zip(rule_row.iter_mut());
            for (((s, gain), rule), &r) in cells.zip(&receivers) {
                let pair = giver.pair(r);
                *s = pair.score;
                *gain = pair.giver_gain();
                *rule = rules_of_run.check(&cohort, &scorer, g, r, &pair);
            }
        });

    token.check()?;
    let pins = place_pins(&cohort, &givers, &receivers, &rules, &pinned)?;
    let mut capacities: Vec<usize> = givers.iter().map(|&g| people[g].capacity as usize).collect();
    let mut receiver_free = vec![true; receivers.len()];
    for &(gi, ri) in &pins {
        capacities[gi] -= 1;
        receiver_free[ri] = false;
    }
    for ((gi, ri), rule) in rules.indexed_iter_mut() {
        let filled_by_pins = capacities[gi] == 0 && people[givers[gi]].capacity > 0;
        if rule.is_none() && (!receiver_free[ri] || filled_by_pins) {
            *rule = Some(Rule::Pinned);
        }
    }
    // Pinned receivers and pairs with any rule are forbidden in the solver's problem.
    let problem = Array2::from_shape_fn(scores.dim(), |(gi, ri)| {
        if rules[[gi, ri]].is_none() {
            scores[[gi, ri]]
        } else {
            f64::NEG_INFINITY
        }
    });
    let options = SolveOptions { maximize: true, capacities: Some(capacities), allow_unmatched: true };
    let scoring_seconds = clock.elapsed().as_secs_f64();
    let clock = Instant::now();
    let solution = solve::solve(problem.view(), &options)?;
    let solving_seconds = clock.elapsed().as_secs_f64();

    let unmatched = unmatched(people, &givers, &receivers, &rules, &pins, &solution);

    let mut result = MatchResult {
        program,
        settings,
        pairs: Vec::new(),
        unmatched,
        total: 0.0,
        scoring_seconds,
        solving_seconds,
        cohort,
        scorer,
        givers,
        receivers,
        scores,
        gains,
        rules,
        problem,
        options,
        solution,
        pins,
    };
    result.pairs = result.named_pairs(&result.solution.pairs());
    result.total = result.pairs.iter().map(|p| p.score.score).sum::<f64>() + 0.0; // never -0.0
    Ok(result)
}

/// Pins as (giver, receiver) positions in the sorted sides, after checking each is allowed
/// and that no receiver is pinned twice and no giver beyond capacity.
fn place_pins(
    cohort: &Cohort,
    givers: &[usize],
    receivers: &[usize],
    rules: &Array2<Option<Rule>>,
    pinned: &[(usize, usize)],
) -> Result<Vec<(usize, usize)>, MatchError> {
    let people = cohort.people();
    let mut used = vec![0u32; givers.len()];
    let mut taken = vec![false; receivers.len()];
    let mut pins = Vec::with_capacity(pinned.len());
    for &(g, r) in pinned {
        let fail =
            |reason: String| MatchError::Pin { giver: people[g].id.clone(), receiver: people[r].id.clone(), reason };
        let gi = givers
            .iter()
            .position(|&x| x == g)
            .ok_or_else(|| fail("the giver did not opt into the giver role".into()))?;
        let ri = receivers
            .iter()
            .position(|&x| x == r)
            .ok_or_else(|| fail("the receiver did not opt into the receiver role".into()))?;
        if let Some(rule) = rules[[gi, ri]] {
            return Err(fail(format!("it breaks the rule {}", rule.name())));
        }
        if taken[ri] {
            return Err(fail("the receiver is pinned twice".into()));
        }
        used[gi] += 1;
        if used[gi] > people[g].capacity {
            return Err(fail(format!("the giver's capacity is {}", people[g].capacity)));
        }
        taken[ri] = true;
        pins.push((gi, ri));
    }
    Ok(pins)
}

/// Every participant without a partner, with the reason.
fn unmatched(
    people: &[Person],
    givers: &[usize],
    receivers: &[usize],
    rules: &Array2<Option<Rule>>,
    pins: &[(usize, usize)],
    solution: &Assignment,
) -> Vec<Unmatched> {
    let mut giver_has = vec![false; givers.len()];
    let mut receiver_has = vec![false; receivers.len()];
    for (g, r) in pins.iter().copied().chain(solution.pairs()) {
        giver_has[g] = true;
        receiver_has[r] = true;
    }
    let explain = |id: &str, side, lane: &mut dyn Iterator<Item = &Option<Rule>>| {
        let mut counts: std::collections::BTreeMap<Rule, usize> = std::collections::BTreeMap::new();
        let mut open = 0;
        for rule in lane {
            match rule {
                None | Some(Rule::Pinned) => open += 1,
                Some(rule) => *counts.entry(*rule).or_default() += 1,
            }
        }
        let reason = if open > 0 {
            Reason::PartnersTaken
        } else if counts.contains_key(&Rule::BelowMinScore) {
            Reason::BelowMinScore
        } else {
            Reason::NoEligiblePartner
        };
        let mut parts: Vec<String> = Vec::new();
        if open > 0 {
            parts.push(format!("{open} eligible"));
        }
        parts.extend(counts.iter().map(|(rule, n)| format!("{n} {}", rule.name())));
        let detail = if parts.is_empty() { "nobody on the other side".to_string() } else { parts.join(", ") };
        Unmatched { id: id.to_string(), side, reason, detail }
    };
    let mut out = Vec::new();
    for (gi, &g) in givers.iter().enumerate() {
        if !giver_has[gi] {
            let mut u = explain(&people[g].id, Side::Giver, &mut rules.row(gi).iter());
            if people[g].capacity == 0 {
                u.reason = Reason::NoCapacity;
                u.detail = format!("capacity 0; {}", u.detail);
            }
            out.push(u);
        }
    }
    for (ri, &r) in receivers.iter().enumerate() {
        if !receiver_has[ri] {
            out.push(explain(&people[r].id, Side::Receiver, &mut rules.column(ri).iter()));
        }
    }
    out
}

impl MatchResult {
    /// The pins plus `pairs` (positions in the solver's problem) as named, scored pairs,
    /// sorted by giver then receiver id.
    pub(crate) fn named_pairs(&self, pairs: &[(usize, usize)]) -> Vec<Pair> {
        let people = self.cohort.people();
        let pinned = self.pins.iter().map(|&(g, r)| (g, r, true));
        let mut named: Vec<Pair> = pinned
            .chain(pairs.iter().map(|&(g, r)| (g, r, false)))
            .map(|(gi, ri, pinned)| Pair {
                giver: people[self.givers[gi]].id.clone(),
                receiver: people[self.receivers[ri]].id.clone(),
                score: self.scorer.pair(self.givers[gi], self.receivers[ri]),
                pinned,
            })
            .collect();
        named.sort_by(|a, b| (&a.giver, &a.receiver).cmp(&(&b.giver, &b.receiver)));
        named
    }

    /// Score, rule, match status and regret of giver → receiver.
    ///
    /// # Errors
    /// [`MatchError::UnknownId`] when either id is not in the cohort.
    pub fn explain(&self, giver: &str, receiver: &str) -> Result<Explanation, MatchError> {
        let find =
            |key, id: &str| self.cohort.position(id).ok_or_else(|| MatchError::UnknownId { key, id: id.to_string() });
        let (g, r) = (find("giver", giver)?, find("receiver", receiver)?);
        let score = self.scorer.pair(g, r);
        let gi = self.givers.iter().position(|&x| x == g);
        let ri = self.receivers.iter().position(|&x| x == r);
        let (rule, matched, regret) = match (gi, ri) {
            (Some(gi), Some(ri)) => {
                let solved = self.solution.rows.iter().zip(&self.solution.cols).any(|(&g, &r)| (g, r) == (gi, ri));
                let matched = solved || self.pins.contains(&(gi, ri));
                match self.rules[[gi, ri]] {
                    _ if matched => (None, true, Some(0.0)),
                    Some(rule) => (Some(rule), false, None),
                    None => (None, false, self.solution.forced_loss(self.problem.view(), &self.options, gi, ri)),
                }
            }
            _ => (Some(Rule::NotOptedIn), false, None),
        };
        Ok(Explanation {
            giver: giver.to_string(),
            receiver: receiver.to_string(),
            score,
            allowed: rule.is_none(),
            rule,
            matched,
            regret,
        })
    }

    /// Proves `total` optimal: checks the solver's assignment of the non-pinned people against
    /// its dual certificate, and that the pairs add up to `total`.
    ///
    /// # Errors
    /// [`CertificateError`] naming the first failed condition.
    pub fn verify(&self) -> Result<(), CertificateError> {
        self.solution.verify(self.problem.view(), &self.options)?;
        let pinned: f64 = self.pairs.iter().filter(|p| p.pinned).map(|p| p.score.score).sum();
        let expected = pinned + self.solution.objective;
        if (expected - self.total).abs() > 1e-9 * (1.0 + self.total.abs()) {
            return Err(CertificateError::Gap {
                primal: self.total,
                what: "pins plus the solver's optimum",
                other: expected,
            });
        }
        Ok(())
    }

    /// The validated cohort the result was computed on.
    #[must_use]
    pub fn cohort(&self) -> &Cohort {
        &self.cohort
    }

    /// Ids of the givers and of the receivers who took part, each sorted.
    #[must_use]
    pub fn participants(&self) -> (Vec<&str>, Vec<&str>) {
        let ids = |side: &[usize]| side.iter().map(|&i| self.cohort.people()[i].id.as_str()).collect();
        (ids(&self.givers), ids(&self.receivers))
    }
}
