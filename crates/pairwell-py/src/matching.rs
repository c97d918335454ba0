//! Bindings of `pairwell_core::matching`: people arrive as a checked `People` object, config as
//! a Python dict (read by serde, errors naming the key path) or TOML text; results leave as
//! rows of Python values.

use pairwell_core::matching::{self as core, Explanation, MatchResult, Pair};
use pairwell_core::metrics::Metrics;
use pairwell_core::program::{Config, Program, Settings};
use pairwell_core::recommend::{self as recommend_core, Suggestion};
use pairwell_core::rematch::{Keep, Previous};
use pairwell_core::score::{PairScore, Scorer};
use pyo3::exceptions::{PyDeprecationWarning, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyInt, PyString};

use crate::compute;
use crate::errors::{ConfigError, Error};
use crate::people::PyPeople;

/// `(method, pairs, metrics)`: one row of a comparison.
type MethodRow<'py> = (&'static str, Vec<Bound<'py, PyDict>>, Bound<'py, PyDict>);

/// A finished matching; `pairwell.MatchResult` wraps it.
#[pyclass(name = "NativeMatchResult", module = "pairwell._core", frozen)]
pub(crate) struct PyMatchResult(pub(crate) MatchResult);

/// A config from a Python dict (serde through `pythonize`; errors name the key path) or TOML
/// text; `None` is the preset.
fn config_from(config: Option<&Bound<'_, PyAny>>) -> PyResult<Config> {
    let parsed = match config {
        None => Ok(Config::default()),
        Some(c) if c.is_instance_of::<PyString>() => Config::from_toml(&c.extract::<String>()?),
        Some(c) => {
            let mut de = pythonize::Depythonizer::from_object(c);
            serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let path = e.path().to_string();
                let inner = e.into_inner();
                pairwell_core::program::ConfigError::Parse(if path == "." {
                    inner.to_string()
                } else {
                    format!("key '{path}': {inner}")
                })
            })
        }
    };
    parsed.map_err(|e| Error::from(pairwell_core::matching::MatchError::from(e)).into())
}

/// The program and config of a request: a `ConfigError` for an unknown program or a bad
/// config, a `DeprecationWarning` for a deprecated key.
pub(crate) fn request(py: Python<'_>, program: &str, config: Option<&Bound<'_, PyAny>>) -> PyResult<(Program, Config)> {
    let program: Program = program
        .parse()
        .map_err(|e: pairwell_core::program::ConfigError| Error::from(pairwell_core::matching::MatchError::from(e)))?;
    let config = config_from(config)?;
    if config.same_department.is_some() {
        PyErr::warn(
            py,
            &py.get_type::<PyDeprecationWarning>(),
            c"config key 'same_department' is deprecated: use 'allow_same_department' (same meaning)",
            2,
        )?;
    }
    Ok((program, config))
}

/// The columns of `program`'s pairs tables under `config`, before any people are read (a
/// cluster's declared schema): `preferences` says whether the people have a `preferences`
/// column.
#[pyfunction]
#[pyo3(signature = (program, config=None, preferences=false))]
fn pair_columns(
    py: Python<'_>,
    program: &str,
    config: Option<&Bound<'_, PyAny>>,
    preferences: bool,
) -> PyResult<Vec<String>> {
    let (program, config) = request(py, program, config)?;
    let settings = Settings::resolve(program, &config).map_err(|e| Error::from(core::MatchError::from(e)))?;
    let components = pairwell_core::score::component_names(&settings, preferences);
    Ok(core::pair_columns(components).into_iter().map(String::from).collect())
}

