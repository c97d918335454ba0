//! Scoring a giver → receiver pair: five components in `[0, 1]`, their weighted mean, and a
//! logistics factor for time zones and languages.
//!
//! | component | 1 means | 0 means |
//! |---|---|---|
//! | `skills` | the giver is ≥ 2 levels ahead on every skill the receiver wants to develop | not ahead on any (or no goals) |
//! | `seniority` | the gap (reversed for reverse mentoring) is inside the preferred window | ≥ 2 levels outside it |
//! | `goals` | the giver works in the receiver's target department (0.7: leads people who do) | no target, or unrelated |
//! | `expertise` | the giver's expertise covers every goal of the receiver | covers none |
//! | `reciprocity` | the receiver can teach the giver every goal of the giver's | nothing (or the giver has no goals) |
//!
//! `score = mean_w(components) × logistics`, where `logistics = (1 − timezone_weight · gap/12) ×
//! (1 − language_weight if no shared language)`; with both weights at 0 the score is exactly the
//! weighted mean. The matrix of every pair is filled in parallel, one giver per task.

use std::collections::HashMap;

use ndarray::{Array2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cohort::Cohort;
use crate::program::Settings;

/// Names of the components, in the order of [`Components::to_array`].
pub const COMPONENTS: [&str; 5] = ["skills", "seniority", "goals", "expertise", "reciprocity"];

/// Share of the goals score for a giver who leads people in the target department.
const LEADS_TARGET: f64 = 0.7;
/// Levels of skill lead that count as full uplift.
const FULL_UPLIFT: f64 = 2.0;
/// Levels outside the preferred window at which the seniority component reaches 0.
const WINDOW_FALLOFF: f64 = 2.0;
/// Proficiency from which a receiver can teach a skill back.
const CAN_TEACH: f64 = 3.0;

/// The per-component breakdown of a pair's score.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Components {
    /// Skill uplift on the receiver's goals.
    pub skills: f64,
    /// Fit of the seniority gap.
    pub seniority: f64,
    /// The giver can carry the receiver toward their target.
    pub goals: f64,
    /// The giver's expertise covers the receiver's goals.
    pub expertise: f64,
    /// The receiver can teach the giver back.
    pub reciprocity: f64,
}

impl Components {
    /// The components in [`COMPONENTS`] order.
    #[must_use]
    pub fn to_array(self) -> [f64; 5] {
        [self.skills, self.seniority, self.goals, self.expertise, self.reciprocity]
    }
}

/// A pair's score with what it is made of.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairScore {
    /// Weighted mean of the components times `logistics`, in `[0, 1]`.
    pub score: f64,
    /// The breakdown.
    pub components: Components,
    /// Time-zone and language factor in `[0, 1]`.
    pub logistics: f64,
    /// Time-zone distance in hours (0 to 12).
    pub timezone_gap: f64,
    /// Whether the two share a language (true when either lists none).
    pub shared_language: bool,
    /// Seniority gap in the program's direction, in levels (positive when as expected).
    pub gap: f64,
}

impl PairScore {
    /// What the giver gets out of the pair: the mean of reciprocity (what the receiver teaches
    /// back) and seniority fit. Givers rank receivers by it in the stable baseline, so the two
    /// sides want different things.
    #[must_use]
    pub fn giver_gain(&self) -> f64 {
        0.5 * (self.components.reciprocity + self.components.seniority)
    }
}

/// `topic` (a goal word's number) as an index into a bit set: the word and the bit in it.
fn bit(topic: u32) -> (usize, u64) {
    ((topic / 64) as usize, 1 << (topic % 64))
}

fn has(bits: &[u64], topic: u32) -> bool {
    let (word, mask) = bit(topic);
    bits[word] & mask != 0
}

/// How many members two bit sets of one width share.
fn common(a: &[u64], b: &[u64]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x & y).count_ones()).sum()
}

