//! The people schema, written once: field names, how each cell of a people table is read and
//! checked, the spreadsheet encoding of list and dict cells, and every problem of a table
//! gathered at once.
//!
//! Bindings turn whatever table they are given (records, columns, Arrow arrays) into [`Cell`]s,
//! one per field of each row, and hand them to [`PeopleReader::row`]; nothing is checked
//! anywhere else. [`PeopleReader::finish`] returns the people in input order or every
//! [`Problem`] found (at most [`MAX_PROBLEMS`] kept, the rest counted).
//!
//! In a text cell a list is written `a;b;c` and a dict `python:4;sql:3`; a `;`, `:` or `\`
//! inside a name is escaped with `\`, so [`encode_list`] and [`encode_skills`] write what
//! [`PeopleReader`] reads back unchanged.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::cohort::{check_person, Person, Role, Value};

/// The fields of the people schema, in table order.
pub const FIELDS: [&str; 13] = [
    "id",
    "level",
    "skills",
    "goals",
    "expertise",
    "target",
    "manager",
    "department",
    "timezone",
    "languages",
    "roles",
    "capacity",
    "preferences",
];

/// Index of each field in [`FIELDS`], for bindings that fill a row in field order.
pub mod field {
    /// `id`
    pub const ID: usize = 0;
    /// `level`
    pub const LEVEL: usize = 1;
    /// `skills`
    pub const SKILLS: usize = 2;
    /// `goals`
    pub const GOALS: usize = 3;
    /// `expertise`
    pub const EXPERTISE: usize = 4;
    /// `target`
    pub const TARGET: usize = 5;
    /// `manager`
    pub const MANAGER: usize = 6;
    /// `department`
    pub const DEPARTMENT: usize = 7;
    /// `timezone`
    pub const TIMEZONE: usize = 8;
    /// `languages`
    pub const LANGUAGES: usize = 9;
    /// `roles`
    pub const ROLES: usize = 10;
    /// `capacity`
    pub const CAPACITY: usize = 11;
    /// `preferences`
    pub const PREFERENCES: usize = 12;
}

/// The most problems an error keeps; the rest are counted.
pub const MAX_PROBLEMS: usize = 100;
/// How many problems an error message spells out (the rest are in the list).
const SHOWN: usize = 5;
/// Largest capacity (the engine stores capacities as 32-bit integers).
pub const MAX_CAPACITY: u32 = u32::MAX;
/// UTC offsets in hours that exist.
pub const TIMEZONES: std::ops::RangeInclusive<f64> = -12.0..=14.0;
/// Proficiencies a skill may have.
pub const PROFICIENCY: std::ops::RangeInclusive<f64> = 0.0..=5.0;

/// One cell of a people table as a binding found it.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Cell {
    /// No value: a missing column or key, `None`, a null.
    #[default]
    Missing,
    /// A boolean.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A floating-point number (NaN means missing).
    Float(f64),
    /// Text.
    Str(String),
    /// A list (or tuple, set, array).
    List(Vec<Cell>),
    /// A dict, map or struct: key and value pairs.
    Map(Vec<(Cell, Cell)>),
    /// Something that is none of the above, described (`"a datetime"`, `"an int too large for
    /// 64 bits"`, `"text with a lone surrogate"`).
    Other(String),
}

impl Cell {
    /// No value at all: missing, NaN, or text of only spaces.
    #[must_use]
    pub fn is_missing(&self) -> bool {
        match self {
            Cell::Missing => true,
            Cell::Float(x) => x.is_nan(),
            Cell::Str(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    fn describe(&self) -> String {
        match self {
            Cell::Missing => "nothing".into(),
            Cell::Bool(b) => format!("the boolean {}", if *b { "True" } else { "False" }),
            Cell::Int(i) => format!("the number {i}"),
            Cell::Float(x) => format!("the number {x}"),
            Cell::Str(s) => format!("the text {}", quote(s)),
            Cell::List(items) => format!("a list of {}", items.len()),
            Cell::Map(items) => format!("a dict of {}", items.len()),
            Cell::Other(what) => what.clone(),
        }
    }
}

/// `'text'`, as the messages quote values.
fn quote(s: &str) -> String {
    format!("'{s}'")
}

/// One thing wrong with a people table (or a config), located as precisely as known.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Row in the input (0-based), when the problem belongs to one.
    pub row: Option<usize>,
    /// Id of the person, when known.
    pub id: Option<String>,
    /// The field (`level`, `skills.python`, a config key, ...), when one is at fault.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(row) = self.row {
            write!(f, "row {row}")?;
            sep = " ";
        }
        if let Some(id) = &self.id {
            write!(f, "{sep}(id {})", quote(id))?;
            sep = " ";
        }
        if let Some(field) = &self.field {
            write!(f, "{sep}field {}", quote(field))?;
            sep = " ";
        }
        write!(f, "{}{}", if sep.is_empty() { "" } else { ": " }, self.message)
    }
}

