//! The three programs and their configuration.
//!
//! A [`Program`] says who gives and who receives, which way the seniority gap should point
//! and how much each score component weighs. Its preset is the starting point; a [`Config`]
//! (a dict in Python, a TOML or JSON file on disk) overrides any part of it, and
//! [`Settings::resolve`] merges and validates the two.
//!
//! | program | giver → receiver | gap (giver − receiver) | preferred | hard bounds | heaviest weight |
//! |---|---|---|---|---|---|
//! | mentoring | mentor → mentee | positive | 1 – 3 levels | 1 – 6 | skills, expertise |
//! | sponsoring | sponsor → protege | positive | 2 – 4 levels | 2 – 7 | goals (the destination) |
//! | reverse_mentoring | reverse_mentor → reverse_mentee | negative (reversed) | 2 – 5 levels | 1 – 7 | expertise, reciprocity |
//!
//! For reverse mentoring the gap is measured receiver − giver: the senior learner sits above
//! the junior expert.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::cohort::{CohortOptions, Role, UnknownManager};
use crate::criteria::{Criterion, CriterionConfig, MAX_CRITERIA};
use crate::floors::Floor;
use crate::matching::PAIR_COLUMNS;
use crate::rules::Rule;

/// A workplace relationship pairwell can match for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Program {
    /// A senior mentor shares experience with a junior mentee.
    Mentoring,
    /// A senior sponsor actively advances a protégé toward a destination.
    Sponsoring,
    /// A junior subject-matter expert teaches a senior leader.
    ReverseMentoring,
}

impl Program {
    /// Every program, in a stable order.
    pub const ALL: [Program; 3] = [Program::Mentoring, Program::Sponsoring, Program::ReverseMentoring];

    /// The program's name: `mentoring`, `sponsoring` or `reverse_mentoring`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Program::Mentoring => "mentoring",
            Program::Sponsoring => "sponsoring",
            Program::ReverseMentoring => "reverse_mentoring",
        }
    }

    /// The opt-in role of the giving side.
    #[must_use]
    pub fn giver_role(self) -> Role {
        match self {
            Program::Mentoring => Role::Mentor,
            Program::Sponsoring => Role::Sponsor,
            Program::ReverseMentoring => Role::ReverseMentor,
        }
    }

    /// The opt-in role of the receiving side.
    #[must_use]
    pub fn receiver_role(self) -> Role {
        match self {
            Program::Mentoring => Role::Mentee,
            Program::Sponsoring => Role::Protege,
            Program::ReverseMentoring => Role::ReverseMentee,
        }
    }

    /// `+1` when the giver should be senior, `-1` when the receiver should (reverse mentoring).
    #[must_use]
    pub fn gap_sign(self) -> f64 {
        match self {
            Program::ReverseMentoring => -1.0,
            _ => 1.0,
        }
    }

    /// The preset every config starts from.
    #[must_use]
    pub fn preset(self) -> Settings {
        let (weights, window, gap_bounds) = match self {
            Program::Mentoring => (Weights::new(0.3, 0.2, 0.1, 0.25, 0.15), [1.0, 3.0], [1.0, 6.0]),
            Program::Sponsoring => (Weights::new(0.15, 0.15, 0.45, 0.15, 0.1), [2.0, 4.0], [2.0, 7.0]),
            Program::ReverseMentoring => (Weights::new(0.15, 0.1, 0.05, 0.45, 0.25), [2.0, 5.0], [1.0, 7.0]),
        };
        Settings {
            program: self,
            weights,
            window,
            gap_bounds,
            allow_same_department: true,
            normalize: true,
            unknown_manager: UnknownManager::Error,
            never: Vec::new(),
            pin: Vec::new(),
            min_score: 0.0,
            timezone_weight: 0.2,
            max_timezone_gap: None,
            language_weight: 0.3,
            require_shared_language: false,
            solver: Solver::Auto,
            candidates: 24,
            criteria: Vec::new(),
            objective: Objective::Score,
            floors: Vec::new(),
        }
    }
}

/// Which exact solver matches people (config key `solver`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Solver {
    /// Dense for small cohorts, sparse beyond [`Solver::DENSE_UP_TO`] pairs.
    #[default]
    Auto,
    /// Every pair in a givers × receivers matrix, solved by the dense kernel: fastest on small
    /// cohorts, memory proportional to the pairs.
    Dense,
    /// A candidate graph of each person's best partners, solved by the sparse solver and
    /// completed by pricing every other pair against its duals: memory proportional to the
    /// people, the same optimum.
    Sparse,
}

