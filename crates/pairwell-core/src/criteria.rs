//! Custom criteria: components a program owner adds from columns of the people table (config
//! `[[criteria]]`), and the `preference` component from the people field `preferences`.
//!
//! | kind | the criterion is | reads (giver, receiver) |
//! |---|---|---|
//! | `overlap` | the share of the receiver's list found in the giver's list | list, list |
//! | `same` | 1 when the two values are equal | value, value |
//! | `different` | 1 when the two values differ | value, value |
//! | `closeness` | `1 − abs(g − r) / scale`, at least 0 (1 at equal, 0 at `scale` apart) | number, number |
//! | `contains` | 1 when the giver's value is in the receiver's list | value, list |
//!
//! Lists are list cells or text `a;b;c` (as the list fields); text is compared trimmed and
//! case-folded under config `normalize` (the default), as every other name. A number reads as
//! text where text is wanted (`3` equals `"3"`), and text as a number where one is wanted.
//!
//! **Missing values.** A person without a value (a missing cell, an empty list) scores 0 on the
//! criterion against everyone, and a `hard` criterion forbids only pairs where both have a
//! value and the criterion is 0: nobody is shut out of the program for a blank cell.
//!
//! **Preferences.** A person's value for a partner named at position `i` (0-based) of their
//! `len` known ids is `(len − i) / len`: 1 for a first choice, `1 / len` for the last, 0 when not
//! named (unknown ids are dropped before counting, with a warning). The pair's `preference` is
//! the mean of the two sides' values when each named the other, else the value of the side that
//! named the other, else 0.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::cohort::{fold, Cohort, CohortError, Person, Value};
use crate::people::{split_list, Problem, Problems};
use crate::program::ConfigError;

/// The most custom criteria a config may have: a pair's values live in a fixed-size array,
/// so that scores stay `Copy` and scoring allocates nothing.
pub const MAX_CRITERIA: usize = 8;

/// One `[[criteria]]` table as a user writes it; [`Criterion::resolve`] checks it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionConfig {
    /// The component's name in `pairs`, `explain` and rule counts.
    pub name: String,
    /// `overlap`, `same`, `different`, `closeness` or `contains`.
    pub kind: Option<String>,
    /// The column read on the giver's side.
    pub giver: Option<String>,
    /// The column read on the receiver's side.
    pub receiver: Option<String>,
    /// The component's weight (finite, at least 0).
    pub weight: Option<f64>,
    /// Forbid pairs where the criterion is 0 (both having a value).
    pub hard: Option<bool>,
    /// For `closeness`: the distance at which it reaches 0 (above 0).
    pub scale: Option<f64>,
}

/// What a criterion compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The share of the receiver's list found in the giver's list.
    Overlap,
    /// The two values are equal.
    Same,
    /// The two values differ.
    Different,
    /// Two numbers are close: 1 at equal, 0 at `scale` apart, linear between.
    Closeness,
    /// The giver's value is in the receiver's list.
    Contains,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 5] = [Kind::Overlap, Kind::Same, Kind::Different, Kind::Closeness, Kind::Contains];

    /// The kind's name in config.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Kind::Overlap => "overlap",
            Kind::Same => "same",
            Kind::Different => "different",
            Kind::Closeness => "closeness",
            Kind::Contains => "contains",
        }
    }

    /// What the giver's and the receiver's columns hold.
    fn reads(self) -> (Shape, Shape) {
        match self {
            Kind::Overlap => (Shape::List, Shape::List),
            Kind::Same | Kind::Different => (Shape::One, Shape::One),
            Kind::Closeness => (Shape::Number, Shape::Number),
            Kind::Contains => (Shape::One, Shape::List),
        }
    }
}

/// A checked criterion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// Its name.
    pub name: String,
    /// What it compares.
    pub kind: Kind,
    /// Giver's column.
    pub giver: String,
    /// Receiver's column.
    pub receiver: String,
    /// Weight (scaled with the other weights by [`crate::program::Settings::resolve`]).
    pub weight: f64,
    /// Whether a 0 forbids the pair.
    pub hard: bool,
    /// `closeness`'s distance to 0 (1 for the other kinds, unused).
    pub scale: f64,
}

