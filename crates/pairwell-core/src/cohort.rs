//! People and the organisation they form: the input contract of the engine.
//!
//! A [`Person`] is one record of the people table (see the README for every field). A
//! [`Cohort`] is a validated set of people: unique ids, finite levels, known managers, no
//! manager cycles. It numbers the reporting tree depth-first, so that everyone a person manages, at
//! any depth, has a contiguous range of numbers after theirs: "is A above B?" is two comparisons.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use serde::{Deserialize, Serialize};

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
    /// UTC offset in hours.
    #[serde(default)]
    pub timezone: f64,
    /// Languages this person works in.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Opt-ins to program roles.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// How many receivers this person may take as a giver in one program.
    #[serde(default = "one")]
    pub capacity: u32,
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
            timezone: 0.0,
            languages: Vec::new(),
            roles: Vec::new(),
            capacity: 1,
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

/// Input that does not describe a valid cohort.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CohortError {
    /// No people at all.
    #[error("the cohort is empty: no people were given")]
    Empty,
    /// An empty id.
    #[error("person at position {index} has an empty id")]
    EmptyId {
        /// Position in the input.
        index: usize,
    },
    /// Two people with the same id.
    #[error("duplicate id {id:?} (positions {first} and {second})")]
    DuplicateId {
        /// The id.
        id: String,
        /// Position of its first occurrence.
        first: usize,
        /// Position of its second occurrence.
        second: usize,
    },
    /// A numeric field that is NaN or infinite, or out of its range.
    #[error("person {id:?}: field {field:?} is {value}, {expected}")]
    BadNumber {
        /// The person.
        id: String,
        /// The field (`level`, `timezone`, `skills.python`, ...).
        field: String,
        /// The value found.
        value: f64,
        /// What was expected.
        expected: &'static str,
    },
    /// A manager id that names nobody in the cohort.
    #[error("person {id:?}: manager {manager:?} is not an id in the cohort")]
    UnknownManager {
        /// The person.
        id: String,
        /// The unknown manager id.
        manager: String,
    },
    /// Managers that form a loop.
    #[error("manager cycle: {}", cycle.join(" -> "))]
    ManagerCycle {
        /// The ids around the loop, the first repeated at the end.
        cycle: Vec<String>,
    },
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
}

impl Cohort {
    /// Validates `people`: ids unique and non-empty, numbers finite and in range, managers
    /// known, no manager cycles.
    ///
    /// # Errors
    /// The first [`CohortError`] found, naming the field and the id.
    pub fn new(people: Vec<Person>) -> Result<Cohort, CohortError> {
        if people.is_empty() {
            return Err(CohortError::Empty);
        }
        let mut index = HashMap::with_capacity(people.len());
        for (i, p) in people.iter().enumerate() {
            if p.id.is_empty() {
                return Err(CohortError::EmptyId { index: i });
            }
            if let Some(first) = index.insert(p.id.clone(), i) {
                return Err(CohortError::DuplicateId { id: p.id.clone(), first, second: i });
            }
            check_numbers(p)?;
        }
        let mut manager = Vec::with_capacity(people.len());
        for p in &people {
            manager.push(match &p.manager {
                None => None,
                Some(m) if m.is_empty() => None,
                Some(m) => Some(
                    *index
                        .get(m)
                        .ok_or_else(|| CohortError::UnknownManager { id: p.id.clone(), manager: m.clone() })?,
                ),
            });
        }
        depths(&people, &manager)?;
        let span = tree_order(&manager);
        Ok(Cohort { people, index, manager, span })
    }

    /// The people, in input order.
    #[must_use]
    pub fn people(&self) -> &[Person] {
        &self.people
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

fn check_numbers(p: &Person) -> Result<(), CohortError> {
    let bad = |field: String, value: f64, expected| CohortError::BadNumber { id: p.id.clone(), field, value, expected };
    if !p.level.is_finite() {
        return Err(bad("level".into(), p.level, "expected a finite number"));
    }
    if !p.timezone.is_finite() || !(-12.0..=14.0).contains(&p.timezone) {
        return Err(bad("timezone".into(), p.timezone, "expected a UTC offset in hours, -12 to 14"));
    }
    for (skill, &value) in &p.skills {
        if !(0.0..=5.0).contains(&value) {
            return Err(bad(format!("skills.{skill}"), value, "expected a proficiency from 0 to 5"));
        }
    }
    Ok(())
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

/// Depth of everyone in the reporting tree, or the first manager cycle found.
fn depths(people: &[Person], manager: &[Option<usize>]) -> Result<Vec<u32>, CohortError> {
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
                return Err(CohortError::ManagerCycle { cycle });
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