impl Solver {
    /// Largest givers × receivers that `auto` solves densely.
    pub const DENSE_UP_TO: usize = 1 << 18;

    /// The solver for `givers × receivers` pairs: `Dense` or `Sparse`, never `Auto`.
    #[must_use]
    pub fn pick(self, givers: usize, receivers: usize) -> Solver {
        match self {
            Solver::Auto if givers.saturating_mul(receivers) <= Self::DENSE_UP_TO => Solver::Dense,
            Solver::Auto => Solver::Sparse,
            chosen => chosen,
        }
    }
}

/// What the solver maximises (config key `objective`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Objective {
    /// The largest total score.
    #[default]
    Score,
    /// The most receivers matched, then the largest total score among those matchings.
    Participation,
}

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Program {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Program::ALL.into_iter().find(|p| p.name() == s).ok_or_else(|| ConfigError::UnknownProgram(s.to_string()))
    }
}

/// The weight of `preference` when config gives none and someone in the cohort gave
/// preferences (relative to the presets, whose five weights add up to 1).
pub const PREFERENCE_WEIGHT: f64 = 0.2;

/// Weights of the built-in score components; the score is the weighted mean of these and of
/// the custom criteria.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// The giver is ahead of the receiver on the skills the receiver wants to develop.
    pub skills: f64,
    /// The seniority gap fits the program's preferred window.
    pub seniority: f64,
    /// The giver works in or above the receiver's target department.
    pub goals: f64,
    /// The giver's domains cover the receiver's goals.
    pub expertise: f64,
    /// The receiver can teach the giver something back.
    pub reciprocity: f64,
    /// The two named each other in `preferences`: counts when config gives it
    /// (`preference_given`), else only when someone in the cohort gave preferences.
    pub preference: f64,
    /// Whether config gave `weights.preference`.
    pub preference_given: bool,
}

impl Weights {
    /// Weights in component order: skills, seniority, goals, expertise, reciprocity;
    /// `preference` at its default.
    #[must_use]
    pub const fn new(skills: f64, seniority: f64, goals: f64, expertise: f64, reciprocity: f64) -> Self {
        Weights {
            skills,
            seniority,
            goals,
            expertise,
            reciprocity,
            preference: PREFERENCE_WEIGHT,
            preference_given: false,
        }
    }

    /// The weights as an array in component order.
    #[must_use]
    pub fn to_array(self) -> [f64; 5] {
        [self.skills, self.seniority, self.goals, self.expertise, self.reciprocity]
    }
}

/// Partial weights as a user writes them; missing keys keep the preset.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightsOverride {
    /// See [`Weights::skills`].
    pub skills: Option<f64>,
    /// See [`Weights::seniority`].
    pub seniority: Option<f64>,
    /// See [`Weights::goals`].
    pub goals: Option<f64>,
    /// See [`Weights::expertise`].
    pub expertise: Option<f64>,
    /// See [`Weights::reciprocity`].
    pub reciprocity: Option<f64>,
    /// See [`Weights::preference`].
    pub preference: Option<f64>,
}

/// A `[giver, receiver]` pair of ids.
pub type IdPair = [String; 2];

/// An id as config may give it: text, or a whole number.
struct IdVisitor;

impl serde::de::Visitor<'_> for IdVisitor {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id (text or a whole number)")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

/// One id, text or a whole number.
#[derive(Clone, Debug, PartialEq)]
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IdVisitor).map(Id)
    }
}

/// `never` and `pin` lists whose ids may be whole numbers.
fn id_pairs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<IdPair>>, D::Error> {
    let pairs: Option<Vec<[Id; 2]>> = Option::deserialize(d)?;
    Ok(pairs.map(|v| v.into_iter().map(|[Id(g), Id(r)]| [g, r]).collect()))
}