impl Criterion {
    /// Checks one criterion: a known kind, both columns, a weight, a scale for `closeness`,
    /// and a name that no other column or rule of the results has (`taken`).
    ///
    /// # Errors
    /// [`ConfigError::Criterion`] naming the criterion.
    pub fn resolve(c: &CriterionConfig, taken: &[&str]) -> Result<Criterion, ConfigError> {
        let fail = |message: String| ConfigError::Criterion { name: c.name.clone(), message };
        if c.name.trim().is_empty() {
            return Err(fail("the name is empty".into()));
        }
        if taken.contains(&c.name.as_str()) {
            return Err(fail("the name is already a built-in component, column or rule of the results".into()));
        }
        let kinds = || Kind::ALL.map(Kind::name).join(", ");
        let kind = c.kind.as_deref().ok_or_else(|| fail(format!("'kind' is missing; expected one of {}", kinds())))?;
        let kind = Kind::ALL
            .into_iter()
            .find(|k| k.name() == kind)
            .ok_or_else(|| fail(format!("unknown kind '{kind}'; expected one of {}", kinds())))?;
        let column = |side: &str, value: &Option<String>| match value.as_deref() {
            Some(name) if !name.trim().is_empty() => Ok(name.to_string()),
            _ => Err(fail(format!("'{side}' (a column of the people table) is missing"))),
        };
        let weight = c.weight.ok_or_else(|| fail("'weight' is missing".into()))?;
        if !(weight.is_finite() && weight >= 0.0) {
            return Err(fail(format!("'weight' is {weight}, expected a finite number >= 0")));
        }
        let scale = match (kind, c.scale) {
            (Kind::Closeness, Some(s)) if s.is_finite() && s > 0.0 => s,
            (Kind::Closeness, Some(s)) => return Err(fail(format!("'scale' is {s}, expected a number > 0"))),
            (Kind::Closeness, None) => return Err(fail("'scale' is missing (closeness needs it, > 0)".into())),
            (_, Some(_)) => return Err(fail(format!("'scale' is only for closeness, not {}", kind.name()))),
            (_, None) => 1.0,
        };
        Ok(Criterion {
            name: c.name.clone(),
            kind,
            giver: column("giver", &c.giver)?,
            receiver: column("receiver", &c.receiver)?,
            weight,
            hard: c.hard.unwrap_or(false),
            scale,
        })
    }
}

/// How a criterion reads one column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    List,
    One,
    Number,
}

/// No value: the number of a missing text, and a missing number is NaN.
const NONE: u32 = u32::MAX;

/// One column read for one criterion, a value per person.
#[derive(Clone, Debug)]
enum Column {
    /// Each person's list, numbered, sorted and deduplicated: `items[start[p]..start[p + 1]]`.
    Lists { start: Vec<u32>, items: Vec<u32> },
    /// Each person's value, numbered ([`NONE`] when missing).
    Ones(Vec<u32>),
    /// Each person's number (NaN when missing).
    Numbers(Vec<f64>),
}

impl Column {
    fn list(&self, p: usize) -> &[u32] {
        match self {
            Column::Lists { start, items } => &items[start[p] as usize..start[p + 1] as usize],
            _ => &[],
        }
    }

    fn one(&self, p: usize) -> u32 {
        match self {
            Column::Ones(v) => v[p],
            _ => NONE,
        }
    }

    fn number(&self, p: usize) -> f64 {
        match self {
            Column::Numbers(v) => v[p],
            _ => f64::NAN,
        }
    }

    fn present(&self, p: usize) -> bool {
        match self {
            Column::Lists { start, .. } => start[p] < start[p + 1],
            Column::Ones(v) => v[p] != NONE,
            Column::Numbers(v) => !v[p].is_nan(),
        }
    }
}

