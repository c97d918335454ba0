//! People from Arrow: any object with `__arrow_c_stream__` (pyarrow `Table` and
//! `RecordBatchReader`, polars `DataFrame`, duckdb relations) is taken in as Arrow record
//! batches ([`ArrowTable`], no copy), and its columns are read by name straight into
//! [`Cell`]s, without a Python object per value. The cells are what the object path
//! (`people::cell`) makes of the same values as Python objects: a map or a struct is a dict (a
//! struct's null values are keys the row does not have, left out: a struct holds every key in
//! every row), a list, large list or fixed-size list is a list, a dictionary-encoded column
//! (polars categoricals) reads as its values, and a null is missing. Any column can be read by
//! name ([`ArrowTable::readers`]); every check stays the core's [`PeopleReader`].

use arrow_array::cast::AsArray;
use arrow_array::ffi_stream::ArrowArrayStreamReader;
use arrow_array::types::{
    Float16Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::{Array, OffsetSizeTrait, RecordBatch, RecordBatchReader};
use arrow_buffer::NullBuffer;
use arrow_pyarrow::FromPyArrow;
use arrow_schema::{DataType, SchemaRef};
use pairwell_core::people::{Cell, CheckedRow, People, PeopleReader, Problems, Row, FIELDS};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rayon::prelude::*;

use crate::compute;
use crate::errors::{problems_error, CohortError};

/// Reads the cell of one row of an Arrow array (built once per array, called per row).
type Read<'a> = Box<dyn Fn(usize) -> Cell + Send + Sync + 'a>;

/// A table as Arrow record batches, taken from any object with `__arrow_c_stream__`.
#[pyclass(name = "ArrowTable", module = "pairwell._core", frozen)]
pub(crate) struct ArrowTable {
    schema: SchemaRef,
    batches: Vec<RecordBatch>,
}

#[pymethods]
impl ArrowTable {
    /// Takes in `data`'s Arrow C stream (`__arrow_c_stream__`); the stream is consumed.
    #[new]
    fn new(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        if !data.hasattr("__arrow_c_stream__")? {
            let kind = data.get_type().name()?.to_string();
            return Err(PyTypeError::new_err(format!("expected an object with __arrow_c_stream__, got {kind}")));
        }
        let stream = ArrowArrayStreamReader::from_pyarrow_bound(data)?;
        let schema = stream.schema();
        let batches = stream
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| CohortError::new_err(format!("the Arrow stream could not be read: {e}")))?;
        Ok(ArrowTable { schema, batches })
    }

    /// The column names, in table order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema.fields().iter().map(|f| f.name().clone()).collect()
    }

    /// The number of rows, over every batch.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }
}

impl ArrowTable {
    /// The readers of the columns `names` (`None` where a name is not a column) in one batch.
    fn readers<'a>(batch: &'a RecordBatch, names: &[Option<String>]) -> Vec<Option<Read<'a>>> {
        names
            .iter()
            .map(|name| name.as_ref().and_then(|n| batch.column_by_name(n)).map(|c| reader(c.as_ref())))
            .collect()
    }

    /// The people of the table, `columns[f]` naming the column read as field `FIELDS[f]` and
    /// `extra` the columns outside the schema, `(name, column)`. The rows of a [`WINDOW`] are
    /// read and checked on their own in parallel, then admitted in row order (ids against the
    /// rows before).
    fn people(&self, columns: &[Option<String>], extra: &[(String, String)]) -> Result<People, Problems> {
        let mut reader = PeopleReader::with_capacity(self.num_rows());
        let extra_columns: Vec<Option<String>> = extra.iter().map(|(_, column)| Some(column.clone())).collect();
        let mut first = 0;
        for batch in &self.batches {
            let readers = Self::readers(batch, columns);
            let extra_readers = Self::readers(batch, &extra_columns);
            let row = |i: usize| {
                let mut row: Row = Default::default();
                for (cell, read) in row.iter_mut().zip(&readers) {
                    if let Some(read) = read {
                        *cell = read(i);
                    }
                }
                let cells = extra
                    .iter()
                    .zip(&extra_readers)
                    .map(|((name, _), read)| (name.clone(), read.as_ref().map_or(Cell::Missing, |read| read(i))))
                    .collect();
                PeopleReader::check(row, cells, first + i)
            };
            for start in (0..batch.num_rows()).step_by(WINDOW) {
                let end = batch.num_rows().min(start + WINDOW);
                let rows: Vec<CheckedRow> = (start..end).into_par_iter().with_min_len(1024).map(row).collect();
                rows.into_iter().for_each(|r| reader.admit(r, 0));
            }
            first += batch.num_rows();
        }
        reader.finish()
    }
}

/// Rows read at once (bounds the memory of rows waiting to be admitted).
const WINDOW: usize = 1 << 15;

/// How the object path describes a value of this Arrow type that is no cell (pyarrow turns
/// it into the Python object named).
fn other(data_type: &DataType) -> String {
    let kind = match data_type {
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => {
            return "bytes".into()
        }
        DataType::Timestamp(..) | DataType::Date64 => "datetime",
        DataType::Date32 => "date",
        DataType::Time32(_) | DataType::Time64(_) => "time",
        DataType::Duration(_) => "timedelta",
        DataType::Decimal32(..) | DataType::Decimal64(..) | DataType::Decimal128(..) | DataType::Decimal256(..) => {
            "Decimal"
        }
        other => return format!("an Arrow value of type {other}"),
    };
    format!("a value of type {kind}")
}