/// Proficiency in topic `k` of a person's skills (in topic order), 0 when unlisted.
fn level_in(skills: &[(u32, f64)], k: u32) -> f64 {
    skills.binary_search_by_key(&k, |&(t, _)| t).map_or(0.0, |i| skills[i].1)
}

fn number(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Numbers for a set of names, in name order.
fn numbering<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<&'a str, u32> {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    names.dedup();
    names.into_iter().enumerate().map(|(i, name)| (name, number(i))).collect()
}

/// No target department.
const NO_TARGET: u32 = u32::MAX;

/// The numbers of one person that every pair reads.
#[derive(Clone, Copy, Debug)]
struct Profile {
    level: f64,
    timezone: f64,
    /// How many (distinct) goals, the denominator of the shares.
    goal_count: f64,
    /// This person's goals: `Scorer::goals[goals.0..goals.1]`.
    goals: (u32, u32),
    /// This person's skills on goal topics: `Scorer::skills[skills.0..skills.1]`.
    skills: (u32, u32),
    department: u32,
    target: u32,
    speaks_none: bool,
}

/// Scores pairs of one cohort under one program's settings.
///
/// Names are numbered once. Goal topics (every word someone names as a goal; no other word can
/// count) are numbered in name order, so that sums over a person's goals run in the same order,
/// and round the same way, whatever the row order; each person holds bit sets over them (goals,
/// expertise, what they can teach, and, as a giver, their goals they are not yet good at) and
/// over languages, so overlaps are a few `AND`s. Departments lead by a giver are found from the
/// depth-first numbering of the reporting tree: the members of each department sorted by that
/// number, and one binary search per (giver, department), whatever the depth of the chain.
/// [`Scorer::row`] prepares one giver against many receivers: their skills dense by topic and
/// the departments they lead answered once.
#[derive(Clone, Debug)]
pub struct Scorer {
    settings: Settings,
    /// `settings.weights` as an array, and its sum.
    weights: [f64; 5],
    weight_sum: f64,
    /// The program's gap sign.
    sign: f64,
    profiles: Vec<Profile>,
    /// Everyone's goals (topic, own proficiency), each person's in topic order.
    goals: Vec<(u32, f64)>,
    /// Everyone's skills on goal topics (topic, proficiency), each person's in topic order.
    skills: Vec<(u32, f64)>,
    /// How many goal topics there are.
    topics: usize,
    /// Words per topic bit set, and per language bit set.
    topic_words: usize,
    language_words: usize,
    /// Per person, `4 · topic_words + language_words` words: goals, can teach (expertise or
    /// proficiency ≥ 3), expertise, goals below proficiency 3, languages.
    bits: Vec<u64>,
    /// Number of the department without a name (never "the same department"), if anyone has it.
    unnamed: u32,
    /// Each person's depth-first number in the reporting tree and the end of their span.
    span: Vec<(u32, u32)>,
    /// Depth-first numbers of each department's members, sorted:
    /// `members[member_start[d]..member_start[d + 1]]`.
    members: Vec<u32>,
    member_start: Vec<usize>,
    /// Departments someone targets.
    targets: Vec<u32>,
}