/// One criterion's columns, read for everyone.
#[derive(Clone, Debug)]
struct Prepared {
    kind: Kind,
    hard: bool,
    scale: f64,
    giver: Column,
    receiver: Column,
}

/// Custom criteria and preferences of one cohort, ready to score pairs by cohort position.
#[derive(Clone, Debug, Default)]
pub struct Extras {
    criteria: Vec<Prepared>,
    /// Each person's preferences `(partner position, value)`, sorted by partner:
    /// `preferences[preference_start[p]..preference_start[p + 1]]` (empty when nobody gave any).
    preferences: Vec<(u32, f64)>,
    preference_start: Vec<u32>,
}

/// The values of a pair's custom criteria, in config order (unused slots 0).
pub type CriterionValues = [f64; MAX_CRITERIA];

fn number(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Extras {
    /// Reads every criterion's columns for everyone in `cohort` (a column nobody has a value
    /// in reads as missing for all: [`check_columns`] rejects unknown ones first), and
    /// everyone's preferences.
    ///
    /// # Errors
    /// A [`CohortError`] naming the row, id and column of every value a criterion cannot read
    /// (a list where one value is wanted, text where a number is).
    pub fn new(cohort: &Cohort, criteria: &[Criterion], normalize: bool) -> Result<Extras, CohortError> {
        let people = cohort.people();
        let mut problems = Problems::default();
        let mut prepared = Vec::with_capacity(criteria.len());
        for c in criteria {
            let mut names = HashMap::new();
            let (g_shape, r_shape) = c.kind.reads();
            let mut side =
                |column: &str, shape| read_column(cohort, column, shape, normalize, &c.name, &mut names, &mut problems);
            let giver = side(&c.giver, g_shape);
            // One column read the same way for both sides is read (and its problems found) once.
            let receiver =
                if (&c.receiver, r_shape) == (&c.giver, g_shape) { giver.clone() } else { side(&c.receiver, r_shape) };
            prepared.push(Prepared { kind: c.kind, hard: c.hard, scale: c.scale, giver, receiver });
        }
        if !problems.is_empty() {
            return Err(CohortError(problems));
        }
        let mut extras = Extras { criteria: prepared, ..Extras::default() };
        if people.iter().any(|p| !p.preferences.is_empty()) {
            extras.preference_start.push(0);
            for p in people {
                let mut known: Vec<u32> = Vec::with_capacity(p.preferences.len());
                for id in &p.preferences {
                    if let Some(at) = cohort.position(id).map(number) {
                        if !known.contains(&at) {
                            known.push(at);
                        }
                    }
                }
                let len = known.len() as f64;
                let mut mine: Vec<(u32, f64)> =
                    known.iter().enumerate().map(|(i, &at)| (at, (len - i as f64) / len)).collect();
                mine.sort_unstable_by_key(|&(at, _)| at);
                extras.preferences.extend(mine);
                extras.preference_start.push(number(extras.preferences.len()));
            }
        }
        Ok(extras)
    }

    /// Whether there is nothing to score: no criteria, no preferences.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.criteria.is_empty() && !self.has_preferences()
    }

    /// Whether anyone gave preferences.
    #[must_use]
    pub fn has_preferences(&self) -> bool {
        !self.preference_start.is_empty()
    }

    /// How many custom criteria there are.
    #[must_use]
    pub fn criteria(&self) -> usize {
        self.criteria.len()
    }

    /// `p`'s value for `partner` (0 when not named).
    fn preference_of(&self, p: usize, partner: usize) -> f64 {
        let mine = &self.preferences[self.preference_start[p] as usize..self.preference_start[p + 1] as usize];
        mine.binary_search_by_key(&number(partner), |&(at, _)| at).map_or(0.0, |i| mine[i].1)
    }

    /// The `preference` component of giver → receiver (see the module docs).
    #[must_use]
    pub fn preference(&self, giver: usize, receiver: usize) -> f64 {
        if !self.has_preferences() {
            return 0.0;
        }
        let (g, r) = (self.preference_of(giver, receiver), self.preference_of(receiver, giver));
        if g > 0.0 && r > 0.0 {
            0.5 * (g + r)
        } else {
            g.max(r)
        }
    }

    /// Each criterion's value for giver → receiver, in config order.
    #[must_use]
    pub fn values(&self, giver: usize, receiver: usize) -> CriterionValues {
        let mut out = [0.0; MAX_CRITERIA];
        for (slot, c) in out.iter_mut().zip(&self.criteria) {
            *slot = c.value(giver, receiver);
        }
        out
    }

    /// The first hard criterion that forbids giver → receiver given their `values`: its index.
    #[must_use]
    pub fn broken(&self, giver: usize, receiver: usize, values: &CriterionValues) -> Option<usize> {
        self.criteria
            .iter()
            .zip(values)
            .position(|(c, &v)| c.hard && v == 0.0 && c.giver.present(giver) && c.receiver.present(receiver))
    }
}

