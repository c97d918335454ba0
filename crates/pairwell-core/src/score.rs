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
//! Custom criteria and the `preference` component ([`crate::criteria`]) join the weighted mean:
//! `score = mean_w(components, preference, criteria) × logistics`, where `logistics = (1 − timezone_weight · gap/12) ×
//! (1 − language_weight if no shared language)`; with both weights at 0 the score is exactly the
//! weighted mean. The matrix of every pair is filled in parallel, one giver per task.

use std::collections::HashMap;

use ndarray::{Array2, Axis};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::cohort::{Cohort, CohortError};
use crate::criteria::{CriterionValues, Extras, MAX_CRITERIA};
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
    /// The two named each other in `preferences` (0 when neither did; see
    /// [`crate::criteria`]).
    pub preference: f64,
    /// The custom criteria, in config order (unused slots 0).
    pub criteria: CriterionValues,
    /// Time-zone and language factor in `[0, 1]`.
    pub logistics: f64,
    /// Time-zone distance in hours (0 to 12; NaN when either time zone is unknown).
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

fn mark(bits: &mut [u64], topic: u32) {
    let (word, mask) = bit(topic);
    bits[word] |= mask;
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

/// Whether pairs have a `preference` component: someone gave preferences, or config weighs it.
fn shows_preference(settings: &Settings, preferences_given: bool) -> bool {
    preferences_given || settings.weights.preference_given
}

/// The components every pair of a program run with `settings` has, in order: [`COMPONENTS`],
/// then `preference` when it counts (`preferences_given`: someone in the cohort gave
/// preferences; or config weighs it), then the custom criteria. What a table of pairs holds
/// before any cohort is read (a cluster's declared schema) as after.
#[must_use]
pub fn component_names(settings: &Settings, preferences_given: bool) -> Vec<&str> {
    let mut names: Vec<&str> = COMPONENTS.to_vec();
    if shows_preference(settings, preferences_given) {
        names.push("preference");
    }
    names.extend(settings.criteria.iter().map(|c| c.name.as_str()));
    names
}

/// No target department.
const NO_TARGET: u32 = u32::MAX;

/// The numbers of one person that every pair reads.
#[derive(Clone, Copy, Debug)]
struct Profile {
    level: f64,
    timezone: Option<f64>,
    /// How many (distinct) goals, the denominator of the shares.
    goal_count: f64,
    /// This person's goals: `Scorer::goals[goals.0..goals.1]`.
    goals: (u32, u32),
    department: u32,
    target: u32,
    speaks_none: bool,
}

/// Bit sets of one width, one per person.
#[derive(Clone, Debug)]
struct Sets {
    width: usize,
    bits: Vec<u64>,
}

impl Sets {
    fn new(people: usize, members: usize) -> Sets {
        let width = members.div_ceil(64);
        Sets { width, bits: vec![0; people * width] }
    }

    fn of(&self, p: usize) -> &[u64] {
        &self.bits[p * self.width..(p + 1) * self.width]
    }

    fn of_mut(&mut self, p: usize) -> &mut [u64] {
        &mut self.bits[p * self.width..(p + 1) * self.width]
    }
}

/// Scores pairs of one cohort under one program's settings.
///
/// Names are numbered once. Goal topics (every word someone names as a goal; no other word can
/// count) are numbered in name order, so that sums over a person's goals run in the same order,
/// and round the same way, whatever the row order. Each person holds their goals with their own
/// proficiency, bit sets over topics (expertise; what they can teach: expertise or proficiency
/// 3 or more) and over languages. Departments led by a giver are found from the depth-first
/// numbering of the reporting tree: the members of each department sorted by that number, and
/// one binary search per (giver, department), whatever the depth of the chain.
/// [`Scorer::row`] prepares one giver against many receivers: their skills and expertise dense
/// by topic, and the departments they lead answered once.
#[derive(Clone, Debug)]
pub struct Scorer {
    settings: Settings,
    /// `settings.weights` as an array, and the sum of every weight that counts.
    weights: [f64; 5],
    weight_sum: f64,
    /// Custom criteria and preferences.
    extras: Extras,
    /// Weight of `preference` (0 when it does not count) and of each criterion.
    preference_weight: f64,
    criterion_weights: CriterionValues,
    /// The program's gap sign.
    sign: f64,
    profiles: Vec<Profile>,
    /// Everyone's goals (topic, own proficiency), each person's in topic order.
    goals: Vec<(u32, f64)>,
    /// Everyone's skills on goal topics (topic, proficiency), each person's in topic order:
    /// `skills[skill_range[p].0..skill_range[p].1]`.
    skills: Vec<(u32, f64)>,
    skill_range: Vec<(u32, u32)>,
    /// How many goal topics there are.
    topics: usize,
    /// Topics each person has expertise in.
    knows: Sets,
    /// What a receiver's pairs read, per person: the topics they can teach (expertise, or
    /// proficiency 3 or more) in `topic_words` words, then the languages they speak.
    teaches_speaks: Sets,
    topic_words: usize,
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
    ///
    /// # Errors
    /// As [`Extras::new`]: values a criterion cannot read, each named by row, id and column.
    pub fn new(cohort: &Cohort, settings: &Settings) -> Result<Scorer, CohortError> {
        let extras = Extras::new(cohort, &settings.criteria, settings.normalize)?;
        let people = cohort.people();
        let n = people.len();
        let topic = numbering(people.iter().flat_map(|p| &p.goals).map(String::as_str));
        let language = numbering(people.iter().flat_map(|p| &p.languages).map(String::as_str));
        let department = numbering(
            people.iter().flat_map(|p| [Some(&p.department), p.target.as_ref()]).flatten().map(String::as_str),
        );
        let topic_words = topic.len().div_ceil(64);
        let mut knows = Sets::new(n, topic.len());
        let mut teaches_speaks = Sets::new(n, 64 * topic_words + language.len());
        let mut goals = Vec::new();
        let mut skills = Vec::new();
        let mut skill_range = Vec::with_capacity(n);
        let mut profiles = Vec::with_capacity(n);
        for (i, p) in people.iter().enumerate() {
            // Skills in topic order: the BTreeMap is in name order, and so are topic numbers.
            let first_skill = skills.len();
            for (name, &level) in &p.skills {
                if let Some(&k) = topic.get(name.as_str()) {
                    skills.push((k, level));
                    if level >= CAN_TEACH {
                        mark(teaches_speaks.of_mut(i), k);
                    }
                }
            }
            skill_range.push((number(first_skill), number(skills.len())));
            for &k in p.expertise.iter().filter_map(|e| topic.get(e.as_str())) {
                mark(knows.of_mut(i), k);
                mark(teaches_speaks.of_mut(i), k);
            }
            let first_goal = goals.len();
            let mut own: Vec<u32> = p.goals.iter().map(|g| topic[g.as_str()]).collect();
            own.sort_unstable();
            own.dedup();
            goals.extend(own.into_iter().map(|k| (k, level_in(&skills[first_skill..], k))));
            for l in &p.languages {
                mark(&mut teaches_speaks.of_mut(i)[topic_words..], language[l.as_str()]);
            }
            profiles.push(Profile {
                level: p.level,
                timezone: p.timezone,
                goal_count: (goals.len() - first_goal) as f64,
                goals: (number(first_goal), number(goals.len())),
                department: department[p.department.as_str()],
                target: p.target.as_deref().filter(|t| !t.is_empty()).map_or(NO_TARGET, |t| department[t]),
                speaks_none: p.languages.is_empty(),
            });
        }
        let span: Vec<(u32, u32)> = (0..n)
            .map(|i| {
                let s = cohort.tree_span(i);
                (number(s.start), number(s.end))
            })
            .collect();
        // Members of each department in depth-first order (a counting sort).
        let mut member_start = vec![0usize; department.len() + 1];
        for p in &profiles {
            member_start[p.department as usize + 1] += 1;
        }
        for d in 0..department.len() {
            member_start[d + 1] += member_start[d];
        }
        let mut by_order = vec![0usize; n];
        for (i, &(order, _)) in span.iter().enumerate() {
            by_order[order as usize] = i;
        }
        let mut next = member_start.clone();
        let mut members = vec![0u32; n];
        for &i in &by_order {
            let d = profiles[i].department as usize;
            members[next[d]] = span[i].0;
            next[d] += 1;
        }
        let mut targets: Vec<u32> = profiles.iter().map(|p| p.target).filter(|&t| t != NO_TARGET).collect();
        targets.sort_unstable();
        targets.dedup();
        let weights = settings.weights.to_array();
        let w = &settings.weights;
        let preference_weight = if w.preference_given || extras.has_preferences() { w.preference } else { 0.0 };
        let mut criterion_weights = [0.0; MAX_CRITERIA];
        for (slot, c) in criterion_weights.iter_mut().zip(&settings.criteria) {
            *slot = c.weight;
        }
        let weight_sum = weights.iter().sum::<f64>() + preference_weight + criterion_weights.iter().sum::<f64>();
        Ok(Scorer {
            settings: settings.clone(),
            weights,
            weight_sum,
            extras,
            preference_weight,
            criterion_weights,
            sign: settings.program.gap_sign(),
            profiles,
            goals,
            skills,
            skill_range,
            topics: topic.len(),
            knows,
            teaches_speaks,
            topic_words,
            unnamed: department.get("").copied().unwrap_or(u32::MAX),
            span,
            members,
            member_start,
            targets,
        })
    }

    /// The components every pair has, in order: [`COMPONENTS`], then `preference` when it
    /// counts (someone gave preferences, or config weighs it), then the custom criteria.
    #[must_use]
    pub fn component_names(&self) -> Vec<&str> {
        component_names(&self.settings, self.extras.has_preferences())
    }

    /// A pair's components in [`component_names`](Self::component_names) order.
    #[must_use]
    pub fn component_values(&self, score: &PairScore) -> Vec<f64> {
        let mut values = score.components.to_array().to_vec();
        if self.shows_preference() {
            values.push(score.preference);
        }
        values.extend_from_slice(&score.criteria[..self.extras.criteria()]);
        values
    }

    fn shows_preference(&self) -> bool {
        shows_preference(&self.settings, self.extras.has_preferences())
    }

    /// The first hard criterion (its index in config order) that forbids giver → receiver.
    #[must_use]
    pub fn broken_criterion(&self, giver: usize, receiver: usize, score: &PairScore) -> Option<usize> {
        if self.extras.criteria() == 0 {
            return None;
        }
        self.extras.broken(giver, receiver, &score.criteria)
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
        let mut topic = vec![(0.0, false); self.topics];
        for &(k, level) in self.skills_of(giver) {
            topic[k as usize].0 = level;
        }
        for (i, &word) in self.knows.of(giver).iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                topic[64 * i + rest.trailing_zeros() as usize].1 = true;
                rest &= rest - 1;
            }
        }
        let mut leads = vec![false; self.member_start.len() - 1];
        for &t in &self.targets {
            leads[t as usize] = self.leads(giver, t);
        }
        let goals = self.goals_of(giver);
        GiverRow {
            scorer: self,
            giver,
            topic,
            leads,
            below: Lookup { scorer: self, giver }.below().collect(),
            speaks: Lookup { scorer: self, giver }.speaks().filter(|&(_, bits)| bits != 0).collect(),
            ahead: goals.iter().copied().filter(|&(_, level)| level >= CAN_TEACH).collect(),
        }
    }

    fn goals_of(&self, p: usize) -> &[(u32, f64)] {
        let (a, b) = self.profiles[p].goals;
        &self.goals[a as usize..b as usize]
    }

    fn skills_of(&self, p: usize) -> &[(u32, f64)] {
        let (a, b) = self.skill_range[p];
        &self.skills[a as usize..b as usize]
    }

    /// Whether anyone at or below `giver` in the reporting tree works in `department`.
    fn leads(&self, giver: usize, department: u32) -> bool {
        let (first, end) = self.span[giver];
        let d = department as usize;
        let members = &self.members[self.member_start[d]..self.member_start[d + 1]];
        let i = members.partition_point(|&o| o < first);
        i < members.len() && members[i] < end
    }

    /// The score, with what the giver side needs read through `giver`.
    fn score(&self, giver: &impl GiverSide, receiver: usize) -> PairScore {
        let gi = giver.position();
        let (g, r) = (&self.profiles[gi], &self.profiles[receiver]);
        let s = &self.settings;
        let share = |hits: f64, of: f64| if of == 0.0 { 0.0 } else { hits / of };

        let wants = self.goals_of(receiver);
        let uplift: f64 =
            wants.iter().map(|&(k, level)| ((giver.skill(k) - level) / FULL_UPLIFT).clamp(0.0, 1.0)).sum();
        let covered = wants.iter().filter(|&&(k, _)| giver.knows(k)).count();
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
        let teaches_speaks = self.teaches_speaks.of(receiver);
        let taught = giver.below().filter(|&(word, mask)| teaches_speaks[word] & mask != 0).count()
            + giver
                .ahead()
                .filter(|&(k, level)| has(self.knows.of(receiver), k) || level_in(self.skills_of(receiver), k) > level)
                .count();
        let components = Components {
            skills: share(uplift, r.goal_count),
            seniority: (1.0 - outside / WINDOW_FALLOFF).max(0.0),
            goals,
            expertise: share(covered as f64, r.goal_count),
            reciprocity: share(taught as f64, g.goal_count),
        };

        // Offsets are within -12..=14, so the distance is mostly below 24 already. An unknown
        // time zone costs nothing: its gap is NaN, which no limit rejects.
        let timezone_gap = match (g.timezone, r.timezone) {
            (Some(a), Some(b)) => {
                let d = (a - b).abs();
                let d = if d < 24.0 { d } else { d % 24.0 };
                d.min(24.0 - d)
            }
            _ => f64::NAN,
        };
        let shared_language =
            g.speaks_none || r.speaks_none || giver.speaks().any(|(word, bits)| teaches_speaks[word] & bits != 0);
        let known_gap = if timezone_gap.is_nan() { 0.0 } else { timezone_gap };
        let logistics =
            (1.0 - s.timezone_weight * known_gap / 12.0) * if shared_language { 1.0 } else { 1.0 - s.language_weight };
        // Without criteria or preferences the pair reads nothing more.
        let (preference, criteria) = if self.extras.is_empty() {
            (0.0, [0.0; MAX_CRITERIA])
        } else {
            (self.extras.preference(gi, receiver), self.extras.values(gi, receiver))
        };
        let mut sum = components.to_array().iter().zip(self.weights).map(|(c, w)| c * w).sum::<f64>();
        if !self.extras.is_empty() {
            sum += preference * self.preference_weight
                + criteria.iter().zip(self.criterion_weights).map(|(c, w)| c * w).sum::<f64>();
        }
        let mean = sum / self.weight_sum;
        PairScore {
            score: (mean * logistics).clamp(0.0, 1.0),
            components,
            preference,
            criteria,
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
    /// Whether goal topic `k` is in the giver's expertise.
    fn knows(&self, k: u32) -> bool;
    /// Whether the giver, or anyone below them, works in `department`.
    fn leads(&self, department: u32) -> bool;
    /// The giver's goals at proficiency below 3, as bits of a receiver's `teaches_speaks`.
    fn below(&self) -> impl Iterator<Item = (usize, u64)>;
    /// The giver's languages, as bits of a receiver's `teaches_speaks`.
    fn speaks(&self) -> impl Iterator<Item = (usize, u64)>;
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
        level_in(self.scorer.skills_of(self.giver), k)
    }

    fn knows(&self, k: u32) -> bool {
        has(self.scorer.knows.of(self.giver), k)
    }

    fn leads(&self, department: u32) -> bool {
        self.scorer.leads(self.giver, department)
    }

    fn below(&self) -> impl Iterator<Item = (usize, u64)> {
        self.scorer.goals_of(self.giver).iter().filter(|&&(_, level)| level < CAN_TEACH).map(|&(k, _)| bit(k))
    }

    fn speaks(&self) -> impl Iterator<Item = (usize, u64)> {
        let words = &self.scorer.teaches_speaks.of(self.giver)[self.scorer.topic_words..];
        words.iter().enumerate().map(|(i, &bits)| (self.scorer.topic_words + i, bits))
    }

    fn ahead(&self) -> impl Iterator<Item = (u32, f64)> {
        self.scorer.goals_of(self.giver).iter().copied().filter(|&(_, level)| level >= CAN_TEACH)
    }
}

/// One giver prepared to be scored against many receivers (see [`Scorer::row`]).
#[derive(Clone, Debug)]
pub struct GiverRow<'a> {
    scorer: &'a Scorer,
    giver: usize,
    /// Proficiency and expertise by goal topic.
    topic: Vec<(f64, bool)>,
    /// Whether the giver leads people in each department (answered for targeted ones).
    leads: Vec<bool>,
    below: Vec<(usize, u64)>,
    speaks: Vec<(usize, u64)>,
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
        self.topic[k as usize].0
    }

    fn knows(&self, k: u32) -> bool {
        self.topic[k as usize].1
    }

    fn leads(&self, department: u32) -> bool {
        self.leads[department as usize]
    }

    fn below(&self) -> impl Iterator<Item = (usize, u64)> {
        self.below.iter().copied()
    }

    fn speaks(&self) -> impl Iterator<Item = (usize, u64)> {
        self.speaks.iter().copied()
    }

    fn ahead(&self) -> impl Iterator<Item = (u32, f64)> {
        self.ahead.iter().copied()
    }
}
