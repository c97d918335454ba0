"""The people table: reading it from every common table form, and writing it to CSV.

The schema (fields, roles, every check) lives in the Rust engine; this module only reads files
and shapes tables into columns for it. One record per person; ``id`` and ``level`` are required:

=========== ======================= ===========================================================
field       type                    meaning
=========== ======================= ===========================================================
id          str or int              unique (whole numbers are written without a fraction)
level       number                  seniority; larger is more senior
skills      {str: number 0..5}      proficiency (a null value means absent)
goals       [str]                   skills or topics they want to develop
expertise   [str]                   domains they can teach
target      str or None             department they aim to rise in (a protégé's destination)
manager     str, int or None        id of their manager (their own id: the top of the chain)
department  str                     (default ``""``)
timezone    number or None          UTC offset in hours, -12 to 14 (missing or NaN: unknown)
languages   [str]                   (default ``[]``: no language constraint)
roles       [str]                   opt-ins: mentor, mentee, sponsor, protege, reverse_mentor,
                                    reverse_mentee
capacity    int >= 0                how many receivers a giver may take (default 1)
preferences [str or int]            ids of the partners they would like, best first (either
                                    side; unknown ids are warnings, not errors)
=========== ======================= ===========================================================

People may be a pandas DataFrame, a list of dicts, any object with ``__arrow_c_stream__``
(pyarrow Table or RecordBatchReader, polars DataFrame, ...), a polars LazyFrame, or a path
ending ``.csv``, ``.tsv``, ``.json``, ``.jsonl``/``.ndjson`` or ``.parquet``. In text cells a
dict is written ``python:4;sql:3`` and a list ``a;b;c``, with ``\\`` escaping a ``;``, ``:`` or
``\\`` inside a name. Other columns are kept in the DataFrame (for :meth:`MatchResult.fairness`)
and reach the engine for custom criteria (config ``[[criteria]]``); a column no criterion reads
is never checked.
"""

from __future__ import annotations

import csv
import json
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Union

import pandas as pd

from pairwell import _core
from pairwell._core import CohortError

__all__ = ["FIELDS", "ROLES", "PeopleLike", "read_people", "to_native", "write_people_csv"]

#: The fields of the people schema, in table order (from the engine).
FIELDS: tuple[str, ...] = tuple(_core.FIELDS)
#: The opt-in roles (from the engine).
ROLES: tuple[str, ...] = tuple(_core.ROLES)

#: What :func:`pairwell.match` accepts as people.
PeopleLike = Union[pd.DataFrame, Sequence[Mapping[str, Any]], str, "os.PathLike[str]", Any]

_TEXT_SUFFIXES = {".csv": ",", ".tsv": "\t"}


def _read_file(path: Path) -> Any:
    """A table from a people file, as pandas, pyarrow or records."""
    if not path.exists():
        raise CohortError(f"people file {str(path)!r} does not exist")
    if path.is_dir():
        raise CohortError(f"people file {str(path)!r} is a directory, not a file")
    suffix = path.suffix.lower()
    try:
        if suffix in _TEXT_SUFFIXES:
            try:
                return pd.read_csv(path, sep=_TEXT_SUFFIXES[suffix], dtype=str, keep_default_na=False, encoding="utf-8")
            except pd.errors.EmptyDataError:
                raise CohortError(f"people file {str(path)!r} is empty: no header row") from None
        if suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, Mapping) and "people" in data:
                data = data["people"]
            if not isinstance(data, list):
                raise CohortError(f"people file {str(path)!r} must hold a JSON list of records")
            return data
        if suffix in (".jsonl", ".ndjson"):
            lines = path.read_text(encoding="utf-8").splitlines()
            return [json.loads(line) for line in lines if line.strip()]
        if suffix == ".parquet":
            try:
                import pyarrow.parquet as pq
            except ImportError:
                raise CohortError("reading .parquet needs pyarrow: pip install pairwell[arrow]") from None
            return pq.read_table(path)
    except UnicodeDecodeError as exc:
        raise CohortError(f"people file {str(path)!r} is not UTF-8 text: {exc}") from None
    except json.JSONDecodeError as exc:
        raise CohortError(f"people file {str(path)!r} is not valid JSON: {exc}") from None
    raise CohortError(f"people file {str(path)!r} must end in .csv, .tsv, .json, .jsonl, .ndjson or .parquet")


