//! Recommendations ("self-match"): a person's best allowed partners, best first.
//!
//! A person may be a giver or a receiver, or both (a mentor who is also a mentee: their
//! partners on both sides are ranked together, each row saying the person's `side`). Their
//! partners are the people of the other side that the matching could pair them with: every
//! hard rule holds and the giver can take someone (capacity above 0). Partners are ranked by
//! score, highest first, ties by partner id (then giver side first), so the list never depends
//! on input order or thread count.
//!
//! - [`MatchResult::recommend`] ranks one person's partners after a match, and says for each
//!   whether the matching pairs them, whether the partner still has room, and the exact regret:
//!   how much the optimal total drops if the pair is forced in, equal to what
//!   [`MatchResult::explain`] computes, from one shortest-path search per person on the
//!   solver's dual potentials (see `regrets`). Pins count as in the matching: a pinned pair is
//!   matched, and a pair a pin rules out (its receiver, or every place of its giver, taken by a
//!   pin) is not recommended. For the plain objective, the residual graph (built on the first
//!   call, kept with the result) holds every person's candidate list, or every pair after a
//!   dense solve, so up to that many partners are ranked from it without scoring a pair;
//!   otherwise by one scan of the person's pairs.
//! - [`recommend`] ranks many people's partners without solving: one parallel pass over the
//!   pairs of the people asked about (the candidate scan, on the sides cut down to them). The rules
//!   apply as in the matching; pins do not restrict it, as nothing is matched.

mod regrets;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::candidates::{Best, Bonus, Pairs, Scan};
use crate::cohort::Cohort;
#[cfg(test)]
use crate::matching::Explanation;
use crate::matching::{setup, MatchError, MatchResult, Setup, Side};
use crate::people::People;
use crate::program::{Config, Program};
use crate::score::{PairScore, Scorer};

pub(crate) use regrets::Residual;

/// Why recommendations could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecommendError {
    /// The people, config or an id is invalid (an unknown id is [`MatchError::UnknownId`] with
    /// key `id`).
    #[error(transparent)]
    Match(#[from] MatchError),
    /// The person opted into neither role of the program.
    #[error(
        "{id:?} is in neither side of {program}: they did not opt into the role '{giver}' or \
         '{receiver}' (column 'roles'), so they have no partners to recommend"
    )]
    NotParticipant {
        /// The person's id.
        id: String,
        /// The program.
        program: &'static str,
        /// The program's giver role.
        giver: &'static str,
        /// The program's receiver role.
        receiver: &'static str,
    },
}

/// One recommended partner, made without solving.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// The person the recommendation is for.
    pub id: String,
    /// The person's side in the pair (the partner is on the other).
    pub side: Side,
    /// The recommended partner.
    pub partner: String,
    /// 1 for the best partner, 2 for the next, ...
    pub rank: usize,
    /// The pair's score and breakdown.
    #[serde(flatten)]
    pub score: PairScore,
    /// The values of the scorer's components (custom criteria included), in the order of
    /// [`Scorer::component_names`].
    pub components: Vec<f64>,
}

/// One recommended partner, after a match.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// Person, side, partner, rank and score.
    #[serde(flatten)]
    pub suggestion: Suggestion,
    /// Whether the matching (pins included) contains the pair.
    pub matched: bool,
    /// Whether the partner still has room in the matching: a giver with a place left, or a
    /// receiver without a giver.
    pub partner_has_room: bool,
    /// How much the optimal total drops if the pair is forced in: 0 for a matched pair.
    pub regret: f64,
}

/// A person's places in a run: their side and position in it (one or two: a person may take
/// both roles).
fn places(
    cohort: &Cohort,
    givers: &[usize],
    receivers: &[usize],
    id: &str,
    program: Program,
) -> Result<Vec<(Side, usize)>, RecommendError> {
    let at = cohort.position(id).ok_or_else(|| MatchError::UnknownId { key: "id", id: id.to_string() })?;
    let people = cohort.people();
    let id = people[at].id.as_str();
    let find = |side: &[usize]| side.binary_search_by(|&p| people[p].id.as_str().cmp(id)).ok();
    let found: Vec<(Side, usize)> = [(Side::Giver, find(givers)), (Side::Receiver, find(receivers))]
        .into_iter()
        .filter_map(|(side, at)| at.map(|at| (side, at)))
        .collect();
    if found.is_empty() {
        return Err(RecommendError::NotParticipant {
            id: id.to_string(),
            program: program.name(),
            giver: program.giver_role().name(),
            receiver: program.receiver_role().name(),
        });
    }
    Ok(found)
}

