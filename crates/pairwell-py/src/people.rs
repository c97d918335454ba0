//! People into Rust: `pairwell._core.People` reads columns (lists, numpy arrays), Arrow tables
//! (in `arrow`, without Python objects) or records (a list of dicts) cell by cell into
//! [`pairwell_core::people::Cell`]s; every check is the core's ([`PeopleReader`]). The
//! validated people go to `match_people` and back out as columns for the DataFrame users see.

use pairwell_core::people::{self as core, Cell, People, PeopleReader, Row, FIELDS};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PyString, PyTuple};

use crate::arrow::ArrowTable;
use crate::errors::{problems_error, CohortError};
use crate::sample::people_columns;

/// One Python value as a cell. `skills` may come as a list of `(key, value)` pairs (Arrow maps
/// read by pyarrow), which is a map.
fn cell(obj: &Bound<'_, PyAny>, pairs_are_map: bool) -> Cell {
    if obj.is_none() {
        return Cell::Missing;
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return match s.to_cow() {
            Ok(text) => Cell::Str(text.into_owned()),
            Err(_) => Cell::Other("text that is not valid Unicode (a lone surrogate)".into()),
        };
    }
    if obj.is_instance_of::<PyBool>() {
        return Cell::Bool(obj.is_truthy().unwrap_or(false));
    }
    if obj.is_instance_of::<PyInt>() {
        return obj
            .extract::<i64>()
            .map_or_else(|_| Cell::Other("a whole number too large for 64 bits".into()), Cell::Int);
    }
    if let Ok(x) = obj.cast::<PyFloat>() {
        return Cell::Float(x.value());
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        return Cell::Map(d.iter().map(|(k, v)| (cell(&k, false), cell(&v, false))).collect());
    }
    if let Ok(items) = obj.cast::<PyList>() {
        return list(items.iter(), pairs_are_map);
    }
    if let Ok(items) = obj.cast::<PyTuple>() {
        return list(items.iter(), pairs_are_map);
    }
    if obj.is_instance_of::<PySet>() || obj.is_instance_of::<PyFrozenSet>() {
        // Sets have no order: sort so the result never depends on hashing.
        let mut items: Vec<Cell> =
            obj.try_iter().map(|it| it.flatten().map(|x| cell(&x, false)).collect()).unwrap_or_default();
        items.sort_by(|a, b| match (a, b) {
            (Cell::Str(a), Cell::Str(b)) => a.cmp(b),
            _ => std::cmp::Ordering::Equal,
        });
        return Cell::List(items);
    }
    if obj.is_instance_of::<PyBytes>() {
        return Cell::Other("bytes".into());
    }
    let kind = obj.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    match kind.as_str() {
        // pandas' missing-value markers.
        "NAType" | "NaTType" => return Cell::Missing,
        // numpy arrays (list cells of Arrow-backed or parquet-read frames) and numpy scalars.
        "ndarray" => {
            if let Ok(items) = obj.call_method0("tolist") {
                return cell(&items, pairs_are_map);
            }
        }
        _ => {}
    }
    if kind.starts_with("int") || kind.starts_with("uint") {
        if let Ok(i) = obj.extract::<i64>() {
            return Cell::Int(i);
        }
    }
    if kind.starts_with("float") {
        if let Ok(x) = obj.extract::<f64>() {
            return Cell::Float(x);
        }
    }
    if obj.hasattr("items").unwrap_or(false) {
        if let Ok(items) =
            obj.call_method0("items").and_then(|i| i.try_iter().map(|it| it.flatten().collect::<Vec<_>>()))
        {
            let pairs = items.iter().filter_map(|kv| kv.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>().ok());
            return Cell::Map(pairs.map(|(k, v)| (cell(&k, false), cell(&v, false))).collect());
        }
    }
    Cell::Other(format!("a value of type {kind}"))
}

fn list<'py>(items: impl Iterator<Item = Bound<'py, PyAny>>, pairs_are_map: bool) -> Cell {
    let items: Vec<Cell> = items.map(|x| cell(&x, false)).collect();
    let pairs = !items.is_empty() && items.iter().all(|c| matches!(c, Cell::List(kv) if kv.len() == 2));
    if pairs_are_map && pairs {
        let map = items
            .into_iter()
            .map(|c| match c {
                Cell::List(mut kv) => {
                    let v = kv.pop().unwrap_or_default();
                    (kv.pop().unwrap_or_default(), v)
                }
                other => (other, Cell::Missing),
            })
            .collect();
        return Cell::Map(map);
    }
    Cell::List(items)
}