def _as_table(people: Any) -> Any:
    """Arrow-like and polars inputs as a pyarrow Table or a polars DataFrame (each with
    ``__arrow_c_stream__``), others as given."""
    kind = type(people).__module__.split(".")[0]
    if kind == "polars":
        if hasattr(people, "collect") and not hasattr(people, "to_dicts"):  # LazyFrame
            people = people.collect()
        if not hasattr(people, "__arrow_c_stream__"):  # polars before 1.0
            people = people.to_arrow()
        return people
    if hasattr(people, "__arrow_c_stream__") and not isinstance(people, pd.DataFrame):
        try:
            import pyarrow as pa
        except ImportError:
            raise CohortError("reading Arrow tables needs pyarrow: pip install pairwell[arrow]") from None
        if isinstance(people, pa.Table):
            return people
        return pa.RecordBatchReader.from_stream(people).read_all()
    return people


def _without_null_columns(table: Any) -> Any:
    """A pyarrow Table or polars DataFrame with the Arrow null type (all empty), alone or
    inside lists, structs and maps (``list<null>`` of a column of empty lists), turned into
    text: values stay null or empty, and the engine's Arrow import refuses the null type's
    layout."""
    if type(table).__module__.split(".")[0] == "polars":
        import polars as pl

        def text(dtype: Any) -> Any:
            if dtype == pl.Null:
                return pl.String
            if isinstance(dtype, pl.List):
                return pl.List(text(dtype.inner))
            if isinstance(dtype, pl.Struct):
                return pl.Struct({f.name: text(f.dtype) for f in dtype.fields})
            return dtype

        casts = {name: text(dtype) for name, dtype in table.schema.items()}
        changed = {name: dtype for name, dtype in casts.items() if dtype != table.schema[name]}
        return table.with_columns(pl.col(n).cast(d) for n, d in changed.items()) if changed else table
    import pyarrow as pa

    def as_text(t: Any) -> Any:
        if pa.types.is_null(t):
            return pa.string()
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            item = as_text(t.value_type)
            return pa.list_(item) if pa.types.is_list(t) else pa.large_list(item)
        if pa.types.is_map(t):
            return pa.map_(as_text(t.key_type), as_text(t.item_type))
        if pa.types.is_struct(t):
            return pa.struct([f.with_type(as_text(f.type)) for f in t])
        return t

    for i, field in enumerate(table.schema):
        wanted = as_text(field.type)
        if wanted != field.type:
            column = pa.nulls(table.num_rows, wanted) if pa.types.is_null(field.type) else table.column(i).cast(wanted)
            table = table.set_column(i, field.name, column)
    return table


def _check_names(names: Sequence[str]) -> None:
    if len(set(names)) != len(names):
        dupes = sorted({n for n in names if names.count(n) > 1})
        raise CohortError(f"people has duplicate column names: {', '.join(map(repr, dupes))}")


def _warn_near_misses(names: Sequence[str]) -> None:
    for name in names:
        near = _core.near_field(name)
        if near is not None and near not in names:
            warnings.warn(f"people column {name!r} is not a field; did you mean {near!r}?", UserWarning, stacklevel=4)


def _rename(names: list[str], columns: Mapping[str, str] | None) -> list[str]:
    if columns is None:
        return names
    if not isinstance(columns, Mapping):
        raise TypeError(f"columns must be a dict of {{column in the input: field}}, got {type(columns).__name__}")
    return [columns.get(n, n) for n in names]