/// A listed partner: score, the person's side, the pair as (giver, receiver) positions.
type Entry = (f64, Side, (usize, usize));

/// Each place's best partners: `(score, partner position)`, best first.
type Lists = BTreeMap<(Side, usize), Vec<(f64, u32)>>;

/// The best `k` open pairs of each place of `pairs` asked about (positions in `pairs.givers` or
/// `pairs.receivers`), keyed by place: `(score, partner position)`, best first, ties by partner
/// position (that is, by id).
///
/// The scan runs on the sides cut down to the people asked about (those givers against every
/// receiver, every giver against those receivers), so its cost is proportional to their
/// partners, not to every pair.
fn best_of(pairs: &Pairs<'_>, asked: &[(Side, usize)]) -> Result<Lists, MatchError> {
    let mut out = BTreeMap::new();
    let items = |best: &Best| best.items().iter().take(pairs.k).copied().collect::<Vec<_>>();
    let of = |side| -> Vec<usize> {
        let mut of: Vec<usize> = asked.iter().filter(|a| a.0 == side).map(|a| a.1).collect();
        of.sort_unstable();
        of.dedup();
        of
    };
    let (of_givers, of_receivers) = (of(Side::Giver), of(Side::Receiver));
    if !of_givers.is_empty() {
        let givers: Vec<usize> = of_givers.iter().map(|&gi| pairs.givers[gi]).collect();
        let room: Vec<usize> = of_givers.iter().map(|&gi| pairs.room[gi]).collect();
        let Scan { giver_best, .. } = Pairs { givers: &givers, room: &room, ..*pairs }.scan()?;
        out.extend(of_givers.iter().zip(&giver_best).map(|(&gi, best)| ((Side::Giver, gi), items(best))));
    }
    if !of_receivers.is_empty() {
        let receivers: Vec<usize> = of_receivers.iter().map(|&ri| pairs.receivers[ri]).collect();
        let free: Vec<bool> = of_receivers.iter().map(|&ri| pairs.receiver_free[ri]).collect();
        let Scan { receiver_best, .. } = Pairs { receivers: &receivers, receiver_free: &free, ..*pairs }.scan()?;
        out.extend(of_receivers.iter().zip(&receiver_best).map(|(&ri, best)| ((Side::Receiver, ri), items(best))));
    }
    Ok(out)
}

/// The pair of the place `(side, at)` with the partner at position `partner` of the other side.
fn pair_of(side: Side, at: usize, partner: usize) -> (usize, usize) {
    match side {
        Side::Giver => (at, partner),
        Side::Receiver => (partner, at),
    }
}

/// The best `k` of `entries`: score first, then partner id, then the giver side first.
fn rank(entries: &mut Vec<Entry>, k: usize, cohort: &Cohort, givers: &[usize], receivers: &[usize]) {
    let partner = |&(_, side, (gi, ri)): &Entry| {
        let p = if side == Side::Giver { receivers[ri] } else { givers[gi] };
        cohort.people()[p].id.as_str()
    };
    entries.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| partner(a).cmp(partner(b))).then(a.1.cmp(&b.1)));
    entries.truncate(k);
}

/// Named, ranked suggestions of `entries` (already ranked) for the person `id`.
fn suggestions<'a>(
    id: &'a str,
    entries: &'a [Entry],
    cohort: &'a Cohort,
    scorer: &'a Scorer,
    givers: &'a [usize],
    receivers: &'a [usize],
) -> impl Iterator<Item = Suggestion> + 'a {
    entries.iter().enumerate().map(move |(rank, &(_, side, (gi, ri)))| {
        let (g, r) = (givers[gi], receivers[ri]);
        let partner = if side == Side::Giver { r } else { g };
        let score = scorer.pair(g, r);
        Suggestion {
            id: id.to_string(),
            side,
            partner: cohort.people()[partner].id.clone(),
            rank: rank + 1,
            components: scorer.component_values(&score),
            score,
        }
    })
}

