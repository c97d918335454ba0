//! Hard rules: the pairs that are never made, whatever their score.
//!
//! Always on: the same person, a pair inside one reporting chain (either manages the other,
//! at any depth), a seniority gap outside the program's hard bounds. From config:
//! `allow_same_department = false`, `never` pairs, `max_timezone_gap`, `require_shared_language`,
//! hard custom criteria (`hard = true`, shown by the criterion's name) and `min_score`. [`Rules::check`] names the first rule a pair breaks, in the order of
//! [`Rule`].

use serde::{Deserialize, Serialize};

use crate::cohort::Cohort;
use crate::criteria::MAX_CRITERIA;
use crate::program::Settings;
use crate::score::{PairScore, Scorer};

/// A reason a pair is not allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// One of the two did not opt into the program's role for their side.
    NotOptedIn,
    /// Giver and receiver are the same person.
    SamePerson,
    /// One manages the other, directly or through a chain.
    ReportingChain,
    /// The seniority gap is outside the program's hard bounds.
    SeniorityGap,
    /// Both work in the same (named) department and config forbids it.
    SameDepartment,
    /// Listed in config `never`.
    Never,
    /// Further apart in time zones than config `max_timezone_gap`.
    TimezoneGap,
    /// No language in common and config requires one.
    NoSharedLanguage,
    /// A hard custom criterion is 0: its index in config order (named by
    /// [`Rule::name_in`]).
    Criterion(u8),
    /// A pin already takes the receiver, or every slot of the giver.
    TakenByPin,
    /// Scores below config `min_score`.
    BelowMinScore,
}

impl Rule {
    /// How many slots [`Rule::slot`] uses: one per fixed rule, one per possible criterion.
    pub const SLOTS: usize = Rule::ALL.len() + MAX_CRITERIA;

    /// Every fixed rule (all but [`Rule::Criterion`]), in order.
    pub const ALL: [Rule; 10] = [
        Rule::NotOptedIn,
        Rule::SamePerson,
        Rule::ReportingChain,
        Rule::SeniorityGap,
        Rule::SameDepartment,
        Rule::Never,
        Rule::TimezoneGap,
        Rule::NoSharedLanguage,
        Rule::TakenByPin,
        Rule::BelowMinScore,
    ];

    /// A number below [`Rule::SLOTS`] for each rule, for counting: the fixed rules in
    /// [`Rule::ALL`] order, then the criteria.
    #[must_use]
    pub fn slot(self) -> usize {
        match self {
            Rule::NotOptedIn => 0,
            Rule::SamePerson => 1,
            Rule::ReportingChain => 2,
            Rule::SeniorityGap => 3,
            Rule::SameDepartment => 4,
            Rule::Never => 5,
            Rule::TimezoneGap => 6,
            Rule::NoSharedLanguage => 7,
            Rule::TakenByPin => 8,
            Rule::BelowMinScore => 9,
            Rule::Criterion(i) => Rule::ALL.len() + usize::from(i),
        }
    }

    /// The rule of slot `slot` (the inverse of [`Rule::slot`]).
    #[must_use]
    pub fn of_slot(slot: usize) -> Rule {
        Rule::ALL
            .get(slot)
            .copied()
            .unwrap_or_else(|| Rule::Criterion(u8::try_from(slot - Rule::ALL.len()).unwrap_or(u8::MAX)))
    }

    /// The rule's name as tables and explanations show it under `settings`: the criterion's
    /// own name for a hard criterion, else [`Rule::name`].
    #[must_use]
    pub fn name_in(self, settings: &Settings) -> &str {
        match self {
            Rule::Criterion(i) => settings.criteria.get(usize::from(i)).map_or("criterion", |c| c.name.as_str()),
            fixed => fixed.name(),
        }
    }

    /// The rule's name as tables and explanations show it (`reporting_chain`, ...; a hard
    /// criterion is `criterion` here, its own name in [`Rule::name_in`]).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Rule::NotOptedIn => "not_opted_in",
            Rule::SamePerson => "same_person",
            Rule::ReportingChain => "reporting_chain",
            Rule::SeniorityGap => "seniority_gap",
            Rule::SameDepartment => "same_department",
            Rule::Never => "never",
            Rule::TimezoneGap => "timezone_gap",
            Rule::NoSharedLanguage => "no_shared_language",
            Rule::Criterion(_) => "criterion",
            Rule::TakenByPin => "taken_by_pin",
            Rule::BelowMinScore => "below_min_score",
        }
    }
}

/// The rules of one program run, ready to check pairs by cohort position.
#[derive(Clone, Debug)]
pub struct Rules {
    /// The `never` pairs, sorted.
    never: Vec<(usize, usize)>,
}

impl Rules {
    /// Rules with `never` already resolved to cohort positions.
    #[must_use]
    pub fn new(never: impl IntoIterator<Item = (usize, usize)>) -> Rules {
        let mut never: Vec<(usize, usize)> = never.into_iter().collect();
        never.sort_unstable();
        Rules { never }
    }

    /// The first rule that forbids giver → receiver, apart from opt-ins and pins, which
    /// depend on the run rather than on the pair.
    #[must_use]
    pub fn check(
        &self,
        cohort: &Cohort,
        scorer: &Scorer,
        giver: usize,
        receiver: usize,
        score: &PairScore,
    ) -> Option<Rule> {
        let s = scorer.settings();
        let gap = scorer.gap(giver, receiver);
        if giver == receiver {
            Some(Rule::SamePerson)
        } else if cohort.same_chain(giver, receiver) {
            Some(Rule::ReportingChain)
        } else if !(s.gap_bounds[0] <= gap && gap <= s.gap_bounds[1]) {
            Some(Rule::SeniorityGap)
        } else if !s.allow_same_department && scorer.same_department(giver, receiver) {
            Some(Rule::SameDepartment)
        } else if !self.never.is_empty() && self.never.binary_search(&(giver, receiver)).is_ok() {
            Some(Rule::Never)
        } else if s.max_timezone_gap.is_some_and(|max| score.timezone_gap > max) {
            Some(Rule::TimezoneGap)
        } else if s.require_shared_language && !score.shared_language {
            Some(Rule::NoSharedLanguage)
        } else if let Some(i) = scorer.broken_criterion(giver, receiver, score) {
            Some(Rule::Criterion(u8::try_from(i).unwrap_or(u8::MAX)))
        } else if score.score < s.min_score {
            Some(Rule::BelowMinScore)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_number_every_rule_once_in_order() {
        for slot in 0..Rule::SLOTS {
            assert_eq!(Rule::of_slot(slot).slot(), slot);
        }
        assert!(Rule::ALL.iter().enumerate().all(|(i, r)| r.slot() == i));
        assert_eq!(Rule::of_slot(Rule::ALL.len() + 2), Rule::Criterion(2));
    }
}