/// Matches people for a program; see `pairwell.match`. `config` is a dict, TOML text or None.
#[pyfunction]
#[pyo3(signature = (people, program, config=None))]
fn match_people(
    py: Python<'_>,
    people: &PyPeople,
    program: &str,
    config: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyMatchResult> {
    let (program, config) = request(py, program, config)?;
    let people = people.0.clone();
    let result = compute::run(py, || core::match_read(people, program, &config))?.map_err(Error::from)?;
    Ok(PyMatchResult(result))
}

/// Matches people again after a previous matching; see `pairwell.rematch`. `previous` holds
/// `(giver, receiver)` ids, `keep` is a number >= 0 or `"all"`.
#[pyfunction]
#[pyo3(signature = (people, program, config, previous, keep))]
fn rematch_people(
    py: Python<'_>,
    people: &PyPeople,
    program: &str,
    config: Option<&Bound<'_, PyAny>>,
    previous: Vec<(String, String)>,
    keep: &Bound<'_, PyAny>,
) -> PyResult<PyMatchResult> {
    let keep = if keep.is_instance_of::<PyString>() && keep.extract::<String>()? == "all" {
        Keep::All
    } else if keep.is_instance_of::<PyFloat>() || keep.is_instance_of::<PyInt>() {
        Keep::Bonus(keep.extract()?)
    } else {
        return Err(PyTypeError::new_err(format!("keep must be a number or \"all\", got {}", keep.repr()?)));
    };
    let (program, config) = request(py, program, config)?;
    let people = people.0.clone();
    let previous = Previous { pairs: previous.into_iter().map(|(g, r)| [g, r]).collect(), keep };
    let result = compute::run(py, || core::rematch_read(people, program, &config, &previous))?.map_err(Error::from)?;
    Ok(PyMatchResult(result))
}

/// Puts the score fields of a pair or explanation into `dict`: every component of `scorer`'s,
/// custom criteria included.
fn score_fields(dict: &Bound<'_, PyDict>, scorer: &Scorer, score: &PairScore) -> PyResult<()> {
    dict.set_item("score", score.score)?;
    for (name, value) in scorer.component_names().into_iter().zip(scorer.component_values(score)) {
        dict.set_item(name, value)?;
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

fn pair_records<'py>(py: Python<'py>, scorer: &Scorer, pairs: &[Pair]) -> PyResult<Vec<Bound<'py, PyDict>>> {
    records(py, pairs, |d, p: &Pair| {
        d.set_item("giver", &p.giver)?;
        d.set_item("receiver", &p.receiver)?;
        score_fields(d, scorer, &p.score)?;
        d.set_item("pinned", p.pinned)
    })
}

/// Puts the fields of a suggestion into `dict`, its components under `names`.
fn suggestion_fields(dict: &Bound<'_, PyDict>, names: &[&str], s: &Suggestion) -> PyResult<()> {
    dict.set_item("id", &s.id)?;
    dict.set_item("side", s.side.name())?;
    dict.set_item("partner", &s.partner)?;
    dict.set_item("rank", s.rank)?;
    dict.set_item("score", s.score.score)?;
    for (name, value) in names.iter().zip(&s.components) {
        dict.set_item(name, value)?;
    }
    dict.set_item("logistics", s.score.logistics)?;
    dict.set_item("timezone_gap", s.score.timezone_gap)?;
    dict.set_item("shared_language", s.score.shared_language)?;
    dict.set_item("gap", s.score.gap)
}

/// The columns of suggestion rows whose components are `names`.
fn suggestion_columns(names: &[&str]) -> Vec<String> {
    let head = ["id", "side", "partner", "rank", "score"];
    let tail = ["logistics", "timezone_gap", "shared_language", "gap"];
    head.iter().chain(names).chain(&tail).map(|c| (*c).to_string()).collect()
}

/// The best `k` partners of each person in `ids` (every receiver when None), without solving;
/// see `pairwell.recommend`. The columns, and one dict per row.
#[pyfunction]
#[pyo3(signature = (people, program, ids=None, k=5, config=None))]
fn recommend<'py>(
    py: Python<'py>,
    people: &PyPeople,
    program: &str,
    ids: Option<Vec<String>>,
    k: usize,
    config: Option<&Bound<'py, PyAny>>,
) -> PyResult<(Vec<String>, Vec<Bound<'py, PyDict>>)> {
    let (program, config) = request(py, program, config)?;
    let people = people.0.clone();
    let found = compute::run(py, || recommend_core::recommend(people, program, &config, ids.as_deref(), k))?
        .map_err(Error::from)?;
    let names: Vec<&str> = found.components.iter().map(String::as_str).collect();
    Ok((suggestion_columns(&names), records(py, &found.rows, |d, s| suggestion_fields(d, &names, s))?))
}

fn metrics_dict<'py>(py: Python<'py>, m: &Metrics) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    // An empty side has no mean, minimum or share: None, never NaN.
    let number = |x: f64| (!x.is_nan()).then_some(x);
    d.set_item("total", m.total)?;
    d.set_item("mean_score", number(m.mean_score))?;
    d.set_item("min_score", number(m.min_score))?;
    d.set_item("matched", number(m.matched))?;
    d.set_item("top3", number(m.top3))?;
    d.set_item("blocking_pairs", m.blocking_pairs)?;
    d.set_item("seconds", m.seconds)?;
    Ok(d)
}

