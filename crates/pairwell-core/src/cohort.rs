//! People and the organisation they form: the input contract of the engine.
//!
//! A [`Person`] is one record of the people table (see the README for every field). A
//! [`Cohort`] is a validated set of people: unique ids, finite levels, known managers, no
//! manager cycles, every problem reported at once. It numbers the reporting tree depth-first,
//! so that everyone a person manages, at any depth, has a contiguous range of numbers after
//! theirs: "is A above B?" is two comparisons.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::people::{Problem, Problems, PROFICIENCY, TIMEZONES};

/// An opt-in to one side of one program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Gives in mentoring: a senior who shares experience.
    Mentor,
    /// Receives in mentoring: a junior who wants to grow.
    Mentee,
    /// Gives in sponsoring: a senior who opens doors toward a destination.
    Sponsor,
    /// Receives in sponsoring: a protégé with a clear destination.
    Protege,
    /// Gives in reverse mentoring: a junior subject-matter expert.
    ReverseMentor,
    /// Receives in reverse mentoring: a senior who wants to learn what the expert knows.
    ReverseMentee,
}

impl Role {
    /// Every role, in a stable order.
    pub const ALL: [Role; 6] =
        [Role::Mentor, Role::Mentee, Role::Sponsor, Role::Protege, Role::ReverseMentor, Role::ReverseMentee];

    /// The name used in tables and config: `mentor`, `reverse_mentee`, ...
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Role::Mentor => "mentor",
            Role::Mentee => "mentee",
            Role::Sponsor => "sponsor",
            Role::Protege => "protege",
            Role::ReverseMentor => "reverse_mentor",
            Role::ReverseMentee => "reverse_mentee",
        }
    }
}

/// A value of a column outside the people schema, kept for custom criteria.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// A number.
    Number(f64),
    /// Text (a list when a criterion reads it as one: `a;b;c`, as in the list fields).
    Text(String),
    /// A list of text.
    List(Vec<String>),
    /// Something no criterion can read, described (`"a dict of 2"`).
    Invalid(String),
}

fn one() -> u32 {
    1
}

/// One person of the cohort.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Unique identifier.
    pub id: String,
    /// Seniority; larger is more senior (the sample cohorts use 1 = entry level to 8 = executive).
    pub level: f64,
    /// Proficiency per skill, 0 (none) to 5 (expert).
    #[serde(default)]
    pub skills: BTreeMap<String, f64>,
    /// Skills or topics this person wants to develop.
    #[serde(default)]
    pub goals: Vec<String>,
    /// Domains this person can teach.
    #[serde(default)]
    pub expertise: Vec<String>,
    /// The department or function this person aims to rise in (a protégé's destination).
    #[serde(default)]
    pub target: Option<String>,
    /// Id of this person's manager.
    #[serde(default)]
    pub manager: Option<String>,
    /// Department or function this person works in.
    #[serde(default)]
    pub department: String,
    /// UTC offset in hours; `None` when unknown (no time-zone penalty, no time-zone rule).
    #[serde(default)]
    pub timezone: Option<f64>,
    /// Languages this person works in.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Opt-ins to program roles.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// How many receivers this person may take as a giver in one program.
    #[serde(default = "one")]
    pub capacity: u32,
    /// Ids of the partners this person would like, best first (either side).
    #[serde(default)]
    pub preferences: Vec<String>,
    /// Columns outside the schema, by name, for custom criteria (missing values left out).
    #[serde(default)]
    pub extra: BTreeMap<String, Value>,
}

impl Person {
    /// A person with this id and level and every optional field at its default.
    #[must_use]
    pub fn new(id: impl Into<String>, level: f64) -> Self {
        Person {
            id: id.into(),
            level,
            skills: BTreeMap::new(),
            goals: Vec::new(),
            expertise: Vec::new(),
            target: None,
            manager: None,
            department: String::new(),
            timezone: None,
            languages: Vec::new(),
            roles: Vec::new(),
            capacity: 1,
            preferences: Vec::new(),
            extra: BTreeMap::new(),
        }
    }

    /// Proficiency in `skill`, 0 when unlisted.
    #[must_use]
    pub fn skill(&self, skill: &str) -> f64 {
        self.skills.get(skill).copied().unwrap_or(0.0)
    }

    /// Whether this person opted into `role`.
    #[must_use]
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Input that does not describe a valid cohort: every problem found, each naming the row, the
/// id and the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct CohortError(pub Problems);

impl CohortError {
    /// The problems, in the order found.
    #[must_use]
    pub fn problems(&self) -> &[Problem] {
        &self.0.list
    }
}

/// What to do with a manager id that names nobody in the cohort.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownManager {
    /// Every unknown manager is a problem (the default).
    #[default]
    Error,
    /// The person is the top of their known chain; a warning says so.
    Ignore,
}