/// The cells of `array`'s rows, read without Python.
fn reader(array: &dyn Array) -> Read<'_> {
    let value = values(array);
    if array.null_count() == 0 {
        return value;
    }
    Box::new(move |i| if array.is_null(i) { Cell::Missing } else { value(i) })
}

/// The positions of row `i`'s items in the values of a list or map array.
fn span<O: OffsetSizeTrait>(offsets: &[O], i: usize) -> std::ops::Range<usize> {
    offsets[i].as_usize()..offsets[i + 1].as_usize()
}

/// The reader of list rows: each row the cells of its `offsets` span of `items`.
fn list<'a, O: OffsetSizeTrait>(offsets: &'a [O], items: &'a dyn Array) -> Read<'a> {
    let item = reader(items);
    Box::new(move |i| Cell::List(span(offsets, i).map(&item).collect()))
}

/// The value of a row regardless of its null bit.
fn values(array: &dyn Array) -> Read<'_> {
    macro_rules! number {
        ($kind:ty, $x:ident => $cell:expr) => {{
            let a = array.as_primitive::<$kind>();
            Box::new(move |i| {
                let $x = a.value(i);
                $cell
            })
        }};
    }
    match array.data_type() {
        DataType::Boolean => {
            let a = array.as_boolean();
            Box::new(move |i| Cell::Bool(a.value(i)))
        }
        DataType::Int8 => number!(Int8Type, x => Cell::Int(i64::from(x))),
        DataType::Int16 => number!(Int16Type, x => Cell::Int(i64::from(x))),
        DataType::Int32 => number!(Int32Type, x => Cell::Int(i64::from(x))),
        DataType::Int64 => number!(Int64Type, x => Cell::Int(x)),
        DataType::UInt8 => number!(UInt8Type, x => Cell::Int(i64::from(x))),
        DataType::UInt16 => number!(UInt16Type, x => Cell::Int(i64::from(x))),
        DataType::UInt32 => number!(UInt32Type, x => Cell::Int(i64::from(x))),
        DataType::UInt64 => number!(UInt64Type, x => i64::try_from(x)
            .map_or_else(|_| Cell::Other("a whole number too large for 64 bits".into()), Cell::Int)),
        DataType::Float16 => number!(Float16Type, x => Cell::Float(f64::from(x.to_f32()))),
        DataType::Float32 => number!(Float32Type, x => Cell::Float(f64::from(x))),
        DataType::Float64 => number!(Float64Type, x => Cell::Float(x)),
        DataType::Utf8 => {
            let a = array.as_string::<i32>();
            Box::new(move |i| Cell::Str(a.value(i).to_owned()))
        }
        DataType::LargeUtf8 => {
            let a = array.as_string::<i64>();
            Box::new(move |i| Cell::Str(a.value(i).to_owned()))
        }
        DataType::Utf8View => {
            let a = array.as_string_view();
            Box::new(move |i| Cell::Str(a.value(i).to_owned()))
        }
        DataType::List(_) => {
            let a = array.as_list::<i32>();
            list(a.value_offsets(), a.values().as_ref())
        }
        DataType::LargeList(_) => {
            let a = array.as_list::<i64>();
            list(a.value_offsets(), a.values().as_ref())
        }
        DataType::FixedSizeList(..) => {
            let a = array.as_fixed_size_list();
            let (item, size) = (reader(a.values().as_ref()), a.value_length() as usize);
            Box::new(move |i| Cell::List((i * size..(i + 1) * size).map(&item).collect()))
        }
        DataType::Map(..) => {
            let a = array.as_map();
            let (offsets, key, value) = (a.value_offsets(), reader(a.keys().as_ref()), reader(a.values().as_ref()));
            Box::new(move |i| Cell::Map(span(offsets, i).map(|j| (key(j), value(j))).collect()))
        }
        DataType::Struct(fields) => {
            // Every row of a struct has every key: a null value is a key the row does not have.
            let a = array.as_struct();
            let columns: Vec<(&str, Option<NullBuffer>, Read<'_>)> = fields
                .iter()
                .zip(a.columns())
                .map(|(f, c)| (f.name().as_str(), c.logical_nulls(), values(c.as_ref())))
                .collect();
            Box::new(move |i| {
                let present = columns.iter().filter(|(_, nulls, _)| nulls.as_ref().is_none_or(|n| n.is_valid(i)));
                Cell::Map(present.map(|(name, _, read)| (Cell::Str((*name).into()), read(i))).collect())
            })
        }
        DataType::Dictionary(..) => {
            let a = array.as_any_dictionary();
            let (keys, value) = (a.normalized_keys(), reader(a.values().as_ref()));
            Box::new(move |i| value(keys[i]))
        }
        DataType::Null => Box::new(|_| Cell::Missing),
        data_type => {
            let what = other(data_type);
            Box::new(move |_| Cell::Other(what.clone()))
        }
    }
}

/// The people of `table`: `columns` maps each field to the column read for it (fields not in
/// it are missing in every row) and any other name to a column kept outside the schema; read
/// without the GIL.
pub(crate) fn people(py: Python<'_>, table: &ArrowTable, columns: &Bound<'_, PyDict>) -> PyResult<People> {
    let names = FIELDS
        .iter()
        .map(|f| columns.get_item(f)?.map(|c| c.extract::<String>()).transpose())
        .collect::<PyResult<Vec<_>>>()?;
    let mut extra = Vec::new();
    for (name, column) in columns.iter() {
        let name: String = name.extract()?;
        if !FIELDS.contains(&name.as_str()) {
            extra.push((name, column.extract::<String>()?));
        }
    }
    compute::run(py, || table.people(&names, &extra))?.map_err(|p| problems_error::<CohortError>(&p))
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ArrowTable>()
}