/// A group floor for Python: `(column, side, [(group, floor), ...])`.
type FloorRow = (String, &'static str, Vec<(String, usize)>);

#[pymethods]
impl PyMatchResult {
    /// The program matched.
    #[getter]
    fn program(&self) -> &'static str {
        self.0.program.name()
    }

    /// Which solver found the optimum: `dense` or `sparse`.
    #[getter]
    fn solver(&self) -> &'static str {
        match self.0.solver {
            pairwell_core::program::Solver::Sparse => "sparse",
            _ => "dense",
        }
    }

    /// Sum of the pair scores.
    #[getter]
    fn total(&self) -> f64 {
        self.0.total
    }

    /// What the solver maximised: the pair scores plus the bonuses of the objective, of
    /// re-matching's `keep` and of floors (equals `total` when none applies).
    #[getter]
    fn solver_total(&self) -> f64 {
        self.0.solver_total
    }

    /// What was tolerated or is worth knowing (unknown managers ignored, an empty side, exact
    /// duplicate rows dropped).
    fn warnings(&self) -> Vec<String> {
        self.0.warnings.clone()
    }

    /// The resolved settings (preset plus config) as JSON text.
    fn settings_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.0.settings).map_err(|e| ConfigError::new_err(e.to_string()))
    }

    /// The pairs, one dict per pair.
    fn pairs<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        pair_records(py, self.0.scorer(), &self.0.pairs)
    }

    /// The columns of the pairs table: `PAIR_COLUMNS` with `preference` (when it counts) and
    /// the custom criteria after the built-in components.
    fn pair_columns(&self) -> Vec<String> {
        self.0.pair_columns().into_iter().map(str::to_string).collect()
    }

    /// The people as the engine compared them, as columns: with `normalize`, each name spelt
    /// as the first spelling seen of the names it equals folded.
    fn people_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        crate::sample::people_columns(py, self.0.cohort().people())
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
        let m = compute::run(py, || self.0.metrics())?.map_err(Error::from)?;
        metrics_dict(py, &m)
    }

    /// `(method, pairs, metrics)` for the optimum and each baseline; `seed` drives `random`.
    fn compare<'py>(&self, py: Python<'py>, seed: u64) -> PyResult<Vec<MethodRow<'py>>> {
        let rows = compute::run(py, || self.0.compare(seed))?.map_err(Error::from)?;
        let scorer = self.0.scorer();
        rows.iter()
            .map(|c| Ok((c.method.name(), pair_records(py, scorer, &c.pairs)?, metrics_dict(py, &c.metrics)?)))
            .collect()
    }

    /// The unmatched participants, one dict each.
    fn unmatched<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        records(py, &self.0.unmatched, |d, u| {
            d.set_item("id", &u.id)?;
            d.set_item("side", u.side.name())?;
            d.set_item("reason", u.reason.text())?;
            d.set_item("detail", u.detail.clone())
        })
    }

    /// After a re-matching, one dict per change (`giver`, `receiver`, `status`, `reason`);
    /// `None` after a plain match.
    fn changes<'py>(&self, py: Python<'py>) -> PyResult<Option<Vec<Bound<'py, PyDict>>>> {
        let Some(changes) = &self.0.changes else { return Ok(None) };
        records(py, changes, |d, c| {
            d.set_item("giver", &c.giver)?;
            d.set_item("receiver", &c.receiver)?;
            d.set_item("status", c.status.name())?;
            d.set_item("reason", c.reason.map(|r| r.name()))
        })
        .map(Some)
    }

    /// `[(column, side, [(group, floor), ...]), ...]` of the config's group floors.
    fn floors(&self) -> Vec<FloorRow> {
        let floors = self.0.floor_groups().into_iter();
        floors
            .map(|f| (f.by.to_string(), f.side.name(), f.groups.into_iter().map(|(g, n)| (g.to_string(), n)).collect()))
            .collect()
    }

    /// Everything known about giver → receiver, as a dict.
    fn explain<'py>(&self, py: Python<'py>, giver: &str, receiver: &str) -> PyResult<Bound<'py, PyDict>> {
        let e: Explanation = compute::run(py, || self.0.explain(giver, receiver))?.map_err(Error::from)?;
        let d = PyDict::new(py);
        d.set_item("giver", e.giver)?;
        d.set_item("receiver", e.receiver)?;
        score_fields(&d, self.0.scorer(), &e.score)?;
        d.set_item("allowed", e.allowed)?;
        d.set_item("rule", e.rule.map(|r| r.name_in(&self.0.settings)))?;
        d.set_item("matched", e.matched)?;
        d.set_item("regret", e.regret)?;
        Ok(d)
    }

    /// The best `k` partners of `id`, one dict each, best first; see `MatchResult.recommend`.
    fn recommend<'py>(&self, py: Python<'py>, id: &str, k: usize) -> PyResult<(Vec<String>, Vec<Bound<'py, PyDict>>)> {
        let rows = compute::run(py, || self.0.recommend(id, k))?.map_err(Error::from)?;
        let names = self.0.scorer().component_names();
        let mut columns = suggestion_columns(&names);
        columns.extend(["matched", "partner_has_room", "regret"].map(String::from));
        let rows = records(py, &rows, |d, r| {
            suggestion_fields(d, &names, &r.suggestion)?;
            d.set_item("matched", r.matched)?;
            d.set_item("partner_has_room", r.partner_has_room)?;
            d.set_item("regret", r.regret)
        })?;
        Ok((columns, rows))
    }

    /// Checks the total against the solver's dual certificate; raises `CertificateError`.
    fn verify(&self, py: Python<'_>) -> PyResult<()> {
        compute::run(py, || self.0.verify())?.map_err(|e| Error::from(e).into())
    }
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyMatchResult>()?;
    m.add_function(wrap_pyfunction!(match_people, m)?)?;
    m.add_function(wrap_pyfunction!(rematch_people, m)?)?;
    m.add_function(wrap_pyfunction!(recommend, m)?)?;
    m.add_function(wrap_pyfunction!(pair_columns, m)?)?;
    Ok(())
}