impl Scorer {
    /// Prepares `cohort` for scoring under `settings`, in `O(n log n)` whatever the depth of
    /// the reporting tree.
    #[must_use]
    pub fn new(cohort: &Cohort, settings: &Settings) -> Scorer {
        let people = cohort.people();
        let topic = numbering(people.iter().flat_map(|p| &p.goals).map(String::as_str));
        let language = numbering(people.iter().flat_map(|p| &p.languages).map(String::as_str));
        let department = numbering(
            people.iter().flat_map(|p| [Some(&p.department), p.target.as_ref()]).flatten().map(String::as_str),
        );
        let topic_words = topic.len().div_ceil(64);
        let language_words = language.len().div_ceil(64);
        let stride = 4 * topic_words + language_words;
        let mut bits = vec![0u64; people.len() * stride];
        let mut goals = Vec::new();
        let mut skills = Vec::new();
        let mut profiles = Vec::with_capacity(people.len());
        for (i, p) in people.iter().enumerate() {
            let (wants, rest) = bits[i * stride..(i + 1) * stride].split_at_mut(topic_words);
            let (teaches, rest) = rest.split_at_mut(topic_words);
            let (knows, rest) = rest.split_at_mut(topic_words);
            let (below, languages) = rest.split_at_mut(topic_words);
            let mark = |set: &mut [u64], topic: u32| {
                let (word, mask) = bit(topic);
                set[word] |= mask;
            };
            // Skills in topic order: the BTreeMap is in name order, and so are topic numbers.
            let skills_start = number(skills.len());
            for (name, &level) in &p.skills {
                if let Some(&k) = topic.get(name.as_str()) {
                    skills.push((k, level));
                    if level >= CAN_TEACH {
                        mark(teaches, k);
                    }
                }
            }
            let skills_end = number(skills.len());
            for k in p.expertise.iter().filter_map(|e| topic.get(e.as_str())) {
                mark(knows, *k);
                mark(teaches, *k);
            }
            let goals_start = number(goals.len());
            let mut own: Vec<u32> = p.goals.iter().map(|g| topic[g.as_str()]).collect();
            own.sort_unstable();
            own.dedup();
            for k in own {
                let level = level_in(&skills[skills_start as usize..skills_end as usize], k);
                goals.push((k, level));
                mark(wants, k);
                if level < CAN_TEACH {
                    mark(below, k);
                }
            }
            for l in &p.languages {
                mark(languages, language[l.as_str()]);
            }
            let goals_end = number(goals.len());
            profiles.push(Profile {
                level: p.level,
                timezone: p.timezone,
                goal_count: f64::from(goals_end - goals_start),
                goals: (goals_start, goals_end),
                skills: (skills_start, skills_end),
                department: department[p.department.as_str()],
                target: p.target.as_deref().filter(|t| !t.is_empty()).map_or(NO_TARGET, |t| department[t]),
                speaks_none: p.languages.is_empty(),
            });
        }
        // Members of each department by depth-first number (a counting sort).
        let span: Vec<(u32, u32)> = (0..people.len())
            .map(|i| {
                let s = cohort.tree_span(i);
                (number(s.start), number(s.end))
            })
            .collect();
        let mut member_start = vec![0usize; department.len() + 1];
        for p in &profiles {
            member_start[p.department as usize + 1] += 1;
        }
        for d in 0..department.len() {
            member_start[d + 1] += member_start[d];
        }
        let mut by_order = vec![0usize; people.len()];
        for (i, &(order, _)) in span.iter().enumerate() {
            by_order[order as usize] = i;
        }
        let mut next = member_start.clone();
        let mut members = vec![0u32; people.len()];
        for &i in &by_order {
            let d = profiles[i].department as usize;
            members[next[d]] = span[i].0;
            next[d] += 1;
        }
        let mut targets: Vec<u32> = profiles.iter().map(|p| p.target).filter(|&t| t != NO_TARGET).collect();
        targets.sort_unstable();
        targets.dedup();
        let weights = settings.weights.to_array();
        Scorer {
            settings: settings.clone(),
            weights,
            weight_sum: weights.iter().sum::<f64>(),
            sign: settings.program.gap_sign(),
            profiles,
            goals,
            skills,
            topics: topic.len(),
            topic_words,
            language_words,
            bits,
            unnamed: department.get("").copied().unwrap_or(u32::MAX),
            span,
            members,
            member_start,
            targets,
        }
    }

    /// The settings this scorer applies.
    #[must_use]
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The seniority gap of a pair in the program's direction (positive when as expected).
    #[must_use]
    pub fn gap(&self, giver: usize, receiver: usize) -> f64 {
        self.sign * (self.profiles[giver].level - self.profiles[receiver].level)
    }

    /// Whether both work in the same named department.
    pub(crate) fn same_department(&self, giver: usize, receiver: usize) -> bool {
        let d = self.profiles[giver].department;
        d != self.unnamed && d == self.profiles[receiver].department
    }

