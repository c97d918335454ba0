//! Bindings of `pairwell_core::matching`: people and config arrive as JSON text (the Python
//! layer normalises DataFrames, CSV and records into it), results leave as columns.

use pairwell_core::cohort::Person;
use pairwell_core::matching::{self as core, Explanation, MatchResult, Pair};
use pairwell_core::metrics::Metrics;
use pairwell_core::program::{Config, Program};
use pairwell_core::score::COMPONENTS;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::compute;
use crate::errors::{CohortError, ConfigError, Error};

/// `(method, pairs, metrics)`: one row of a comparison.
type MethodRow<'py> = (&'static str, Vec<Bound<'py, PyDict>>, Bound<'py, PyDict>);

/// A finished matching; `pairwell.MatchResult` wraps it.
#[pyclass(name = "NativeMatchResult", module = "pairwell._core", frozen)]
pub(crate) struct PyMatchResult(pub(crate) MatchResult);

/// Parses the people records (a JSON array of objects in the people schema).
pub(crate) fn people_from_json(text: &str) -> PyResult<Vec<Person>> {
    serde_json::from_str(text).map_err(|e| CohortError::new_err(format!("invalid people records: {e}")))
}

/// Parses a config from JSON (`format = "json"`) or TOML text.
pub(crate) fn config_from(text: Option<&str>, format: &str) -> PyResult<Config> {
    let parsed = match (text, format) {
        (None, _) => Ok(Config::default()),
        (Some(t), "toml") => Config::from_toml(t),
        (Some(t), _) => Config::from_json(t),
    };
    parsed.map_err(|e| Error::from(pairwell_core::matching::MatchError::from(e)).into())
}

/// Matches people for a program; see `pairwell.match`.
#[pyfunction]
#[pyo3(signature = (people_json, program, config=None, config_format="json"))]
fn match_people(
    py: Python<'_>,
    people_json: &str,
    program: &str,
    config: Option<&str>,
    config_format: &str,
) -> PyResult<PyMatchResult> {
    let program: Program =
        program.parse().map_err(|e: pairwell_core::program::ConfigError| ConfigError::new_err(e.to_string()))?;
    let config = config_from(config, config_format)?;
    let people = people_from_json(people_json)?;
    let result = compute::run(py, || core::match_people(people, program, &config))?.map_err(Error::from)?;
    Ok(PyMatchResult(result))
}

/// Puts the score fields of a pair or explanation into `dict`.
fn score_fields(dict: &Bound<'_, PyDict>, score: &pairwell_core::score::PairScore) -> PyResult<()> {
    dict.set_item("score", score.score)?;
    for (name, value) in COMPONENTS.iter().zip(score.components.to_array()) {
        dict.set_item(*name, value)?;
    }
    dict.set_item("logistics", score.logistics)?;
    dict.set_item("timezone_gap", score.timezone_gap)?;
    dict.set_item("shared_language", score.shared_language)?;
    dict.set_item("gap", score.gap)?;
    Ok(())
}

/// One dict per row, filled by `fill`.
fn records<'py, T>(
    py: Python<'py>,
    rows: &[T],
    fill: impl Fn(&Bound<'py, PyDict>, &T) -> PyResult<()>,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    rows.iter()
        .map(|row| {
            let d = PyDict::new(py);
            fill(&d, row)?;
            Ok(d)
        })
        .collect()
}

fn pair_records<'py>(py: Python<'py>, pairs: &[Pair]) -> PyResult<Vec<Bound<'py, PyDict>>> {
    records(py, pairs, |d, p: &Pair| {
        d.set_item("giver", &p.giver)?;
        d.set_item("receiver", &p.receiver)?;
        score_fields(d, &p.score)?;
        d.set_item("pinned", p.pinned)
    })
}

fn metrics_dict<'py>(py: Python<'py>, m: &Metrics) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("total", m.total)?;
    d.set_item("mean_score", m.mean_score)?;
    d.set_item("min_score", m.min_score)?;
    d.set_item("matched", m.matched)?;
    d.set_item("top3", m.top3)?;
    d.set_item("blocking_pairs", m.blocking_pairs)?;
    d.set_item("seconds", m.seconds)?;
    Ok(d)
}

#[pymethods]
impl PyMatchResult {
    /// The program matched.
    #[getter]
    fn program(&self) -> &'static str {
        self.0.program.name()
    }

    /// Sum of the pair scores.
    #[getter]
    fn total(&self) -> f64 {
        self.0.total
    }

    /// The resolved settings (preset plus config) as JSON text.
    fn settings_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0.settings).map_err(|e| ConfigError::new_err(e.to_string()))
    }

    /// The pairs, one dict per pair.
    fn pairs<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        pair_records(py, &self.0.pairs)
    }

    /// Ids of the givers and of the receivers who took part.
    fn participants(&self) -> (Vec<String>, Vec<String>) {
        let (g, r) = self.0.participants();
        (g.into_iter().map(str::to_string).collect(), r.into_iter().map(str::to_string).collect())
    }

    /// Seconds spent scoring (with rules) and solving.
    fn timings(&self) -> (f64, f64) {
        (self.0.scoring_seconds, self.0.solving_seconds)
    }

    /// Metrics of the optimal matching, as a dict.
    fn metrics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let m = compute::run(py, || self.0.metrics())?;
        metrics_dict(py, &m)
    }

    /// `(method, pairs, metrics)` for the optimum and each baseline; `seed` drives `random`.
    fn compare<'py>(&self, py: Python<'py>, seed: u64) -> PyResult<Vec<MethodRow<'py>>> {
        let rows = compute::run(py, || self.0.compare(seed))?;
        rows.iter().map(|c| Ok((c.method.name(), pair_records(py, &c.pairs)?, metrics_dict(py, &c.metrics)?))).collect()
    }

    /// The unmatched participants, one dict each.
    fn unmatched<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        records(py, &self.0.unmatched, |d, u| {
            d.set_item("id", &u.id)?;
            d.set_item("side", u.side.name())?;
            d.set_item("reason", u.reason.text())?;
            d.set_item("detail", &u.detail)
        })
    }

    /// Everything known about giver → receiver, as a dict.
    fn explain<'py>(&self, py: Python<'py>, giver: &str, receiver: &str) -> PyResult<Bound<'py, PyDict>> {
        let e: Explanation = compute::run(py, || self.0.explain(giver, receiver))?.map_err(Error::from)?;
        let d = PyDict::new(py);
        d.set_item("giver", e.giver)?;
        d.set_item("receiver", e.receiver)?;
        score_fields(&d, &e.score)?;
        d.set_item("allowed", e.allowed)?;
        d.set_item("rule", e.rule.map(|r| r.name()))?;
        d.set_item("matched", e.matched)?;
        d.set_item("regret", e.regret)?;
        Ok(d)
    }

    /// Checks the total against the solver's dual certificate; raises `CertificateError`.
    fn verify(&self, py: Python<'_>) -> PyResult<()> {
        compute::run(py, || self.0.verify())?.map_err(|e| Error::from(e).into())
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyMatchResult>()?;
    m.add_function(wrap_pyfunction!(match_people, m)?)?;
    Ok(())
}