impl MatchResult {
    /// The best `k` partners of the person `id` (a giver, a receiver, or both), best first,
    /// with whether each pair is matched, whether the partner has room, and each pair's exact
    /// regret (see the [module doc](crate::recommend)). Fewer than `k` when the person has
    /// fewer partners.
    ///
    /// # Errors
    /// [`MatchError::UnknownId`] (key `id`) when nobody has that id,
    /// [`RecommendError::NotParticipant`] when the person is in neither side of the program.
    pub fn recommend(&self, id: &str, k: usize) -> Result<Vec<Recommendation>, RecommendError> {
        let asked = places(&self.cohort, &self.givers, &self.receivers, id, self.program)?;
        // Nobody has more partners than the two sides hold (and list lengths must not overflow).
        let k = k.min(self.givers.len() + self.receivers.len());
        // Partners rank by their true score, whatever the objective adds to the solver's weights.
        let plain = Bonus::default();
        let view = Pairs { k, bonus: &plain, ..self.pair_view() };
        // For the plain objective, the residual graph holds every place's best pairs (see
        // `Residual::lists`): no pair is scored; otherwise one scan of the person's pairs.
        let residual = if self.bonus.is_zero() && self.floors.is_empty() { Some(self.residual(&view)?) } else { None };
        let lists = match residual.filter(|r| r.lists(k)) {
            Some(r) => asked.iter().map(|&(side, at)| ((side, at), r.best(side, at, k))).collect(),
            None => best_of(&view, &asked)?,
        };
        let mut entries: Vec<Entry> = Vec::new();
        for ((side, at), list) in lists {
            entries.extend(list.iter().map(|&(score, partner)| (score, side, pair_of(side, at, partner as usize))));
        }
        // Pins are not open pairs (they take their receiver): the person's own pins join the list.
        for &(gi, ri) in &self.pins {
            for &(side, at) in &asked {
                if (side == Side::Giver && gi == at) || (side == Side::Receiver && ri == at) {
                    entries.push((self.scorer.pair(self.givers[gi], self.receivers[ri]).score, side, (gi, ri)));
                }
            }
        }
        rank(&mut entries, k, &self.cohort, &self.givers, &self.receivers);

        let mut load = vec![0usize; self.givers.len()];
        let mut receiver_matched: Vec<bool> = self.receiver_free.iter().map(|free| !free).collect();
        let solved = self.solved_pairs();
        for &(gi, ri) in &solved {
            load[gi] += 1;
            receiver_matched[ri] = true;
        }
        let matched: Vec<bool> = entries
            .iter()
            .map(|&(_, _, pair)| self.pins.contains(&pair) || solved.binary_search(&pair).is_ok())
            .collect();
        let regret = if let Some(residual) = residual {
            regrets(residual, &view, &asked, &entries, &matched)?
        } else {
            // Bonuses and floors' dummy givers change the residual graph the fast search walks:
            // each regret comes from `explain`'s search instead, exact in the solver's weights.
            let people = self.cohort.people();
            entries
                .iter()
                .zip(&matched)
                .map(|(&(_, _, (gi, ri)), &matched)| {
                    if matched {
                        return Ok(0.0);
                    }
                    let explained = self.explain(&people[self.givers[gi]].id, &people[self.receivers[ri]].id)?;
                    Ok(explained.regret.unwrap_or(f64::INFINITY))
                })
                .collect::<Result<Vec<f64>, RecommendError>>()?
        };
        let named = suggestions(id, &entries, &self.cohort, &self.scorer, &self.givers, &self.receivers);
        Ok(named
            .zip(&entries)
            .zip(matched.into_iter().zip(regret))
            .map(|((suggestion, &(_, side, (gi, ri))), (matched, regret))| {
                let partner_has_room = match side {
                    Side::Giver => !receiver_matched[ri],
                    Side::Receiver => load[gi] < self.room[gi],
                };
                Recommendation { suggestion, matched, partner_has_room, regret }
            })
            .collect())
    }

    /// The residual graph of the optimum, built on first need.
    fn residual(&self, view: &Pairs<'_>) -> Result<&Residual, MatchError> {
        if let Some(r) = self.residual.get() {
            return Ok(r);
        }
        let built = Residual::new(self, view)?;
        Ok(self.residual.get_or_init(|| built))
    }
}