/// What a user may override; every key is optional and unknown keys are errors.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Component weights (keys `skills`, `seniority`, `goals`, `expertise`, `reciprocity`,
    /// `preference`).
    pub weights: Option<WeightsOverride>,
    /// Preferred seniority gap `[low, high]` in levels (direction per program).
    pub window: Option<[f64; 2]>,
    /// Hard bounds on the seniority gap `[low, high]`; pairs outside are never made.
    pub gap_bounds: Option<[f64; 2]>,
    /// Whether giver and receiver may work in the same department (default true).
    pub allow_same_department: Option<bool>,
    /// The old name of `allow_same_department` (deprecated; bindings warn).
    pub same_department: Option<bool>,
    /// Compare names trimmed and case-folded (default true).
    pub normalize: Option<bool>,
    /// What a manager id naming nobody in the cohort does (default `error`).
    pub unknown_manager: Option<UnknownManager>,
    /// `[giver, receiver]` pairs that must never be made.
    #[serde(default, deserialize_with = "id_pairs")]
    pub never: Option<Vec<IdPair>>,
    /// `[giver, receiver]` pairs that must be made.
    #[serde(default, deserialize_with = "id_pairs")]
    pub pin: Option<Vec<IdPair>>,
    /// Pairs scoring below this are never made (people stay unmatched instead).
    pub min_score: Option<f64>,
    /// How much a 12-hour time-zone distance lowers a score (0 = ignore time zones).
    pub timezone_weight: Option<f64>,
    /// Hard limit on the time-zone distance in hours.
    pub max_timezone_gap: Option<f64>,
    /// How much having no language in common lowers a score.
    pub language_weight: Option<f64>,
    /// Forbid pairs with no language in common.
    pub require_shared_language: Option<bool>,
    /// Which solver: `auto` (default), `dense` or `sparse`; all give the same optimum.
    pub solver: Option<Solver>,
    /// How many best partners each person keeps in the sparse solver's candidate graph
    /// (default 24): a speed and memory trade-off; every value gives the same optimum.
    pub candidates: Option<usize>,
    /// Custom criteria (`[[criteria]]` tables), at most [`MAX_CRITERIA`].
    pub criteria: Option<Vec<CriterionConfig>>,
    /// What the solver maximises: `score` (default) or `participation`.
    pub objective: Option<Objective>,
    /// Group floors (`[[floors]]`: `by`, `side`, `rate` or `min`); see [`crate::floors`].
    pub floors: Option<Vec<Floor>>,
}

impl Config {
    /// Parses a config from TOML text.
    ///
    /// # Errors
    /// [`ConfigError::Parse`] with the parser's message (it names unknown keys), or naming a
    /// window, bounds or pair with other than two entries.
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let config = toml::from_str(text).map_err(|e| ConfigError::Parse(e.to_string()))?;
        check_toml_pairs(text)?;
        Ok(config)
    }

    /// Parses a config from JSON text.
    ///
    /// # Errors
    /// [`ConfigError::Parse`] with the parser's message and the key at fault.
    pub fn from_json(text: &str) -> Result<Config, ConfigError> {
        serde_json::from_str(text).map_err(|e| ConfigError::Parse(json_error(text, &e)))
    }
}

/// Rejects `window`, `gap_bounds` and `never`/`pin` entries longer than two: the toml crate fills
/// a two-element array from the first two and silently drops the rest.
fn check_toml_pairs(text: &str) -> Result<(), ConfigError> {
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError::Parse(e.to_string()))?;
    let too_long = |key: &str, value: &toml::Value| match value.as_array() {
        Some(items) if items.len() != 2 => {
            Err(ConfigError::Parse(format!("key {key:?}: expected 2 entries, got {}: {value}", items.len())))
        }
        _ => Ok(()),
    };
    for key in ["window", "gap_bounds"] {
        table.get(key).map_or(Ok(()), |v| too_long(key, v))?;
    }
    for key in ["never", "pin"] {
        for pair in table.get(key).and_then(toml::Value::as_array).into_iter().flatten() {
            too_long(key, pair)?;
        }
    }
    Ok(())
}

/// serde_json's message, prefixed with the top-level key whose value is wrong when one is: its
/// type errors name only a line and column of text the user may never have seen (a Python dict).
fn json_error(text: &str, error: &serde_json::Error) -> String {
    let map = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text).unwrap_or_default();
    let culprit = map.into_iter().find(|(key, value)| {
        let alone = serde_json::Value::Object([(key.clone(), value.clone())].into_iter().collect());
        serde_json::from_value::<Config>(alone).is_err()
    });
    match culprit {
        Some((key, _)) => format!("key {key:?}: {error}"),
        None => error.to_string(),
    }
}