impl Prepared {
    fn value(&self, g: usize, r: usize) -> f64 {
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        match self.kind {
            Kind::Overlap => {
                let (mine, wants) = (self.giver.list(g), self.receiver.list(r));
                if wants.is_empty() {
                    return 0.0;
                }
                let (mut i, mut j, mut hits) = (0, 0, 0usize);
                while i < mine.len() && j < wants.len() {
                    match mine[i].cmp(&wants[j]) {
                        std::cmp::Ordering::Less => i += 1,
                        std::cmp::Ordering::Greater => j += 1,
                        std::cmp::Ordering::Equal => {
                            hits += 1;
                            i += 1;
                            j += 1;
                        }
                    }
                }
                hits as f64 / wants.len() as f64
            }
            Kind::Same => {
                let (a, b) = (self.giver.one(g), self.receiver.one(r));
                flag(a != NONE && a == b)
            }
            Kind::Different => {
                let (a, b) = (self.giver.one(g), self.receiver.one(r));
                flag(a != NONE && b != NONE && a != b)
            }
            Kind::Closeness => {
                let d = (self.giver.number(g) - self.receiver.number(r)).abs();
                if d.is_nan() {
                    0.0
                } else {
                    (1.0 - d / self.scale).max(0.0)
                }
            }
            Kind::Contains => {
                let a = self.giver.one(g);
                flag(a != NONE && self.receiver.list(r).binary_search(&a).is_ok())
            }
        }
    }
}

/// The schema fields a criterion can read.
pub const READABLE: [&str; 11] = [
    "id",
    "level",
    "goals",
    "expertise",
    "languages",
    "target",
    "manager",
    "department",
    "timezone",
    "capacity",
    "skills",
];

/// Checks that every criterion's columns exist: a [`READABLE`] field, one of `columns` (the
/// table's columns outside the schema), or a key of someone's [`Person::extra`].
///
/// # Errors
/// [`ConfigError::Criterion`] naming the first criterion with an unknown column.
pub fn check_columns(criteria: &[Criterion], columns: &[String], people: &[Person]) -> Result<(), ConfigError> {
    for c in criteria {
        for column in [&c.giver, &c.receiver] {
            let known = READABLE.contains(&column.as_str())
                || columns.contains(column)
                || people.iter().any(|p| p.extra.contains_key(column));
            if !known {
                return Err(ConfigError::Criterion {
                    name: c.name.clone(),
                    message: format!(
                        "column '{column}' is not in the people table (criteria read extra columns and the fields {})",
                        READABLE.join(", ")
                    ),
                });
            }
        }
    }
    Ok(())
}