/// Every problem found, at most [`MAX_PROBLEMS`] of them, plus how many more there were.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Problems {
    /// The problems kept, in the order found.
    pub list: Vec<Problem>,
    /// How many more were found but not kept.
    pub more: usize,
}

impl Problems {
    /// Records a problem.
    pub fn push(&mut self, problem: Problem) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(problem);
        } else {
            self.more += 1;
        }
    }

    /// Records every problem of `other`, after those found so far.
    pub fn extend(&mut self, other: Problems) {
        other.list.into_iter().for_each(|p| self.push(p));
        self.more += other.more;
    }

    /// Whether nothing was found.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// How many problems were found in all.
    #[must_use]
    pub fn count(&self) -> usize {
        self.list.len() + self.more
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.count() == 1 {
            return write!(f, "{}", self.list[0]);
        }
        write!(f, "{} problems: ", self.count())?;
        for (i, p) in self.list.iter().take(SHOWN).enumerate() {
            write!(f, "{}{p}", if i == 0 { "" } else { "; " })?;
        }
        if self.count() > SHOWN {
            write!(f, "; and {} more (every one is in .problems)", self.count() - SHOWN)?;
        }
        Ok(())
    }
}

/// Splits `text` at every unescaped `sep`; escapes other than `\sep` are kept for the caller.
fn split_escaped(text: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut part = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                if next != sep {
                    part.push('\\');
                }
                part.push(next);
            }
        } else if c == sep {
            parts.push(std::mem::take(&mut part));
        } else {
            part.push(c);
        }
    }
    parts.push(part);
    parts
}

/// The items of a list cell written as text, `a;b;c`: unescaped, blank items left out.
pub(crate) fn split_list(text: &str) -> Vec<String> {
    split_escaped(text, ';').into_iter().map(|p| unescape(&p)).filter(|p| !p.trim().is_empty()).collect()
}