/// How a cohort is built from people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CohortOptions {
    /// Compare skill, goal, expertise, language, department and target names trimmed and
    /// Unicode-case-folded.
    pub normalize: bool,
    /// See [`UnknownManager`].
    pub unknown_manager: UnknownManager,
}

impl Default for CohortOptions {
    fn default() -> Self {
        CohortOptions { normalize: true, unknown_manager: UnknownManager::Error }
    }
}

/// A validated cohort: people plus the indexes the rules need.
#[derive(Clone, Debug)]
pub struct Cohort {
    people: Vec<Person>,
    index: HashMap<String, usize>,
    /// Index of each person's manager.
    manager: Vec<Option<usize>>,
    /// Each person's number in a depth-first walk of the reporting tree, and one past the last
    /// number of the people below them: `span[a].0..span[a].1` are the numbers of `a` and of
    /// everyone `a` manages, directly or not.
    span: Vec<(u32, u32)>,
    /// Each person's row in the input (empty: the position).
    rows: Vec<usize>,
    /// What was tolerated on the way (unknown managers under `unknown_manager = "ignore"`,
    /// unknown ids in preferences).
    warnings: Vec<String>,
}

impl Cohort {
    /// Validates `people` with the default options: see [`Cohort::with_options`].
    ///
    /// # Errors
    /// Every problem found, as a [`CohortError`].
    pub fn new(people: Vec<Person>) -> Result<Cohort, CohortError> {
        Cohort::with_options(people, &[], CohortOptions::default())
    }

    /// Validates `people`: ids unique and non-empty, numbers finite and in range, managers
    /// known (or ignored, per `options`), no manager cycles; a person who is their own manager
    /// is the top of their chain. `rows` gives each person's row in the input for messages
    /// (empty: the position). With `options.normalize`, names are compared folded and each is
    /// spelt as the first spelling seen of its folded form.
    ///
    /// # Errors
    /// Every problem found, as a [`CohortError`].
    pub fn with_options(people: Vec<Person>, rows: &[usize], options: CohortOptions) -> Result<Cohort, CohortError> {
        let row = |i: usize| rows.get(i).copied().unwrap_or(i);
        let mut problems = Problems::default();
        if people.is_empty() {
            problems.push(Problem {
                row: None,
                id: None,
                field: None,
                message: "the cohort is empty: no people were given".into(),
            });
        }
        let mut index = HashMap::with_capacity(people.len());
        for (i, p) in people.iter().enumerate() {
            check_person(p, row(i), &mut problems);
            if p.id.is_empty() {
                continue;
            }
            if let Some(first) = index.insert(p.id.clone(), i) {
                index.insert(p.id.clone(), first);
                problems.push(Problem {
                    row: Some(row(i)),
                    id: Some(p.id.clone()),
                    field: Some("id".into()),
                    message: format!("duplicate id (first at row {})", row(first)),
                });
            }
        }
        let mut warnings = Vec::new();
        let mut manager = Vec::with_capacity(people.len());
        for (i, p) in people.iter().enumerate() {
            manager.push(match p.manager.as_deref() {
                None | Some("") => None,
                Some(m) if m == p.id => None,
                Some(m) => match index.get(m) {
                    Some(&boss) => Some(boss),
                    None => {
                        let message = format!("manager '{m}' is not in the cohort");
                        match options.unknown_manager {
                            UnknownManager::Error => problems.push(Problem {
                                row: Some(row(i)),
                                id: Some(p.id.clone()),
                                field: Some("manager".into()),
                                message,
                            }),
                            UnknownManager::Ignore => warnings.push(format!(
                                "row {} (id '{}'): {message}; they are the top of their known chain",
                                row(i),
                                p.id
                            )),
                        }
                        None
                    }
                },
            });
        }
        if !problems.is_empty() {
            return Err(CohortError(problems));
        }
        depths(&people, &manager).map_err(|cycle| {
            let mut p = Problems::default();
            p.push(Problem {
                row: None,
                id: None,
                field: Some("manager".into()),
                message: format!("manager cycle: {}", cycle.join(" -> ")),
            });
            CohortError(p)
        })?;
        // An unknown id in someone's preferences is worth knowing but stops nothing.
        for (i, p) in people.iter().enumerate() {
            for unknown in p.preferences.iter().filter(|id| !index.contains_key(id.as_str())) {
                let problem = Problem {
                    row: Some(row(i)),
                    id: Some(p.id.clone()),
                    field: Some("preferences".into()),
                    message: format!("id '{unknown}' is not in the cohort and was ignored"),
                };
                warnings.push(problem.to_string());
            }
        }
        let people = if options.normalize { normalized(people) } else { people };
        let span = tree_order(&manager);
        Ok(Cohort { people, index, manager, span, rows: rows.to_vec(), warnings })
    }