    /// Score of giver → receiver (positions in the cohort). To score one giver against many
    /// receivers, [`Scorer::row`] is faster.
    #[must_use]
    pub fn pair(&self, giver: usize, receiver: usize) -> PairScore {
        self.score(&Lookup { scorer: self, giver }, receiver)
    }

    /// The giver at `giver` (a position in the cohort) prepared to be scored against many
    /// receivers: `self.row(g).pair(r)` equals `self.pair(g, r)` bit for bit.
    #[must_use]
    pub fn row(&self, giver: usize) -> GiverRow<'_> {
        let mut skill = vec![0.0; self.topics];
        for &(k, level) in self.skills_of(giver) {
            skill[k as usize] = level;
        }
        let mut leads = vec![false; self.member_start.len() - 1];
        for &t in &self.targets {
            leads[t as usize] = self.leads(giver, t);
        }
        let ahead = self.goals_of(giver).iter().copied().filter(|&(_, level)| level >= CAN_TEACH).collect();
        GiverRow { scorer: self, giver, skill, leads, ahead }
    }

    fn goals_of(&self, p: usize) -> &[(u32, f64)] {
        let (a, b) = self.profiles[p].goals;
        &self.goals[a as usize..b as usize]
    }

    fn skills_of(&self, p: usize) -> &[(u32, f64)] {
        let (a, b) = self.profiles[p].skills;
        &self.skills[a as usize..b as usize]
    }

    /// Proficiency of the person at `p` in goal topic `k`, 0 when unlisted.
    fn skill(&self, p: usize, k: u32) -> f64 {
        level_in(self.skills_of(p), k)
    }

    /// Whether anyone at or below `giver` in the reporting tree works in `department`.
    fn leads(&self, giver: usize, department: u32) -> bool {
        let (first, end) = self.span[giver];
        let d = department as usize;
        let members = &self.members[self.member_start[d]..self.member_start[d + 1]];
        let i = members.partition_point(|&o| o < first);
        i < members.len() && members[i] < end
    }

    /// The bit sets of the person at `p`: goals, can teach, expertise, goals below
    /// proficiency 3, languages.
    fn sets(&self, p: usize) -> [&[u64]; 5] {
        let w = self.topic_words;
        let stride = 4 * w + self.language_words;
        let b = &self.bits[p * stride..(p + 1) * stride];
        [&b[..w], &b[w..2 * w], &b[2 * w..3 * w], &b[3 * w..4 * w], &b[4 * w..]]
    }

    /// The score, with what the giver side needs read through `giver`.
    fn score(&self, giver: &impl GiverSide, receiver: usize) -> PairScore {
        let gi = giver.position();
        let (g, r) = (&self.profiles[gi], &self.profiles[receiver]);
        let s = &self.settings;
        let share = |hits: f64, of: f64| if of == 0.0 { 0.0 } else { hits / of };
        let [_, _, g_knows, g_below, g_speaks] = self.sets(gi);
        let [r_wants, r_teaches, r_knows, _, r_speaks] = self.sets(receiver);

        let uplift: f64 = self
            .goals_of(receiver)
            .iter()
            .map(|&(k, level)| ((giver.skill(k) - level) / FULL_UPLIFT).clamp(0.0, 1.0))
            .sum();
        let gap = self.gap(gi, receiver);
        let [lo, hi] = s.window;
        let outside = (lo - gap).max(gap - hi).max(0.0);
        let goals = if r.target == NO_TARGET {
            0.0
        } else if g.department == r.target {
            1.0
        } else if giver.leads(r.target) {
            LEADS_TARGET
        } else {
            0.0
        };
        // The receiver teaches a goal of the giver's if it is in their expertise, or if they
        // are at proficiency 3 or more and ahead of the giver: for the giver's goals below 3,
        // "at 3 or more" is enough.
        let taught = common(g_below, r_teaches)
            + giver.ahead().filter(|&(k, level)| has(r_knows, k) || self.skill(receiver, k) > level).count() as u32;
        let components = Components {
            skills: share(uplift, r.goal_count),
            seniority: (1.0 - outside / WINDOW_FALLOFF).max(0.0),
            goals,
            expertise: share(f64::from(common(r_wants, g_knows)), r.goal_count),
            reciprocity: share(f64::from(taught), g.goal_count),
        };

        // Offsets are within -12..=14, so the distance is mostly below 24 already.
        let d = (g.timezone - r.timezone).abs();
        let d = if d < 24.0 { d } else { d % 24.0 };
        let timezone_gap = d.min(24.0 - d);
        let shared_language = g.speaks_none || r.speaks_none || g_speaks.iter().zip(r_speaks).any(|(a, b)| a & b != 0);
        let logistics = (1.0 - s.timezone_weight * timezone_gap / 12.0)
            * if shared_language { 1.0 } else { 1.0 - s.language_weight };
        let mean = components.to_array().iter().zip(self.weights).map(|(c, w)| c * w).sum::<f64>() / self.weight_sum;
        PairScore {
            score: (mean * logistics).clamp(0.0, 1.0),
            components,
            logistics,
            timezone_gap,
            shared_language,
            gap,
        }
    }

    /// Scores of every giver × receiver pair (positions in the cohort), computed in parallel.
    #[must_use]
    pub fn matrix(&self, givers: &[usize], receivers: &[usize]) -> Array2<f64> {
        let mut out = Array2::zeros((givers.len(), receivers.len()));
        out.axis_iter_mut(Axis(0)).into_par_iter().zip(givers).for_each(|(mut row, &g)| {
            let giver = self.row(g);
            for (cell, &r) in row.iter_mut().zip(receivers) {
                *cell = giver.pair(r).score;
            }
        });
        out
    }
}