/// Removes the escapes of [`escape`].
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `name` with `\`, `;` and `:` escaped by `\`.
#[must_use]
pub fn escape(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if matches!(c, '\\' | ';' | ':') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A list as a text cell: `a;b;c`, names escaped.
#[must_use]
pub fn encode_list(items: &[String]) -> String {
    items.iter().map(|s| escape(s)).collect::<Vec<_>>().join(";")
}

/// Skills as a text cell: `python:4;sql:3.5`, names escaped.
#[must_use]
pub fn encode_skills(skills: &BTreeMap<String, f64>) -> String {
    skills.iter().map(|(k, v)| format!("{}:{v}", escape(k))).collect::<Vec<_>>().join(";")
}

/// The field name one or two edits away from `column`, if any (for "did you mean").
#[must_use]
pub fn near_field(column: &str) -> Option<&'static str> {
    if FIELDS.contains(&column) {
        return None;
    }
    let lower = column.trim().to_lowercase();
    FIELDS.into_iter().find(|f| lower == *f || edits(&lower, f) <= 2)
}

/// Levenshtein distance.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Reads and checks people one row at a time, gathering every problem.
#[derive(Debug, Default)]
pub struct PeopleReader {
    people: Vec<Person>,
    /// Row in the input of each person kept.
    rows: Vec<usize>,
    problems: Problems,
    /// Row of the first person with each id, by group (see [`PeopleReader::row_in`]).
    seen: HashMap<(usize, String), usize>,
    warnings: Vec<String>,
    /// Names of the columns outside the schema, in the order first seen.
    columns: Vec<String>,
    next_row: usize,
}

/// People read and checked: the engine's input, in input order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct People {
    /// The people, in input order (exact duplicate rows dropped).
    pub people: Vec<Person>,
    /// Row in the input of each person.
    pub rows: Vec<usize>,
    /// What was tolerated (exact duplicate rows).
    pub warnings: Vec<String>,
    /// Names of the table's columns outside the schema (custom criteria may read them), even
    /// those without a value in any row.
    #[serde(default)]
    pub columns: Vec<String>,
}

/// One row read and checked on its own, waiting to be checked against the rows before it.
#[derive(Debug)]
pub struct CheckedRow {
    row: usize,
    person: Person,
    has_id: bool,
    problems: Problems,
    /// The row's columns outside the schema, with a value or not.
    columns: Vec<String>,
}

/// The cells of one row, in [`FIELDS`] order.
pub type Row = [Cell; FIELDS.len()];

impl PeopleReader {
    /// A reader expecting about `rows` rows.
    #[must_use]
    pub fn with_capacity(rows: usize) -> Self {
        PeopleReader {
            people: Vec::with_capacity(rows),
            rows: Vec::with_capacity(rows),
            seen: HashMap::with_capacity(rows),
            ..Self::default()
        }
    }

    /// Reads the next row: every field checked, every problem recorded.
    pub fn row(&mut self, cells: Row) {
        self.row_in(cells, 0);
    }

    /// [`row`](Self::row) for a table of independent cohorts: ids need only be unique within
    /// `group`, and only a row that repeats one of its own group is dropped as a duplicate.
    pub fn row_in(&mut self, cells: Row, group: usize) {
        self.row_with(cells, Vec::new(), group);
    }

    /// [`row_in`](Self::row_in) with the row's cells of columns outside the schema, `(column,
    /// cell)`: kept in [`Person::extra`] for custom criteria (missing cells left out). Text,
    /// numbers, booleans (as `true`/`false`) and lists of text are values; anything else is
    /// kept as [`Value::Invalid`] and becomes a problem naming the row, id and column only
    /// where a criterion reads that column, so an unused column never stops a match.
    pub fn row_with(&mut self, cells: Row, extra: Vec<(String, Cell)>, group: usize) {
        let checked = Self::check(cells, extra, self.next_row);
        self.admit(checked, group);
    }

    /// Reads and checks the cells of input row `row` (and its cells outside the schema, as in
    /// [`row_with`](Self::row_with)) on their own: no other row is needed, so rows may be
    /// checked in parallel; [`admit`](Self::admit) then takes them in row order.
    #[must_use]
    pub fn check(cells: Row, extra: Vec<(String, Cell)>, row: usize) -> CheckedRow {
        let [id, level, skills, goals, expertise, target, manager, department, timezone, languages, roles, capacity, preferences] =
            cells;
        let mut problems = Problems::default();
        let mut at = At { row, id: None, problems: &mut problems };
        let id = at.id_text(id, "id");
        let has_id = id.is_some();
        at.id.clone_from(&id);
        let mut p = Person::new(id.unwrap_or_default(), 0.0);
        match at.number(level, "level") {
            Some(x) => p.level = x,
            None => at.missing("level"),
        }
        p.skills = at.skills(skills);
        p.goals = at.list(goals, "goals");
        p.expertise = at.list(expertise, "expertise");
        p.target = at.text(target, "target");
        p.manager = at.id_text(manager, "manager");
        p.department = at.text(department, "department").unwrap_or_default();
        p.timezone = at.number(timezone, "timezone");
        p.languages = at.list(languages, "languages");
        p.roles = at.roles(roles);
        p.preferences = at.ids(preferences);
        let columns = extra.iter().map(|(name, _)| name.clone()).collect();
        p.extra = extra.into_iter().filter(|(_, c)| !c.is_missing()).map(|(name, c)| (name, extra_value(c))).collect();
        if let Some(c) = at.number(capacity, "capacity") {
            if c.fract() == 0.0 && (0.0..=f64::from(MAX_CAPACITY)).contains(&c) {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let c = c as u32;
                p.capacity = c;
            } else {
                at.bad("capacity", format!("is {c}, expected a whole number from 0 to {MAX_CAPACITY}"));
            }
        }
        // The checks that need no cell types (ranges, an empty id) are the cohort's own.
        check_person(&p, row, &mut problems);
        CheckedRow { row, person: p, has_id, problems, columns }
    }

    /// Takes the next row, checked by [`check`](Self::check): its problems recorded, its id
    /// checked against the rows before it in `group` (see [`row_in`](Self::row_in)).
    pub fn admit(&mut self, checked: CheckedRow, group: usize) {
        let CheckedRow { row, person: p, has_id, problems, columns } = checked;
        self.next_row = row + 1;
        self.problems.extend(problems);
        for name in columns {
            if !self.columns.contains(&name) {
                self.columns.push(name);
            }
        }
        if !has_id {
            return;
        }
        let key = (group, p.id.clone());
        match self.seen.get(&key) {
            Some(&first) => {
                let earlier = self.rows.iter().position(|&r| r == first).map(|i| &self.people[i]);
                if earlier == Some(&p) {
                    self.warnings
                        .push(format!("row {row} repeats row {first} (id {}) exactly and was dropped", quote(&p.id)));
                } else {
                    self.problems.push(Problem {
                        row: Some(row),
                        id: Some(p.id),
                        field: Some("id".into()),
                        message: format!("duplicate id (first at row {first})"),
                    });
                }
            }
            None => {
                self.seen.insert(key, row);
                self.people.push(p);
                self.rows.push(row);
            }
        }
    }

    /// The people in input order, or every problem found.
    ///
    /// # Errors
    /// [`Problems`] when any row had one, or when no row was read.
    pub fn finish(self) -> Result<People, Problems> {
        let mut problems = self.problems;
        if self.next_row == 0 {
            problems.push(Problem {
                row: None,
                id: None,
                field: None,
                message: "the cohort is empty: no people were given".into(),
            });
        }
        if problems.is_empty() {
            Ok(People { people: self.people, rows: self.rows, warnings: self.warnings, columns: self.columns })
        } else {
            Err(problems)
        }
    }
}