/// A column as a Python list (numpy arrays and Arrow-backed columns through `tolist`).
fn column_list<'py>(column: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
    if let Ok(l) = column.cast::<PyList>() {
        return Ok(l.clone());
    }
    if column.hasattr("tolist")? {
        return Ok(column.call_method0("tolist")?.cast_into::<PyList>()?);
    }
    PyList::new(column.py(), column.try_iter()?.collect::<PyResult<Vec<_>>>()?)
}

fn finish(reader: PeopleReader) -> PyResult<PyPeople> {
    reader.finish().map(PyPeople).map_err(|p| problems_error::<CohortError>(&p))
}

/// People read and checked by the engine's schema, in input order; what `match`, `compare`
/// (and everything else that takes people) hand to the engine.
#[pyclass(name = "People", module = "pairwell._core", frozen)]
pub(crate) struct PyPeople(pub(crate) People);

#[pymethods]
impl PyPeople {
    /// People from columns: `{field: list or array}`, every column `rows` long; absent fields
    /// are missing in every row. With `groups` (a group code per row), ids need only be unique
    /// within a group. Raises `CohortError` with every problem in `.problems`.
    #[staticmethod]
    #[pyo3(signature = (columns, rows, groups=None))]
    fn from_columns(columns: &Bound<'_, PyDict>, rows: usize, groups: Option<Vec<usize>>) -> PyResult<Self> {
        let mut lists: Vec<Option<Bound<'_, PyList>>> = Vec::with_capacity(FIELDS.len());
        for name in FIELDS {
            let list = match columns.get_item(name)? {
                Some(c) => Some(column_list(&c)?),
                None => None,
            };
            if let Some(l) = &list {
                if l.len() != rows {
                    return Err(CohortError::new_err(format!("column '{name}' has {} rows, expected {rows}", l.len())));
                }
            }
            lists.push(list);
        }
        if groups.as_ref().is_some_and(|g| g.len() != rows) {
            return Err(CohortError::new_err(format!("groups must give one code for each of the {rows} rows")));
        }
        // Columns outside the schema travel along for custom criteria.
        let mut extra: Vec<(String, Bound<'_, PyList>)> = Vec::new();
        for (name, column) in columns.iter() {
            let Ok(name) = name.extract::<String>() else { continue };
            if !FIELDS.contains(&name.as_str()) {
                let list = column_list(&column)?;
                if list.len() != rows {
                    return Err(CohortError::new_err(format!(
                        "column '{name}' has {} rows, expected {rows}",
                        list.len()
                    )));
                }
                extra.push((name, list));
            }
        }
        let mut reader = PeopleReader::with_capacity(rows);
        for i in 0..rows {
            let mut row: Row = Default::default();
            for (f, list) in lists.iter().enumerate() {
                if let Some(l) = list {
                    row[f] = cell(&l.get_item(i)?, f == core::field::SKILLS);
                }
            }
            let cells = extra
                .iter()
                .map(|(name, l)| Ok((name.clone(), cell(&l.get_item(i)?, false))))
                .collect::<PyResult<_>>()?;
            reader.row_with(row, cells, groups.as_ref().map_or(0, |g| g[i]));
        }
        finish(reader)
    }

    /// People from an Arrow table, column by column without Python objects: `columns` maps
    /// each field to the column read for it (fields not in it are missing in every row), and
    /// any other name to a column outside the schema kept for custom criteria.
    #[staticmethod]
    fn from_arrow(py: Python<'_>, table: &ArrowTable, columns: &Bound<'_, PyDict>) -> PyResult<Self> {
        crate::arrow::people(py, table, columns).map(PyPeople)
    }

    /// People from records: any sequence of dicts (or mappings) keyed by field name.
    #[staticmethod]
    fn from_records(records: &Bound<'_, PyAny>) -> PyResult<Self> {
        let mut reader = PeopleReader::with_capacity(records.len().unwrap_or(0));
        for record in records.try_iter()? {
            let record = record?;
            let Ok(record) = record.cast::<PyDict>() else {
                let kind = record.get_type().name()?.to_string();
                return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                    "people records must be dicts; got a {kind}"
                )));
            };
            let mut row: Row = Default::default();
            let mut extra = Vec::new();
            for (key, value) in record.iter() {
                let Ok(name) = key.extract::<String>() else { continue };
                match FIELDS.iter().position(|&f| f == name) {
                    Some(f) => row[f] = cell(&value, f == core::field::SKILLS),
                    None => extra.push((name, cell(&value, false))),
                }
            }
            reader.row_with(row, extra, 0);
        }
        finish(reader)
    }

    fn __len__(&self) -> usize {
        self.0.people.len()
    }

    /// Row in the input of each person kept (exact duplicate rows are dropped).
    fn rows(&self) -> Vec<usize> {
        self.0.rows.clone()
    }

    /// What was tolerated while reading.
    fn warnings(&self) -> Vec<String> {
        self.0.warnings.clone()
    }

    /// The schema fields as columns (dicts and lists as Python objects), for a DataFrame.
    fn columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        people_columns(py, &self.0.people)
    }

    /// The schema fields as CSV text cells: lists `a;b;c`, skills `python:4;sql:3`, names
    /// escaped so that reading them back gives the same people.
    fn text_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let people = &self.0.people;
        let col = |f: &dyn Fn(&pairwell_core::cohort::Person) -> String| people.iter().map(f).collect::<Vec<_>>();
        let num = |x: f64| format!("{x}");
        d.set_item("id", col(&|p| p.id.clone()))?;
        d.set_item("level", col(&|p| num(p.level)))?;
        d.set_item("skills", col(&|p| core::encode_skills(&p.skills)))?;
        d.set_item("goals", col(&|p| core::encode_list(&p.goals)))?;
        d.set_item("expertise", col(&|p| core::encode_list(&p.expertise)))?;
        d.set_item("target", col(&|p| p.target.clone().unwrap_or_default()))?;
        d.set_item("manager", col(&|p| p.manager.clone().unwrap_or_default()))?;
        d.set_item("department", col(&|p| p.department.clone()))?;
        d.set_item("timezone", col(&|p| p.timezone.map(num).unwrap_or_default()))?;
        d.set_item("languages", col(&|p| core::encode_list(&p.languages)))?;
        d.set_item("roles", col(&|p| p.roles.iter().map(|r| r.name()).collect::<Vec<_>>().join(";")))?;
        d.set_item("capacity", col(&|p| p.capacity.to_string()))?;
        d.set_item("preferences", col(&|p| core::encode_list(&p.preferences)))?;
        Ok(d)
    }

    /// Pickling: the people as JSON bytes (internal state, never user input).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let py = slf.py();
        let state = serde_json::to_vec(&slf.get().0).map_err(|e| CohortError::new_err(e.to_string()))?;
        let rebuild = py.get_type::<PyPeople>().getattr("_from_state")?;
        Ok((rebuild, (PyBytes::new(py, &state),)))
    }

    /// The inverse of `__reduce__`.
    #[staticmethod]
    fn _from_state(state: &[u8]) -> PyResult<Self> {
        serde_json::from_slice(state)
            .map(PyPeople)
            .map_err(|e| CohortError::new_err(format!("corrupt pickled people: {e}")))
    }
}

/// The schema field one or two edits from `column` (`skils` → `skills`), else `None`.
#[pyfunction]
fn near_field(column: &str) -> Option<&'static str> {
    core::near_field(column)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPeople>()?;
    m.add_function(wrap_pyfunction!(near_field, m)?)?;
    m.add("FIELDS", FIELDS.to_vec())?;
    m.add("ROLES", pairwell_core::cohort::Role::ALL.iter().map(|r| r.name()).collect::<Vec<_>>())?;
    m.add("PROGRAMS", pairwell_core::program::Program::ALL.iter().map(|p| p.name()).collect::<Vec<_>>())?;
    m.add("PAIR_COLUMNS", pairwell_core::matching::PAIR_COLUMNS.to_vec())?;
    m.add("UNMATCHED_COLUMNS", pairwell_core::matching::UNMATCHED_COLUMNS.to_vec())?;
    Ok(())
}