/// The regret of every listed pair (`entries`, with `matched`) of the person at `asked`, for
/// the plain objective: every listed pair that is not matched is open and its giver has room,
/// so one search per place of the person gives all of their regrets.
fn regrets(
    residual: &Residual,
    view: &Pairs<'_>,
    asked: &[(Side, usize)],
    entries: &[Entry],
    matched: &[bool],
) -> Result<Vec<f64>, MatchError> {
    let mut regret = vec![0.0; entries.len()];
    for &(side, at) in asked {
        let open: Vec<usize> = (0..entries.len()).filter(|&e| entries[e].1 == side && !matched[e]).collect();
        if open.is_empty() {
            continue;
        }
        let partners: Vec<usize> = open
            .iter()
            .map(|&e| match side {
                Side::Giver => entries[e].2 .1,
                Side::Receiver => entries[e].2 .0,
            })
            .collect();
        let paths = residual.paths(view, side, at, &partners)?;
        for (&e, path) in open.iter().zip(paths) {
            let (score, _, (gi, ri)) = entries[e];
            regret[e] = residual.reduced(gi, ri, score) + path;
        }
    }
    Ok(regret)
}

/// The best `k` partners of each person in `ids` (every receiver, in id order, when `None`;
/// a receiver who is also a giver gets partners of both sides, as for any id), without solving: rows grouped by person in the order asked, best partner first (see the
/// [module doc](crate::recommend)). The people and config are checked as by
/// [`crate::matching::match_read`]; pins do not restrict recommendations.
///
/// # Errors
/// As [`crate::matching::match_read`] for the people and config, and as
/// [`MatchResult::recommend`] for each id.
pub fn recommend(
    people: People,
    program: Program,
    config: &Config,
    ids: Option<&[String]>,
    k: usize,
) -> Result<Suggestions, RecommendError> {
    let Setup { cohort, scorer, rules, givers, receivers, .. } = setup(people, program, config)?;
    let every_receiver: Vec<String>;
    let ids = match ids {
        Some(ids) => ids,
        None => {
            every_receiver = receivers.iter().map(|&r| cohort.people()[r].id.clone()).collect();
            &every_receiver
        }
    };
    let asked: Vec<(&String, Vec<(Side, usize)>)> = ids
        .iter()
        .map(|id| Ok((id, places(&cohort, &givers, &receivers, id, program)?)))
        .collect::<Result<_, RecommendError>>()?;
    let k = k.min(givers.len() + receivers.len());
    let room: Vec<usize> = givers.iter().map(|&g| cohort.people()[g].capacity as usize).collect();
    let receiver_free = vec![true; receivers.len()];
    let bonus = Bonus::default();
    let pairs = Pairs {
        cohort: &cohort,
        scorer: &scorer,
        rules: &rules,
        givers: &givers,
        receivers: &receivers,
        room: &room,
        receiver_free: &receiver_free,
        k,
        bonus: &bonus,
    };
    let flat: Vec<(Side, usize)> = asked.iter().flat_map(|(_, places)| places.iter().copied()).collect();
    let lists = best_of(&pairs, &flat)?;
    let mut out = Vec::new();
    for (id, places) in &asked {
        let mut entries: Vec<Entry> = Vec::new();
        for &(side, at) in places {
            let list = lists.get(&(side, at)).map_or(&[][..], Vec::as_slice);
            entries.extend(list.iter().map(|&(score, partner)| (score, side, pair_of(side, at, partner as usize))));
        }
        rank(&mut entries, k, &cohort, &givers, &receivers);
        out.extend(suggestions(id, &entries, &cohort, &scorer, &givers, &receivers));
    }
    let components = scorer.component_names().into_iter().map(String::from).collect();
    Ok(Suggestions { components, rows: out })
}