/// A config that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// A program name other than the three known ones.
    #[error("unknown program {0:?}; expected one of \"mentoring\", \"sponsoring\", \"reverse_mentoring\"")]
    UnknownProgram(String),
    /// Text that does not parse, or has unknown keys or wrong types.
    #[error("invalid config: {0}")]
    Parse(String),
    /// A value outside its range.
    #[error("config key {key:?} is {value}, {expected}")]
    OutOfRange {
        /// The key.
        key: &'static str,
        /// The value given.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A custom criterion that cannot be used.
    #[error("criterion {name:?}: {message}")]
    Criterion {
        /// The criterion's name.
        name: String,
        /// What is wrong.
        message: String,
    },
}

/// A program's preset with a config applied: everything scoring and the rules need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// The program.
    pub program: Program,
    /// Component weights.
    pub weights: Weights,
    /// Preferred gap window.
    pub window: [f64; 2],
    /// Hard gap bounds.
    pub gap_bounds: [f64; 2],
    /// Whether same-department pairs are allowed.
    pub allow_same_department: bool,
    /// Whether names are compared trimmed and case-folded.
    pub normalize: bool,
    /// What an unknown manager id does.
    pub unknown_manager: UnknownManager,
    /// Pairs never made.
    pub never: Vec<IdPair>,
    /// Pairs always made.
    pub pin: Vec<IdPair>,
    /// Minimum score of a pair.
    pub min_score: f64,
    /// Score loss at a 12-hour time-zone distance.
    pub timezone_weight: f64,
    /// Hard time-zone limit in hours.
    pub max_timezone_gap: Option<f64>,
    /// Score loss without a shared language.
    pub language_weight: f64,
    /// Forbid pairs without a shared language.
    pub require_shared_language: bool,
    /// Which solver matches the people.
    pub solver: Solver,
    /// Best partners per person in the candidate graph.
    pub candidates: usize,
    /// Custom criteria, in config order.
    pub criteria: Vec<Criterion>,
    /// What the solver maximises.
    pub objective: Objective,
    /// Group floors.
    pub floors: Vec<Floor>,
}

impl Settings {
    /// The preset of `program` with `config` applied and checked.
    ///
    /// # Errors
    /// [`ConfigError::OutOfRange`] for negative or non-finite weights, weights summing to zero,
    /// windows with `low > high`, and factors outside `[0, 1]`.
    pub fn resolve(program: Program, config: &Config) -> Result<Settings, ConfigError> {
        let mut s = program.preset();
        if let Some(w) = &config.weights {
            let cur = &mut s.weights;
            for (slot, new) in [
                (&mut cur.skills, w.skills),
                (&mut cur.seniority, w.seniority),
                (&mut cur.goals, w.goals),
                (&mut cur.expertise, w.expertise),
                (&mut cur.reciprocity, w.reciprocity),
                (&mut cur.preference, w.preference),
            ] {
                if let Some(value) = new {
                    *slot = value;
                }
            }
            cur.preference_given = w.preference.is_some();
        }
        s.window = config.window.unwrap_or(s.window);
        s.gap_bounds = config.gap_bounds.unwrap_or(s.gap_bounds);
        if config.same_department.is_some() && config.allow_same_department.is_some() {
            return Err(ConfigError::OutOfRange {
                key: "same_department",
                value: "given with allow_same_department".into(),
                expected: "only allow_same_department (same_department is its deprecated old name)",
            });
        }
        s.allow_same_department =
            config.allow_same_department.or(config.same_department).unwrap_or(s.allow_same_department);
        s.normalize = config.normalize.unwrap_or(s.normalize);
        s.unknown_manager = config.unknown_manager.unwrap_or(s.unknown_manager);
        s.never = config.never.clone().unwrap_or_default();
        s.pin = config.pin.clone().unwrap_or_default();
        s.min_score = config.min_score.unwrap_or(s.min_score);
        s.timezone_weight = config.timezone_weight.unwrap_or(s.timezone_weight);
        s.max_timezone_gap = config.max_timezone_gap.or(s.max_timezone_gap);
        s.language_weight = config.language_weight.unwrap_or(s.language_weight);
        s.require_shared_language = config.require_shared_language.unwrap_or(s.require_shared_language);
        s.solver = config.solver.unwrap_or(s.solver);
        s.candidates = config.candidates.unwrap_or(s.candidates);
        s.criteria = resolve_criteria(config.criteria.as_deref().unwrap_or_default())?;
        s.objective = config.objective.unwrap_or(s.objective);
        s.floors = config.floors.clone().unwrap_or_default();
        s.check()?;
        // Weights count only relative to each other: scaled so the largest is 1, a sum of
        // huge weights cannot overflow.
        let largest = s
            .weights
            .to_array()
            .into_iter()
            .chain([s.weights.preference])
            .chain(s.criteria.iter().map(|c| c.weight))
            .fold(0.0, f64::max);
        let [skills, seniority, goals, expertise, reciprocity] = s.weights.to_array().map(|w| w / largest);
        s.weights = Weights {
            skills,
            seniority,
            goals,
            expertise,
            reciprocity,
            preference: s.weights.preference / largest,
            preference_given: s.weights.preference_given,
        };
        for c in &mut s.criteria {
            c.weight /= largest;
        }
        Ok(s)
    }

