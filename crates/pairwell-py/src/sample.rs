//! Binding of `pairwell_core::sample`: the cohort leaves as columns, so pandas builds the
//! DataFrame without a per-row conversion.

use std::collections::HashMap;

use pairwell_core::cohort::Person;
use pairwell_core::sample;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyString};

use crate::compute;
use crate::errors::Error;

/// The columns being built, with one Python object per distinct name or number: a cohort
/// repeats a few dozen skill, department, language and role names (and whole-number
/// proficiencies) millions of times, so sharing them saves an allocation per cell.
struct Columns<'py, 'a> {
    py: Python<'py>,
    people: &'a [Person],
    columns: Bound<'py, PyDict>,
    names: HashMap<&'a str, Bound<'py, PyString>>,
    numbers: HashMap<u64, Bound<'py, PyFloat>>,
}

impl<'py, 'a> Columns<'py, 'a> {
    /// Adds the column `name`, one value per person made by `value`.
    fn column(
        &mut self,
        name: &str,
        mut value: impl FnMut(&mut Self, &'a Person) -> PyResult<Bound<'py, PyAny>>,
    ) -> PyResult<()> {
        let people = self.people;
        let values = people.iter().map(|p| value(self, p)).collect::<PyResult<Vec<_>>>()?;
        self.columns.set_item(name, PyList::new(self.py, values)?)
    }

    /// The shared Python string for `s`.
    fn name(&mut self, s: &'a str) -> Bound<'py, PyAny> {
        let py = self.py;
        self.names.entry(s).or_insert_with(|| PyString::new(py, s)).clone().into_any()
    }

    /// The shared Python float for `x`.
    fn number(&mut self, x: f64) -> Bound<'py, PyAny> {
        let py = self.py;
        self.numbers.entry(x.to_bits()).or_insert_with(|| PyFloat::new(py, x)).clone().into_any()
    }

    /// A new list of the shared strings for `items`.
    fn list(&mut self, items: &'a [String]) -> PyResult<Bound<'py, PyAny>> {
        let items: Vec<Bound<'py, PyAny>> = items.iter().map(|s| self.name(s)).collect();
        Ok(PyList::new(self.py, items)?.into_any())
    }

    /// The shared string for `s`, or `None`.
    fn optional(&mut self, s: Option<&'a str>) -> Bound<'py, PyAny> {
        match s {
            Some(s) => self.name(s),
            None => self.py.None().into_bound(self.py),
        }
    }
}

/// Pauses Python's cycle collector while it lives, if it was running. The columns hold
/// hundreds of thousands of new lists that cannot form cycles, and the collections their
/// creation would trigger cost about a third of the conversion. The GIL is held throughout,
/// so no Python code runs while the collector is paused.
struct PauseGc<'py>(Option<Bound<'py, PyModule>>);

impl<'py> PauseGc<'py> {
    fn new(py: Python<'py>) -> PyResult<Self> {
        let gc = py.import("gc")?;
        if !gc.call_method0("isenabled")?.is_truthy()? {
            return Ok(PauseGc(None));
        }
        gc.call_method0("disable")?;
        Ok(PauseGc(Some(gc)))
    }
}

impl Drop for PauseGc<'_> {
    fn drop(&mut self) {
        if let Some(gc) = &self.0 {
            // `gc.enable()` cannot fail; should it, the collector stays paused, which is harmless.
            let _ = gc.call_method0("enable");
        }
    }
}

/// The schema fields of `people` as a dict of columns (Python lists), for a DataFrame.
pub(crate) fn people_columns<'py>(py: Python<'py>, people: &[Person]) -> PyResult<Bound<'py, PyDict>> {
    let _paused = PauseGc::new(py)?;
    let mut c = Columns { py, people, columns: PyDict::new(py), names: HashMap::new(), numbers: HashMap::new() };
    c.column("id", |_, p| Ok(PyString::new(py, &p.id).into_any()))?;
    c.column("level", |c, p| Ok(c.number(p.level)))?;
    c.column("skills", |c, p| {
        let skills = PyDict::new(py);
        for (name, &value) in &p.skills {
            skills.set_item(c.name(name), c.number(value))?;
        }
        Ok(skills.into_any())
    })?;
    c.column("goals", |c, p| c.list(&p.goals))?;
    c.column("expertise", |c, p| c.list(&p.expertise))?;
    c.column("target", |c, p| Ok(c.optional(p.target.as_deref())))?;
    c.column("manager", |c, p| Ok(c.optional(p.manager.as_deref())))?;
    c.column("department", |c, p| Ok(c.name(&p.department)))?;
    c.column("timezone", |c, p| Ok(c.number(p.timezone.unwrap_or(f64::NAN))))?;
    c.column("languages", |c, p| c.list(&p.languages))?;
    c.column("roles", |c, p| {
        let roles: Vec<Bound<'_, PyAny>> = p.roles.iter().map(|r| c.name(r.name())).collect();
        Ok(PyList::new(py, roles)?.into_any())
    })?;
    c.column("capacity", |_, p| Ok(p.capacity.into_pyobject(py)?.into_any()))?;
    c.column("preferences", |c, p| c.list(&p.preferences))?;
    Ok(c.columns)
}

/// A seeded synthetic cohort as a dict of columns; see `pairwell.sample_cohort`.
#[pyfunction]
#[pyo3(signature = (n, seed=0))]
fn sample_cohort(py: Python<'_>, n: usize, seed: u64) -> PyResult<Bound<'_, PyDict>> {
    let people = compute::run(py, || sample::sample_cohort(n, seed))?.map_err(Error::from)?;
    people_columns(py, &people)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sample_cohort, m)?)
}
