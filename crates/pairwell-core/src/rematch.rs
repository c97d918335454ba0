//! Re-matching: match a cohort again after people joined or left, keeping the previous pairs
//! that still make sense.
//!
//! A previous pair *survives* when both people are still in the program (on the same sides)
//! and no hard rule forbids the pair now. [`Keep::Bonus`] adds `keep` to each surviving pair's
//! solver weight (see [`crate::matching::MatchResult::solver_total`]), so the optimum breaks a
//! pair only where that gains more than `keep`; [`Keep::All`] pins every surviving pair that
//! still fits the capacities. Either way the result is the exact, certified optimum of the
//! shifted weights, and [`Change`]s say what became of every previous pair.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::matching::MatchError;
use crate::program::IdPair;

/// What re-matching does with the surviving previous pairs.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// Add this much (`>= 0`, finite) to each surviving pair's solver weight.
    Bonus(f64),
    /// Pin every surviving pair (those that fit the capacities left by config pins).
    All,
}

/// The previous matching and how much to keep of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Previous {
    /// `[giver, receiver]` id pairs of the previous matching.
    pub pairs: Vec<IdPair>,
    /// What happens to the pairs that survive.
    pub keep: Keep,
}

/// What became of a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A previous pair that is in the new matching.
    Kept,
    /// A previous pair that is not.
    Ended,
    /// A pair of the new matching that was not a previous pair.
    New,
}

/// Why a previous pair ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ended {
    /// One of the two is no longer in the cohort, or no longer on their side of the program.
    Left,
    /// Both are still in, but a hard rule forbids the pair now.
    Rule,
    /// Both are still in and the pair is allowed, but the optimum pairs them otherwise.
    Replaced,
}

impl Status {
    /// `kept`, `ended` or `new`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Status::Kept => "kept",
            Status::Ended => "ended",
            Status::New => "new",
        }
    }
}

impl Ended {
    /// `left`, `rule` or `replaced`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Ended::Left => "left",
            Ended::Rule => "rule",
            Ended::Replaced => "replaced",
        }
    }
}

/// One row of the changes between the previous matching and the new one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// Giver id.
    pub giver: String,
    /// Receiver id.
    pub receiver: String,
    /// Kept, ended or new.
    pub status: Status,
    /// Why an ended pair ended (`None` for kept and new pairs).
    pub reason: Option<Ended>,
}

impl Previous {
    /// Checks `keep` and that no receiver appears in two previous pairs.
    ///
    /// # Errors
    /// [`MatchError::Previous`] naming the receiver or the value of `keep`.
    pub fn check(&self) -> Result<(), MatchError> {
        if let Keep::Bonus(keep) = self.keep {
            if !(keep.is_finite() && keep >= 0.0) {
                return Err(MatchError::Previous(format!("keep is {keep}, expected a finite number >= 0 or \"all\"")));
            }
        }
        let mut seen = BTreeMap::new();
        for (row, [giver, receiver]) in self.pairs.iter().enumerate() {
            if let Some(first) = seen.insert(receiver, row) {
                return Err(MatchError::Previous(format!(
                    "receiver {receiver:?} appears in pairs {first} and {row} (the second with giver {giver:?}); a \
                     receiver has one giver"
                )));
            }
        }
        Ok(())
    }
}

/// The changes from the `previous` pairs to the `pairs` now made, sorted by giver then receiver.
/// `allowed(giver, receiver)` is `None` when either has left, else whether the rules allow it.
pub(crate) fn changes(
    previous: &[IdPair],
    pairs: &BTreeSet<(&str, &str)>,
    allowed: impl Fn(&str, &str) -> Option<bool>,
) -> Vec<Change> {
    let change = |giver: &str, receiver: &str, status, reason| Change {
        giver: giver.to_string(),
        receiver: receiver.to_string(),
        status,
        reason,
    };
    let before: BTreeSet<(&str, &str)> = previous.iter().map(|[g, r]| (g.as_str(), r.as_str())).collect();
    let mut out: Vec<Change> = before
        .iter()
        .map(|&(g, r)| {
            if pairs.contains(&(g, r)) {
                return change(g, r, Status::Kept, None);
            }
            let reason = match allowed(g, r) {
                None => Ended::Left,
                Some(false) => Ended::Rule,
                Some(true) => Ended::Replaced,
            };
            change(g, r, Status::Ended, Some(reason))
        })
        .collect();
    out.extend(pairs.difference(&before).map(|&(g, r)| change(g, r, Status::New, None)));
    out.sort_by(|a, b| (&a.giver, &a.receiver).cmp(&(&b.giver, &b.receiver)));
    out
}