/// What [`recommend`] gives: the rows, and the names of their components.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestions {
    /// The names of [`Suggestion::components`].
    pub components: Vec<String>,
    /// Every person's partners, grouped by person in the order asked, best first.
    pub rows: Vec<Suggestion>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::match_people;
    use crate::program::Solver;
    use crate::sample::sample_cohort;

    /// Every participant's full list against [`MatchResult::explain`] pair by pair: the same
    /// partners in score order (ties by id), the same matched flags and regrets, for the dense
    /// solver and for the sparse one with candidate lists short enough that searches reach
    /// pairs outside the arcs.
    #[test]
    fn recommend_equals_explain_on_every_pair() {
        for program in Program::ALL {
            for (solver, candidates) in [(Solver::Dense, None), (Solver::Sparse, Some(1))] {
                let config = Config { solver: Some(solver), candidates, ..Config::default() };
                let result = match_people(sample_cohort(120, 5).unwrap(), program, &config).unwrap();
                let (givers, receivers) = result.participants();
                let capacity = |id: &str| result.cohort.people()[result.cohort.position(id).unwrap()].capacity;
                for (side, people, partners) in
                    [(Side::Giver, &givers, &receivers), (Side::Receiver, &receivers, &givers)]
                {
                    for &person in people.iter() {
                        let mut want: Vec<(f64, &str, Explanation)> = partners
                            .iter()
                            .map(|&partner| {
                                let (g, r) = if side == Side::Giver { (person, partner) } else { (partner, person) };
                                (partner, result.explain(g, r).unwrap(), capacity(g))
                            })
                            .filter(|(_, e, capacity)| e.allowed && *capacity > 0)
                            .map(|(partner, e, _)| (e.score.score, partner, e))
                            .collect();
                        want.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
                        let got: Vec<Recommendation> = result
                            .recommend(person, usize::MAX)
                            .unwrap()
                            .into_iter()
                            .filter(|r| r.suggestion.side == side)
                            .collect();
                        assert_eq!(got.len(), want.len(), "{person}");
                        for (r, (score, partner, e)) in got.iter().zip(&want) {
                            assert_eq!((r.suggestion.partner.as_str(), r.suggestion.score.score), (*partner, *score));
                            assert_eq!(r.matched, e.matched);
                            let regret = e.regret.unwrap();
                            assert!((r.regret - regret).abs() < 1e-9, "{person} {partner}: {} vs {regret}", r.regret);
                        }
                    }
                }
            }
        }
    }

    /// With the plain objective and `k` up to the candidate lists' length, partners are ranked
    /// from the residual graph's arcs, scoring nothing: the same rows as the first `k` of the
    /// full list (ranked by a scan of the person's pairs), with and without a pin.
    #[test]
    fn short_lists_from_the_arcs_equal_the_full_lists() {
        for program in Program::ALL {
            let people = sample_cohort(150, 7).unwrap();
            let sparse = Config { solver: Some(Solver::Sparse), candidates: Some(3), ..Config::default() };
            let first = match_people(people.clone(), program, &sparse).unwrap();
            let pin = first.pairs.iter().map(|p| [p.giver.clone(), p.receiver.clone()]).take(1).collect();
            for config in [sparse.clone(), Config { pin: Some(pin), ..sparse }] {
                let result = match_people(people.clone(), program, &config).unwrap();
                let (givers, receivers) = result.participants();
                for &person in givers.iter().chain(&receivers) {
                    let full = result.recommend(person, usize::MAX).unwrap();
                    for k in 1..=3 {
                        let short = result.recommend(person, k).unwrap();
                        assert_eq!(short.len(), full.len().min(k), "{person}");
                        for (s, f) in short.iter().zip(&full) {
                            assert_eq!((&s.suggestion, s.matched), (&f.suggestion, f.matched), "{person}");
                            assert_eq!(s.partner_has_room, f.partner_has_room, "{person}");
                            assert!((s.regret - f.regret).abs() < 1e-9, "{person}: {} vs {}", s.regret, f.regret);
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn unknown_and_outside_ids() {
        let result = match_people(sample_cohort(60, 1).unwrap(), Program::Mentoring, &Config::default()).unwrap();
        assert!(matches!(
            result.recommend("nobody", 5),
            Err(RecommendError::Match(MatchError::UnknownId { key: "id", .. }))
        ));
        let (givers, receivers) = result.participants();
        let outsider = result
            .cohort
            .people()
            .iter()
            .map(|p| p.id.as_str())
            .find(|id| !givers.contains(id) && !receivers.contains(id))
            .unwrap();
        let err = result.recommend(outsider, 5).unwrap_err();
        assert!(err.to_string().contains("neither side of mentoring"), "{err}");
    }
}