    /// What was tolerated while building the cohort.
    #[must_use]
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The people, in input order.
    #[must_use]
    pub fn people(&self) -> &[Person] {
        &self.people
    }

    /// The row in the input of the person at `a` (for messages).
    #[must_use]
    pub fn row(&self, a: usize) -> usize {
        self.rows.get(a).copied().unwrap_or(a)
    }

    /// Position of the person with this id.
    #[must_use]
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Whether one of `a` and `b` (positions) manages the other, directly or through a chain
    /// (true when `a == b`). `O(1)`, whatever the depth.
    #[must_use]
    pub fn same_chain(&self, a: usize, b: usize) -> bool {
        let ((a_first, a_end), (b_first, b_end)) = (self.span[a], self.span[b]);
        (a_first <= b_first && b_first < a_end) || (b_first <= a_first && a_first < b_end)
    }

    /// The number of the person at `a` in a depth-first walk of the reporting tree (managers
    /// before their reports, each person's reports right after them), in `0..people().len()`.
    #[must_use]
    pub fn tree_order(&self, a: usize) -> usize {
        self.span[a].0 as usize
    }

    /// The [`tree_order`](Self::tree_order) numbers of `a` and of everyone `a` manages,
    /// directly or not: `b` is at or below `a` exactly when `tree_span(a)` contains
    /// `tree_order(b)`.
    #[must_use]
    pub fn tree_span(&self, a: usize) -> Range<usize> {
        let (first, end) = self.span[a];
        first as usize..end as usize
    }

    /// Position of the manager of the person at `a`.
    #[must_use]
    pub fn manager_of(&self, a: usize) -> Option<usize> {
        self.manager[a]
    }
}

/// The checks of one person that need no one else: a non-empty id, a finite level, a time
/// zone that exists, proficiencies from 0 to 5.
pub(crate) fn check_person(p: &Person, row: usize, problems: &mut Problems) {
    let mut bad = |field: String, message: String| {
        let id = (!p.id.is_empty()).then(|| p.id.clone());
        problems.push(Problem { row: Some(row), id, field: Some(field), message });
    };
    if p.id.is_empty() {
        bad("id".into(), "is missing".into());
    }
    if !p.level.is_finite() {
        bad("level".into(), format!("is {}, expected a finite number", p.level));
    }
    if let Some(tz) = p.timezone {
        if !TIMEZONES.contains(&tz) {
            bad("timezone".into(), format!("is {tz}, expected a UTC offset in hours, -12 to 14"));
        }
    }
    for (skill, &value) in &p.skills {
        if !PROFICIENCY.contains(&value) {
            bad(format!("skills.{skill}"), format!("is {value}, expected a proficiency from 0 to 5"));
        }
    }
}

