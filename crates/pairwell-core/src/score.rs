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

use crate::cohort::{Cohort, Person};
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

/// A person with every string replaced by a number, sorted for merges.
#[derive(Clone, Debug)]
struct Profile {
    level: f64,
    timezone: Option<f64>,
    skills: Vec<(u32, f64)>,
    goals: Vec<u32>,
    expertise: Vec<u32>,
    target: Option<u32>,
    department: u32,
    /// Departments of everyone this person manages, directly or not, and their own.
    leads: Vec<u32>,
    languages: Vec<u32>,
}

impl Profile {
    fn skill(&self, id: u32) -> f64 {
        self.skills.binary_search_by_key(&id, |&(k, _)| k).map_or(0.0, |i| self.skills[i].1)
    }
}

/// Scores pairs of one cohort under one program's settings.
#[derive(Clone, Debug)]
pub struct Scorer {
    settings: Settings,
    profiles: Vec<Profile>,
}

fn sorted(mut v: Vec<u32>) -> Vec<u32> {
    v.sort_unstable();
    v.dedup();
    v
}

fn overlap(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

impl Scorer {
    /// Prepares `cohort` for scoring under `settings`.
    #[must_use]
    pub fn new(cohort: &Cohort, settings: &Settings) -> Scorer {
        let people = cohort.people();
        // Words are numbered in name order, not in order of appearance, so that sums over a
        // person's goals run in the same order (and round the same way) whatever the row order.
        let mut names: Vec<&str> = people
            .iter()
            .flat_map(|p| {
                let lists = p.goals.iter().chain(&p.expertise).chain(&p.languages);
                p.skills.keys().chain(lists).chain(&p.target).chain([&p.department]).map(String::as_str)
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        let words: HashMap<&str, u32> =
            names.iter().enumerate().map(|(i, &w)| (w, u32::try_from(i).unwrap_or(u32::MAX))).collect();
        let id = |w: &str| -> u32 { words[w] };
        let mut profiles: Vec<Profile> = people
            .iter()
            .map(|p: &Person| Profile {
                level: p.level,
                timezone: p.timezone,
                // Ids follow name order, so the BTreeMap's order is already id order.
                skills: p.skills.iter().map(|(k, &v)| (id(k), v)).collect(),
                goals: sorted(p.goals.iter().map(|g| id(g)).collect()),
                expertise: sorted(p.expertise.iter().map(|g| id(g)).collect()),
                target: p.target.as_deref().filter(|t| !t.is_empty()).map(id),
                department: id(&p.department),
                leads: Vec::new(),
                languages: sorted(p.languages.iter().map(|l| id(l)).collect()),
            })
            .collect();
        // Each person's department counts for everyone above them in the chain.
        let mut leads: Vec<Vec<u32>> = profiles.iter().map(|p| vec![p.department]).collect();
        for (i, profile) in profiles.iter().enumerate() {
            let mut m = cohort.manager_of(i);
            while let Some(boss) = m {
                leads[boss].push(profile.department);
                m = cohort.manager_of(boss);
            }
        }
        for (profile, l) in profiles.iter_mut().zip(leads) {
            profile.leads = sorted(l);
        }
        Scorer { settings: settings.clone(), profiles }
    }

    /// The settings this scorer applies.
    #[must_use]
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The seniority gap of a pair in the program's direction (positive when as expected).
    #[must_use]
    pub fn gap(&self, giver: usize, receiver: usize) -> f64 {
        self.settings.program.gap_sign() * (self.profiles[giver].level - self.profiles[receiver].level)
    }

    /// Score of giver → receiver (positions in the cohort).
    #[must_use]
    pub fn pair(&self, giver: usize, receiver: usize) -> PairScore {
        let g = &self.profiles[giver];
        let r = &self.profiles[receiver];
        let s = &self.settings;
        let share = |hits: f64, of: usize| if of == 0 { 0.0 } else { hits / of as f64 };

        let uplift: f64 = r.goals.iter().map(|&k| ((g.skill(k) - r.skill(k)) / FULL_UPLIFT).clamp(0.0, 1.0)).sum();
        let gap = self.gap(giver, receiver);
        let [lo, hi] = s.window;
        let outside = (lo - gap).max(gap - hi).max(0.0);
        let goals = match r.target {
            Some(t) if g.department == t => 1.0,
            Some(t) if g.leads.binary_search(&t).is_ok() => LEADS_TARGET,
            _ => 0.0,
        };
        let taught = g
            .goals
            .iter()
            .filter(|&&k| r.expertise.binary_search(&k).is_ok() || (r.skill(k) >= CAN_TEACH && r.skill(k) > g.skill(k)))
            .count();
        let components = Components {
            skills: share(uplift, r.goals.len()),
            seniority: (1.0 - outside / WINDOW_FALLOFF).max(0.0),
            goals,
            expertise: share(overlap(&r.goals, &g.expertise) as f64, r.goals.len()),
            reciprocity: share(taught as f64, g.goals.len()),
        };

        // An unknown time zone costs nothing: its gap is NaN, which no limit rejects.
        let timezone_gap = match (g.timezone, r.timezone) {
            (Some(a), Some(b)) => {
                let d = (a - b).abs() % 24.0;
                d.min(24.0 - d)
            }
            _ => f64::NAN,
        };
        let shared_language =
            g.languages.is_empty() || r.languages.is_empty() || overlap(&g.languages, &r.languages) > 0;
        let logistics = (1.0 - s.timezone_weight * if timezone_gap.is_nan() { 0.0 } else { timezone_gap } / 12.0)
            * if shared_language { 1.0 } else { 1.0 - s.language_weight };
        let w = s.weights.to_array();
        let mean = components.to_array().iter().zip(w).map(|(c, w)| c * w).sum::<f64>() / w.iter().sum::<f64>();
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
            for (cell, &r) in row.iter_mut().zip(receivers) {
                *cell = self.pair(g, r).score;
            }
        });
        out
    }
}