/// A cell of a column outside the schema as a [`Value`] (`cell` is not missing).
fn extra_value(cell: Cell) -> Value {
    match cell {
        Cell::Bool(b) => Value::Text(b.to_string()),
        Cell::Int(i) => Value::Number(i as f64),
        Cell::Float(x) => Value::Number(x),
        Cell::Str(s) => Value::Text(s),
        Cell::List(items) => {
            let mut texts = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Cell::Str(s) => texts.push(s),
                    c if c.is_missing() => {}
                    other => return Value::Invalid(format!("a list holding {}", other.describe())),
                }
            }
            Value::List(texts)
        }
        other => Value::Invalid(other.describe()),
    }
}

/// Where the reader is: a row, its id, and the problems so far.
struct At<'a> {
    row: usize,
    id: Option<String>,
    problems: &'a mut Problems,
}

/// Text that is a printed list or dict (`"['a', 'b']"`, `"{'python': 4}"`): what a list or
/// dict becomes when a tool turns an object column into text (dask's `from_pandas` does).
fn looks_like_repr(text: &str, open: char, close: char) -> bool {
    let text = text.trim();
    text.len() >= 2 && text.starts_with(open) && text.ends_with(close)
}

fn printed_container(text: &str, kind: &str, encoding: &str) -> String {
    format!(
        "is a {kind} printed as text ({}); give the {kind} itself or {encoding} (dask turns list and dict \
         columns into text unless the config 'dataframe.convert-string' is False)",
        quote(text)
    )
}