/// What scoring reads from the giver's side: straight from the scorer ([`Lookup`]) or from a
/// prepared row ([`GiverRow`]).
trait GiverSide {
    /// The giver's position in the cohort.
    fn position(&self) -> usize;
    /// The giver's proficiency in goal topic `k`.
    fn skill(&self, k: u32) -> f64;
    /// Whether the giver, or anyone below them, works in `department`.
    fn leads(&self, department: u32) -> bool;
    /// The giver's goals (topic, proficiency) at proficiency 3 or more.
    fn ahead(&self) -> impl Iterator<Item = (u32, f64)>;
}

/// A giver read straight from the scorer, for one pair.
struct Lookup<'a> {
    scorer: &'a Scorer,
    giver: usize,
}

impl GiverSide for Lookup<'_> {
    fn position(&self) -> usize {
        self.giver
    }

    fn skill(&self, k: u32) -> f64 {
        self.scorer.skill(self.giver, k)
    }

    fn leads(&self, department: u32) -> bool {
        self.scorer.leads(self.giver, department)
    }

    fn ahead(&self) -> impl Iterator<Item = (u32, f64)> {
        self.scorer.goals_of(self.giver).iter().copied().filter(|&(_, level)| level >= CAN_TEACH)
    }
}

/// One giver prepared to be scored against many receivers (see [`Scorer::row`]): skills dense
/// by goal topic, and whether they lead each targeted department answered once.
#[derive(Clone, Debug)]
pub struct GiverRow<'a> {
    scorer: &'a Scorer,
    giver: usize,
    skill: Vec<f64>,
    leads: Vec<bool>,
    ahead: Vec<(u32, f64)>,
}

impl GiverRow<'_> {
    /// Score of this giver → `receiver` (a position in the cohort).
    #[must_use]
    pub fn pair(&self, receiver: usize) -> PairScore {
        self.scorer.score(self, receiver)
    }
}

impl GiverSide for GiverRow<'_> {
    fn position(&self) -> usize {
        self.giver
    }

    fn skill(&self, k: u32) -> f64 {
        self.skill[k as usize]
    }

    fn leads(&self, department: u32) -> bool {
        self.leads[department as usize]
    }

    fn ahead(&self) -> impl Iterator<Item = (u32, f64)> {
        self.ahead.iter().copied()
    }
}
