//! Binding of `pairwell_core::sample`: the cohort leaves as columns, so pandas builds the
//! DataFrame without a per-row conversion.

use pairwell_core::cohort::Person;
use pairwell_core::sample;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A seeded synthetic cohort as a dict of columns; see `pairwell.sample_cohort`.
#[pyfunction]
#[pyo3(signature = (n, seed=0))]
fn sample_cohort(py: Python<'_>, n: usize, seed: u64) -> PyResult<Bound<'_, PyDict>> {
    let people = py.detach(|| sample::sample_cohort(n, seed));
    let columns = PyDict::new(py);
    let column = |name: &str, f: &dyn Fn(&Person) -> PyResult<Py<PyAny>>| -> PyResult<()> {
        let values: PyResult<Vec<Py<PyAny>>> = people.iter().map(f).collect();
        columns.set_item(name, values?)
    };
    column("id", &|p| Ok(p.id.clone().into_pyobject(py)?.into_any().unbind()))?;
    column("level", &|p| Ok(p.level.into_pyobject(py)?.into_any().unbind()))?;
    column("skills", &|p| Ok(p.skills.clone().into_pyobject(py)?.into_any().unbind()))?;
    column("goals", &|p| Ok(p.goals.clone().into_pyobject(py)?.into_any().unbind()))?;
    column("expertise", &|p| Ok(p.expertise.clone().into_pyobject(py)?.into_any().unbind()))?;
    column("target", &|p| Ok(p.target.clone().into_pyobject(py)?.into_any().unbind()))?;
    column("manager", &|p| Ok(p.manager.clone().into_pyobject(py)?.into_any().unbind()))?;
    column("department", &|p| Ok(p.department.clone().into_pyobject(py)?.into_any().unbind()))?;
    column("timezone", &|p| Ok(p.timezone.into_pyobject(py)?.into_any().unbind()))?;
    column("languages", &|p| Ok(p.languages.clone().into_pyobject(py)?.into_any().unbind()))?;
    column("roles", &|p| {
        let names: Vec<&str> = p.roles.iter().map(|r| r.name()).collect();
        Ok(names.into_pyobject(py)?.into_any().unbind())
    })?;
    column("capacity", &|p| Ok(p.capacity.into_pyobject(py)?.into_any().unbind()))?;
    Ok(columns)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sample_cohort, m)?)
}