impl At<'_> {
    fn bad(&mut self, field: &str, message: String) {
        self.problems.push(Problem { row: Some(self.row), id: self.id.clone(), field: Some(field.into()), message });
    }

    fn missing(&mut self, field: &str) {
        self.bad(field, "is missing".into());
    }

    fn wrong(&mut self, field: &str, cell: &Cell, expected: &str) {
        self.bad(field, format!("must be {expected}, got {}", cell.describe()));
    }

    /// An id: text, or a whole number (written without a fraction).
    fn id_text(&mut self, cell: Cell, field: &str) -> Option<String> {
        match cell {
            c if c.is_missing() => None,
            Cell::Str(s) => Some(s),
            Cell::Int(i) => Some(i.to_string()),
            Cell::Float(x) if x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 => Some(format!("{x:.0}")),
            other => {
                self.wrong(field, &other, "text or a whole number");
                None
            }
        }
    }

    fn number(&mut self, cell: Cell, field: &str) -> Option<f64> {
        let value = match &cell {
            c if c.is_missing() => return None,
            Cell::Int(i) => *i as f64,
            Cell::Float(x) => *x,
            Cell::Str(s) => match s.trim().parse::<f64>() {
                Ok(x) => x,
                Err(_) => {
                    self.wrong(field, &cell, "a number");
                    return None;
                }
            },
            _ => {
                self.wrong(field, &cell, "a number");
                return None;
            }
        };
        if value.is_finite() {
            Some(value)
        } else {
            self.bad(field, format!("is {value}, expected a finite number"));
            None
        }
    }

    fn text(&mut self, cell: Cell, field: &str) -> Option<String> {
        match cell {
            c if c.is_missing() => None,
            Cell::Str(s) => Some(s),
            other => {
                self.wrong(field, &other, "text");
                None
            }
        }
    }

    fn list(&mut self, cell: Cell, field: &str) -> Vec<String> {
        let items = match cell {
            c if c.is_missing() => return Vec::new(),
            Cell::Str(s) if looks_like_repr(&s, '[', ']') => {
                self.bad(field, printed_container(&s, "list", "'a;b;c'"));
                return Vec::new();
            }
            Cell::Str(s) => split_list(&s),
            Cell::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Cell::Str(s) if !s.trim().is_empty() => out.push(s),
                        other => {
                            self.wrong(field, &other, "a list of non-empty text or 'a;b;c'");
                            return Vec::new();
                        }
                    }
                }
                out
            }
            other => {
                self.wrong(field, &other, "a list of text or 'a;b;c'");
                return Vec::new();
            }
        };
        items
    }

    /// A list of ids (`a;b;c` in text): each text or a whole number.
    fn ids(&mut self, cell: Cell) -> Vec<String> {
        match cell {
            Cell::List(items) => {
                let mut ids = Vec::with_capacity(items.len());
                for item in items.into_iter().filter(|c| !c.is_missing()) {
                    match self.id_text(item, "preferences") {
                        Some(id) => ids.push(id),
                        None => return Vec::new(),
                    }
                }
                ids
            }
            other => self.list(other, "preferences"),
        }
    }

    fn roles(&mut self, cell: Cell) -> Vec<Role> {
        let names = self.list(cell, "roles");
        let mut roles = Vec::with_capacity(names.len());
        for name in names {
            match Role::ALL.into_iter().find(|r| r.name() == name.trim()) {
                Some(r) => roles.push(r),
                None => {
                    let known: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
                    self.bad(
                        "roles",
                        format!("has unknown role {}; expected one of {}", quote(&name), known.join(", ")),
                    );
                }
            }
        }
        roles
    }

    fn skills(&mut self, cell: Cell) -> BTreeMap<String, f64> {
        let mut skills = BTreeMap::new();
        let entries: Vec<(String, Cell)> = match cell {
            c if c.is_missing() => return skills,
            Cell::Str(s) if looks_like_repr(&s, '{', '}') => {
                self.bad("skills", printed_container(&s, "dict", "'python:4;sql:3'"));
                return skills;
            }
            Cell::Str(s) => {
                let mut entries = Vec::new();
                for part in split_escaped(&s, ';') {
                    if part.trim().is_empty() {
                        continue;
                    }
                    let pieces = split_escaped(&part, ':');
                    if pieces.len() != 2 || pieces[0].trim().is_empty() {
                        self.bad("skills", format!("must look like 'python:4;sql:3', got {}", quote(&s)));
                        return skills;
                    }
                    entries.push((unescape(&pieces[0]), Cell::Str(pieces[1].clone())));
                }
                entries
            }
            Cell::Map(items) => {
                let mut entries = Vec::with_capacity(items.len());
                for (k, v) in items {
                    match k {
                        Cell::Str(k) if !k.trim().is_empty() => entries.push((k, v)),
                        other => {
                            self.wrong("skills", &other, "a dict with text keys");
                            return skills;
                        }
                    }
                }
                entries
            }
            other => {
                self.wrong("skills", &other, "a dict or 'python:4;sql:3'");
                return skills;
            }
        };
        for (name, value) in entries {
            let x = match value {
                // A null value (Arrow maps and structs fill absent keys with null) means absent.
                value if value.is_missing() => continue,
                // The common cases, without naming the field (only a problem needs its name).
                Cell::Float(x) if x.is_finite() => x,
                Cell::Int(i) => i as f64,
                value => match self.number(value, &format!("skills.{name}")) {
                    Some(x) => x,
                    None => continue,
                },
            };
            skills.insert(name, x);
        }
        skills
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_cells_read_back() {
        let names = vec!["k8s:helm".to_string(), "sales;ops".into(), "back\\slash".into(), " x ".into()];
        let text = encode_list(&names);
        assert_eq!(split_escaped(&text, ';').iter().map(|p| unescape(p)).collect::<Vec<_>>(), names);
        let skills: BTreeMap<String, f64> = names.iter().map(|n| (n.clone(), 2.5)).collect();
        let mut reader = PeopleReader::default();
        let mut row: Row = Default::default();
        row[field::ID] = Cell::Str("a".into());
        row[field::LEVEL] = Cell::Int(1);
        row[field::SKILLS] = Cell::Str(encode_skills(&skills));
        row[field::GOALS] = Cell::Str(text);
        reader.row(row);
        let people = reader.finish().unwrap();
        assert_eq!(people.people[0].skills, skills);
        assert_eq!(people.people[0].goals, names);
    }

    #[test]
    fn near_misses() {
        assert_eq!(near_field("skils"), Some("skills"));
        assert_eq!(near_field("Level"), Some("level"));
        assert_eq!(near_field("site"), None);
        assert_eq!(near_field("skills"), None);
    }
}