/// `p`'s value in `column`: the readable schema fields, else the extra columns.
fn field_value(p: &Person, column: &str) -> Option<Value> {
    let text = |s: &str| (!s.trim().is_empty()).then(|| Value::Text(s.to_string()));
    let list = |l: &[String]| (!l.is_empty()).then(|| Value::List(l.to_vec()));
    match column {
        "id" => text(&p.id),
        "level" => Some(Value::Number(p.level)),
        "goals" => list(&p.goals),
        "expertise" => list(&p.expertise),
        "languages" => list(&p.languages),
        "target" => p.target.as_deref().and_then(text),
        "manager" => p.manager.as_deref().and_then(text),
        "department" => text(&p.department),
        "timezone" => p.timezone.map(Value::Number),
        "capacity" => Some(Value::Number(f64::from(p.capacity))),
        "skills" => (!p.skills.is_empty()).then(|| Value::List(p.skills.keys().cloned().collect())),
        _ => p.extra.get(column).cloned(),
    }
}

/// One column read in `shape` for everyone, texts numbered through `names` (shared by the
/// criterion's two sides, so that equal values get equal numbers).
fn read_column(
    cohort: &Cohort,
    column: &str,
    shape: Shape,
    normalize: bool,
    criterion: &str,
    names: &mut HashMap<String, u32>,
    problems: &mut Problems,
) -> Column {
    let mut name = |s: &str| {
        let key = if normalize { fold(s) } else { s.to_string() };
        let next = number(names.len());
        *names.entry(key).or_insert(next)
    };
    let people = cohort.people();
    let mut bad = |i: usize, message: String| {
        problems.push(Problem {
            row: Some(cohort.row(i)),
            id: Some(people[i].id.clone()),
            field: Some(column.to_string()),
            message: format!("{message} (criterion '{criterion}')"),
        });
    };
    let number_text = |x: f64| format!("{x}");
    match shape {
        Shape::List => {
            let mut start = Vec::with_capacity(people.len() + 1);
            let mut items = Vec::new();
            start.push(0);
            for (i, p) in people.iter().enumerate() {
                let texts = match field_value(p, column) {
                    None => Vec::new(),
                    Some(Value::Text(s)) => split_list(&s),
                    Some(Value::List(l)) => l,
                    Some(Value::Number(x)) => vec![number_text(x)],
                    Some(Value::Invalid(what)) => {
                        bad(i, format!("must be a list of text or 'a;b;c', got {what}"));
                        Vec::new()
                    }
                };
                let mut mine: Vec<u32> = texts.iter().filter(|t| !t.trim().is_empty()).map(|t| name(t)).collect();
                mine.sort_unstable();
                mine.dedup();
                items.extend(mine);
                start.push(number(items.len()));
            }
            Column::Lists { start, items }
        }
        Shape::One => Column::Ones(
            people
                .iter()
                .enumerate()
                .map(|(i, p)| match field_value(p, column) {
                    None => NONE,
                    Some(Value::Text(s)) => name(&s),
                    Some(Value::Number(x)) => name(&number_text(x)),
                    Some(Value::List(l)) if l.len() == 1 => name(&l[0]),
                    Some(Value::List(l)) => {
                        bad(i, format!("must be one value, got a list of {}", l.len()));
                        NONE
                    }
                    Some(Value::Invalid(what)) => {
                        bad(i, format!("must be text or a number, got {what}"));
                        NONE
                    }
                })
                .collect(),
        ),
        Shape::Number => Column::Numbers(
            people
                .iter()
                .enumerate()
                .map(|(i, p)| match field_value(p, column) {
                    None => f64::NAN,
                    Some(Value::Number(x)) if x.is_finite() => x,
                    Some(Value::Text(s)) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
                        s.trim().parse().unwrap_or(f64::NAN)
                    }
                    Some(Value::Number(x)) => {
                        bad(i, format!("is {x}, expected a finite number"));
                        f64::NAN
                    }
                    Some(Value::Text(s)) => {
                        bad(i, format!("must be a number, got the text '{s}'"));
                        f64::NAN
                    }
                    Some(Value::List(l)) => {
                        bad(i, format!("must be a number, got a list of {}", l.len()));
                        f64::NAN
                    }
                    Some(Value::Invalid(what)) => {
                        bad(i, format!("must be a number, got {what}"));
                        f64::NAN
                    }
                })
                .collect(),
        ),
    }
}