    /// How the cohort is built under these settings.
    #[must_use]
    pub fn cohort_options(&self) -> CohortOptions {
        CohortOptions { normalize: self.normalize, unknown_manager: self.unknown_manager }
    }

    fn check(&self) -> Result<(), ConfigError> {
        let out = |key, value: String, expected| Err(ConfigError::OutOfRange { key, value, expected });
        let w = self.weights.to_array();
        for (key, value) in [
            "weights.skills",
            "weights.seniority",
            "weights.goals",
            "weights.expertise",
            "weights.reciprocity",
            "weights.preference",
        ]
        .into_iter()
        .zip(w.into_iter().chain([self.weights.preference]))
        {
            if !(value.is_finite() && value >= 0.0) {
                return out(key, value.to_string(), "expected a finite number >= 0");
            }
        }
        let given_preference = if self.weights.preference_given { self.weights.preference } else { 0.0 };
        if w.iter().chain([&given_preference]).chain(self.criteria.iter().map(|c| &c.weight)).all(|&x| x <= 0.0) {
            return out(
                "weights",
                format!("{w:?} (criteria {:?})", self.criteria.iter().map(|c| c.weight).collect::<Vec<_>>()),
                "expected at least one positive weight among the components and criteria (they add up to 0)",
            );
        }
        for (key, [lo, hi]) in [("window", self.window), ("gap_bounds", self.gap_bounds)] {
            if lo.is_nan() || hi.is_nan() || lo > hi {
                return out(key, format!("[{lo}, {hi}]"), "expected [low, high] with low <= high");
            }
        }
        for (key, value) in [
            ("min_score", self.min_score),
            ("timezone_weight", self.timezone_weight),
            ("language_weight", self.language_weight),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return out(key, value.to_string(), "expected a number from 0 to 1");
            }
        }
        Floor::check(&self.floors)?;
        if self.candidates == 0 {
            return out("candidates", "0".into(), "expected a whole number >= 1");
        }
        if let Some(gap) = self.max_timezone_gap {
            if gap.is_nan() || gap < 0.0 {
                return out("max_timezone_gap", gap.to_string(), "expected a number of hours >= 0");
            }
        }
        Ok(())
    }
}

/// Checks `[[criteria]]`: each one, at most [`MAX_CRITERIA`], names unique and distinct from
/// every column of the pairs table (`preference` included) and every rule.
fn resolve_criteria(criteria: &[CriterionConfig]) -> Result<Vec<Criterion>, ConfigError> {
    if criteria.len() > MAX_CRITERIA {
        return Err(ConfigError::Criterion {
            name: criteria[MAX_CRITERIA].name.clone(),
            message: format!("there are {} criteria; at most {MAX_CRITERIA} are supported", criteria.len()),
        });
    }
    let mut taken: Vec<&str> = PAIR_COLUMNS.to_vec();
    taken.extend(["preference", "eligible"]);
    taken.extend(Rule::ALL.map(Rule::name));
    let mut out: Vec<Criterion> = Vec::with_capacity(criteria.len());
    for c in criteria {
        if out.iter().any(|o| o.name == c.name) {
            return Err(ConfigError::Criterion { name: c.name.clone(), message: "the name is used twice".into() });
        }
        out.push(Criterion::resolve(c, &taken)?);
    }
    Ok(out)
}