def to_native(
    people: PeopleLike, columns: Mapping[str, str] | None = None, groups: Sequence[int] | None = None
) -> tuple[Any, pd.DataFrame | None, Any]:
    """People in any accepted form as the engine's checked :class:`pairwell._core.People`.

    Returns ``(native, frame, source)``: ``frame`` is the input as a DataFrame when it already
    is one (else ``None``), ``source`` the table read (for extra columns). ``columns`` renames
    input columns to fields first (``{"Employee ID": "id"}``). ``groups`` (a DataFrame's only) is
    a group code per row: ids then need only be unique within a group. Raises
    :class:`CohortError` with every problem in ``.problems``.
    """
    if isinstance(people, (str, os.PathLike)):
        people = _read_file(Path(people))
    people = _as_table(people)
    if isinstance(people, pd.DataFrame):
        names = [str(c) for c in people.columns]
        _check_names(names)
        renamed = _rename(names, columns)
        _warn_near_misses(renamed)
        data = {new: people[old].to_numpy() for old, new in zip(names, renamed)}
        return _core.People.from_columns(data, len(people), groups), people, people
    if hasattr(people, "__arrow_c_stream__"):
        table = _core.ArrowTable(_without_null_columns(people))
        names = table.column_names
        _check_names(names)
        renamed = _rename(names, columns)
        _warn_near_misses(renamed)
        # Every column goes: the fields, and the others for custom criteria and floors.
        return _core.People.from_arrow(table, dict(zip(renamed, names))), None, people
    if isinstance(people, Sequence) and not isinstance(people, (str, bytes)):
        if not all(isinstance(p, Mapping) for p in people):
            raise TypeError(
                "people must be a DataFrame, an Arrow or polars table, a list of dicts, or a path to a "
                f"people file; got a sequence of {', '.join(sorted({type(p).__name__ for p in people}))}"
            )
        keys = list(dict.fromkeys(k for p in people for k in p))
        renamed = _rename([str(k) for k in keys], columns)
        _warn_near_misses(renamed)
        records = people
        if columns is not None:
            records = [{columns.get(k, k): v for k, v in p.items()} for p in people]
        return _core.People.from_records(records), None, records
    raise TypeError(
        "people must be a DataFrame, an Arrow or polars table, a list of dicts, or a path to a people file; "
        f"got {type(people).__name__}"
    )


def _frame(native: Any, source: Any, columns: Mapping[str, str] | None, fields: Any = None) -> pd.DataFrame:
    """The DataFrame users see: the schema fields as the engine read them (or ``fields``, the
    same people's columns as a match compared them), then extra columns."""
    clean = pd.DataFrame(native.columns() if fields is None else fields, columns=list(FIELDS))
    if source is None:
        return clean
    rename = dict(columns or {})
    if isinstance(source, pd.DataFrame):
        frame = source
    elif type(source).__module__.split(".")[0] == "polars" or type(source).__module__.startswith("pyarrow"):
        # Only the extra columns: the fields are already in `clean`.
        names = source.column_names if hasattr(source, "column_names") else source.columns
        frame = source.select([n for n in names if rename.get(n, n) not in FIELDS]).to_pandas()
    else:
        frame = pd.DataFrame(list(source))
    rows = native.rows()
    for column in frame.columns:
        if rename.get(column, column) not in FIELDS and column not in clean.columns:
            clean[column] = frame[column].to_numpy()[rows]
    return clean


def read_people(people: PeopleLike, columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The people as a DataFrame, from any accepted form (see :mod:`pairwell.people`).

    Fields are checked and decoded by the engine (CSV encodings, defaults for missing optional
    fields); extra columns are kept. ``columns`` renames input columns to fields. Raises
    :class:`pairwell.CohortError` listing every problem (``.problems``).
    """
    native, _, source = to_native(people, columns)
    for warning in native.warnings():
        warnings.warn(warning, UserWarning, stacklevel=2)
    return _frame(native, source, columns)


def write_people_csv(
    people: PeopleLike, path: str | os.PathLike[str], columns: Mapping[str, str] | None = None
) -> None:
    """Write people as CSV in the encoding that :func:`read_people` reads back unchanged."""
    native, _, source = to_native(people, columns)
    text = pd.DataFrame(native.text_columns(), columns=list(FIELDS))
    extra = _frame(native, source, columns).drop(columns=list(FIELDS))
    # Every cell quoted: a bare carriage return would otherwise end the row.
    pd.concat([text, extra], axis=1).to_csv(path, index=False, quoting=csv.QUOTE_ALL)