/// Each person's number in a depth-first walk of the reporting forest (tops in input order, then
/// each person's reports in input order) and the end of their range, in `O(n)`. `manager` must
/// have no cycles.
fn tree_order(manager: &[Option<usize>]) -> Vec<(u32, u32)> {
    let n = manager.len();
    // Reports of each person, in input order, as ranges of one array (a counting sort).
    let mut start = vec![0usize; n + 1];
    for m in manager.iter().flatten() {
        start[m + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut next = start.clone();
    let mut reports = vec![0usize; n];
    for (i, m) in manager.iter().enumerate() {
        if let Some(m) = *m {
            reports[next[m]] = i;
            next[m] += 1;
        }
    }
    let number = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
    let mut order = vec![0u32; n];
    let mut walk = Vec::with_capacity(n);
    let mut stack: Vec<usize> = (0..n).filter(|&i| manager[i].is_none()).rev().collect();
    while let Some(x) = stack.pop() {
        order[x] = number(walk.len());
        walk.push(x);
        stack.extend(reports[start[x]..start[x + 1]].iter().rev());
    }
    // Subtree sizes, leaves first: the walk lists every manager before their reports.
    let mut size = vec![1u32; n];
    for &x in walk.iter().rev() {
        if let Some(m) = manager[x] {
            size[m] += size[x];
        }
    }
    (0..n).map(|i| (order[i], order[i] + size[i])).collect()
}

/// `name` trimmed and Unicode-case-folded (full case folding, as `str.casefold` does).
#[must_use]
pub fn fold(name: &str) -> String {
    caseless::default_case_fold_str(name.trim())
}

/// Names that compare equal folded, each spelt as the first spelling seen (trimmed).
#[derive(Default)]
struct FirstSpelling {
    /// The first spelling of each folded name.
    first: HashMap<String, String>,
    /// The first spelling of each spelling met so far (folds each spelling once).
    known: HashMap<String, String>,
}

impl FirstSpelling {
    fn respell(&mut self, name: &mut String) {
        let first = match self.known.get(name.as_str()) {
            Some(first) => first.clone(),
            None => {
                let first = self.first.entry(fold(name)).or_insert_with(|| name.trim().to_string()).clone();
                self.known.insert(name.clone(), first.clone());
                first
            }
        };
        if *name != first {
            *name = first;
        }
    }
}

/// `people` with every skill, goal, expertise, language, department and target name replaced
/// by the first spelling (in row order) of the names it equals folded: topics (skills, goals,
/// expertise), departments (departments and targets) and languages each on their own. Names
/// that compare equal are then equal, and outputs show one spelling for each.
fn normalized(mut people: Vec<Person>) -> Vec<Person> {
    let (mut topics, mut departments, mut languages) =
        (FirstSpelling::default(), FirstSpelling::default(), FirstSpelling::default());
    for p in &mut people {
        if !p.skills.is_empty() {
            let mut skills = BTreeMap::new();
            for (mut k, v) in std::mem::take(&mut p.skills) {
                topics.respell(&mut k);
                let slot = skills.entry(k).or_insert(v);
                *slot = f64::max(*slot, v);
            }
            p.skills = skills;
        }
        p.goals.iter_mut().chain(&mut p.expertise).for_each(|s| topics.respell(s));
        departments.respell(&mut p.department);
        p.target.iter_mut().for_each(|s| departments.respell(s));
        p.languages.iter_mut().for_each(|s| languages.respell(s));
    }
    people
}

/// Depth of everyone in the reporting tree, or the ids around the first manager cycle found.
fn depths(people: &[Person], manager: &[Option<usize>]) -> Result<Vec<u32>, Vec<String>> {
    const UNKNOWN: u32 = u32::MAX;
    let mut depth = vec![UNKNOWN; people.len()];
    let mut on_path = vec![false; people.len()];
    let mut path = Vec::new();
    for start in 0..people.len() {
        // Walk up to the top or to a person of known depth, then number the path downwards.
        let mut x = start;
        let mut d = loop {
            if depth[x] != UNKNOWN {
                break depth[x] + 1;
            }
            if on_path[x] {
                let from = path.iter().position(|&p| p == x).unwrap_or(0);
                let mut cycle: Vec<String> = path[from..].iter().map(|&p: &usize| people[p].id.clone()).collect();
                cycle.push(people[x].id.clone());
                return Err(cycle);
            }
            on_path[x] = true;
            path.push(x);
            match manager[x] {
                Some(m) => x = m,
                None => break 0,
            }
        };
        while let Some(p) = path.pop() {
            on_path[p] = false;
            depth[p] = d;
            d += 1;
        }
    }
    Ok(depth)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, department: &str, skills: &[&str], goals: &[&str], languages: &[&str]) -> Person {
        let mut p = Person::new(id, 1.0);
        p.department = department.into();
        p.skills = skills.iter().enumerate().map(|(i, s)| ((*s).to_string(), i as f64)).collect();
        p.goals = goals.iter().map(|s| (*s).to_string()).collect();
        p.languages = languages.iter().map(|s| (*s).to_string()).collect();
        p
    }

    #[test]
    fn names_take_the_first_spelling_seen() {
        let mut boss = person("a", " Sales", &["SQL", "sql "], &["Python"], &["English"]);
        boss.target = Some("ENG".into());
        let mut b = person("b", "SALES", &["Straße"], &["python", "STRASSE"], &["english"]);
        b.target = Some("eng".into());
        b.expertise = vec!["sQl".into()];
        let written = vec![boss, b];
        let cohort = Cohort::new(written.clone()).unwrap();
        let [a, b] = cohort.people() else { panic!("two people") };
        // One spelling per folded name: the first in row order (trimmed), per kind of name.
        assert_eq!(a.department, "Sales");
        assert_eq!(b.department, "Sales");
        assert_eq!((a.target.as_deref(), b.target.as_deref()), (Some("ENG"), Some("ENG")));
        // `SQL` and `sql ` of one person are one skill: the higher proficiency.
        assert_eq!(a.skills.iter().collect::<Vec<_>>(), [(&"SQL".to_string(), &1.0)]);
        assert_eq!(b.skills.keys().collect::<Vec<_>>(), ["Straße"]);
        assert_eq!(b.goals, ["Python", "Straße"]);
        assert_eq!(b.expertise, ["SQL"]);
        assert_eq!(b.languages, ["English"]);
        // Off, names stay as written.
        let options = CohortOptions { normalize: false, ..CohortOptions::default() };
        let raw = Cohort::with_options(written.clone(), &[], options).unwrap();
        assert_eq!(raw.people(), written);
    }
}
