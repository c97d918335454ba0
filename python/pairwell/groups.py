"""Many independent cohorts at once: :func:`match_groups` and :func:`compare_groups`.

One table holds every cohort (one per customer, country or business unit); ``by`` names the
column or columns that say which cohort a row belongs to. Every group is matched on its own with
the same program and config, as :func:`pairwell.match` would match that group's rows alone: ids
need only be unique within a group, managers must be in the same group, and ``never`` and
``pin`` ids must be in every group (a group that lacks one is an error naming the group). All
groups run in one native call, in parallel, with the GIL released once.

Groups and keys
---------------
Groups are the distinct values of ``by`` in sorted order (``pandas.DataFrame.groupby`` with
``sort=True``). A group's key is the value itself for one ``by`` column and a tuple for several.
Missing values (None, NaN) are a value of their own: rows whose key is missing form one group,
sorted last, whose key holds ``None`` in place of the missing value (``result[None]``). Schema
fields are grouped on as given in the input: a missing ``department`` is the missing group.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Hashable, Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Union

import numpy as np
import pandas as pd

from pairwell import _core
from pairwell._core import CohortError, ConfigError
from pairwell.compare import METRIC_COLUMNS, compare_result
from pairwell.matching import (
    PAIR_COLUMNS,
    PROGRAMS,
    UNMATCHED_COLUMNS,
    ConfigLike,
    MatchResult,
    _config,
)
from pairwell.people import PeopleLike, _as_table, _frame, _read_file, to_native

__all__ = ["COLUMN_TYPES", "By", "GroupedMatch", "compare_groups", "match_groups"]

#: What ``by`` accepts: one column name or a list of them.
By = Union[str, Sequence[str]]

#: The type of every column of the grouped tables after the ``by`` columns: ``str``, ``float``,
#: ``bool`` or ``int`` (the Dask and Spark paths declare their schemas from it).
COLUMN_TYPES: dict[str, type] = {
    **dict.fromkeys(["giver", "receiver", "id", "side", "reason", "method"], str),
    "detail": dict,
    **dict.fromkeys(PAIR_COLUMNS[2:], float),
    **dict.fromkeys(METRIC_COLUMNS, float),
    "shared_language": bool,
    "pinned": bool,
    "blocking_pairs": int,
}


def request(program: str, by: By, config: ConfigLike) -> tuple[list[str], Any]:
    """The arguments every ``match_groups`` checks before reading any people: ``(by as a list
    of column names, the config as the engine takes it)``."""
    if program not in PROGRAMS:
        raise ConfigError(f"unknown program {program!r}; expected one of {', '.join(PROGRAMS)}")
    return by_columns(by), _config(config)


def by_columns(by: By) -> list[str]:
    """``by`` as a list of column names, checked."""
    columns = [by] if isinstance(by, str) else list(by) if isinstance(by, (list, tuple)) else None
    if columns is None or not all(isinstance(c, str) for c in columns):
        raise TypeError(f"by must be a column name or a list of column names (str), got {by!r}")
    if not columns:
        raise ConfigError("by must name at least one column")
    if len(set(columns)) != len(columns):
        raise ConfigError(f"by names a column twice: {columns}")
    taken = [c for c in columns if c in COLUMN_TYPES]
    if taken:
        raise ConfigError(f"by: column {taken[0]!r} has the name of a result column; rename it to group by it")
    return columns


def declared_pair_columns(program: str, config: Any, table_columns: Iterable[str]) -> list[str]:
    """The columns of the pairs tables of ``program`` under ``config`` (custom criteria and
    ``preference`` included), known before any group is matched: what a cluster declares."""
    return list(_core.pair_columns(program, config, "preferences" in set(map(str, table_columns))))


def as_declared(pairs: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """``pairs`` with exactly the ``keys`` and then ``columns`` (see
    :func:`declared_pair_columns`): a ``preference`` no group needed is 0."""
    out = pairs.reindex(columns=[*keys, *columns])
    if "preference" in columns:
        out["preference"] = out["preference"].astype(float).fillna(0.0)
    return out


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the result columns it has in their :data:`COLUMN_TYPES` (so that empty
    and full tables agree)."""
    kinds = {c: COLUMN_TYPES[c] for c in frame.columns if c in COLUMN_TYPES}
    return frame.astype({c: object if kind is dict else kind for c, kind in kinds.items()})


def _key_value(value: Any) -> Any:
    """A key value as users look it up: missing values (NaN, NaT, None) become None, numpy
    scalars Python ones."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT or value is pd.NA:
        return None
    return value.item() if isinstance(value, np.generic) else value


def _keys(frame: pd.DataFrame) -> list[Any]:
    """The key of each row of ``frame`` (the ``by`` columns): a value, or a tuple for several."""
    values = [tuple(_key_value(v) for v in row) for row in frame.itertuples(index=False, name=None)]
    return [v[0] for v in values] if frame.shape[1] == 1 else values


class GroupedMatch:
    """The optimal matching of every group, from :func:`match_groups`.

    Attributes
    ----------
    program:
        The program matched.
    by:
        The grouping columns, as a list.
    keys:
        The group keys, in group order (sorted; a missing key last): a value for one ``by``
        column, a tuple for several.
    seconds:
        Wall time of the whole call (reading, grouping, scoring and solving every group).

    ``len(result)`` is the number of groups, iteration yields the keys, and ``result[key]`` is
    that group's :class:`pairwell.MatchResult` (built on first access; its ``seconds`` is the
    engine's time for that group, scoring plus solving).
    """

    def __init__(
        self,
        program: str,
        by: list[str],
        table: pd.DataFrame,
        keys: pd.DataFrame,
        codes: np.ndarray,
        natives: list[Any],
        seconds: float,
        config: Any = None,
    ) -> None:
        self.program = program
        self._config = config
        self.by = by
        self.seconds = seconds
        self._table = table
        self._natives = natives
        order = np.argsort(codes, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(natives)))])
        self._rows = [order[bounds[g] : bounds[g + 1]] for g in range(len(natives))]
        # One row per group holding its key, in the people table's own dtypes.
        self._key_frame = keys.iloc[[rows[0] for rows in self._rows]].reset_index(drop=True)
        self.keys: list[Any] = _keys(self._key_frame)
        self._index = {key: g for g, key in enumerate(self.keys)}
        self._results: dict[int, MatchResult] = {}

    def __len__(self) -> int:
        return len(self._natives)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.keys)

    def __contains__(self, key: object) -> bool:
        return self._position(key) is not None

    def _position(self, key: object) -> int | None:
        if isinstance(key, tuple) and len(self.by) > 1:
            key = tuple(_key_value(v) for v in key)
        else:
            key = _key_value(key)
        try:
            return self._index.get(key)  # type: ignore[arg-type]
        except TypeError:  # an unhashable key names no group
            return None

    def __getitem__(self, key: Hashable) -> MatchResult:
        g = self._position(key)
        if g is None:
            raise KeyError(key)
        return self._result(g)

    def _result(self, g: int) -> MatchResult:
        if g not in self._results:
            native = self._natives[g]
            people = self._table.iloc[self._rows[g]].reset_index(drop=True)
            # What pickling the group's result re-matches: that group's people alone.
            inputs = (to_native(people)[0], people, None, self._config)
            self._results[g] = MatchResult(native, None, sum(native.timings()), inputs)
        return self._results[g]

    def items(self) -> Iterator[tuple[Any, MatchResult]]:
        """``(key, MatchResult)`` for every group, in group order."""
        for g, key in enumerate(self.keys):
            yield key, self._result(g)

    def _with_keys(self, rows: list[list[dict[str, Any]]], columns: list[str]) -> pd.DataFrame:
        """One table of every group's rows, the ``by`` columns first."""
        counts = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        body = typed(pd.DataFrame([row for group in rows for row in group], columns=columns))
        keys = self._key_frame.iloc[np.repeat(np.arange(len(rows)), counts)].reset_index(drop=True)
        return pd.concat([keys, body], axis=1)

    @cached_property
    def pairs(self) -> pd.DataFrame:
        """Every group's pairs in one table: the ``by`` columns, then the columns of
        :attr:`pairwell.MatchResult.pairs`; groups in order, each sorted by giver then receiver.
        A ``preference`` column is there when any group has one (0 in the groups without)."""
        # Every group has the same criteria; `preference` only where someone gave preferences.
        columns = max((n.pair_columns() for n in self._natives), key=len, default=PAIR_COLUMNS)
        table = self._with_keys([n.pairs() for n in self._natives], columns)
        if "preference" in columns:
            table["preference"] = table["preference"].fillna(0.0)
        return table

    @cached_property
    def unmatched(self) -> pd.DataFrame:
        """Every group's unmatched participants: the ``by`` columns, then the columns of
        :attr:`pairwell.MatchResult.unmatched`."""
        return self._with_keys([n.unmatched() for n in self._natives], UNMATCHED_COLUMNS)

    @cached_property
    def metrics(self) -> pd.DataFrame:
        """One row per group: the ``by`` columns, then the keys of
        :attr:`pairwell.MatchResult.metrics` (``seconds`` is the engine's time for the group)."""
        rows = [[{**n.metrics(), "seconds": sum(n.timings())}] for n in self._natives]
        return self._with_keys(rows, METRIC_COLUMNS)

    @property
    def total(self) -> float:
        """The sum of every group's optimal total."""
        return float(sum(n.total for n in self._natives))

    def __repr__(self) -> str:
        return f"GroupedMatch(program={self.program!r}, by={self.by!r}, groups={len(self)}, total={self.total:.4f})"


def match_groups(people: PeopleLike, program: str, by: By, config: ConfigLike = None) -> GroupedMatch:
    """Match every group of ``people`` (the rows sharing their ``by`` values) independently,
    all groups in one parallel native call. See :mod:`pairwell.groups` for how groups and keys
    are formed.

    Parameters
    ----------
    people:
        Any form :func:`pairwell.match` accepts, with the ``by`` columns in it.
    program, config:
        As for :func:`pairwell.match`; the same for every group.
    by:
        A column name or a list of column names.

    Raises
    ------
    ConfigError
        An unknown or unhashable ``by`` column, or a config error; ``never`` or ``pin`` ids
        missing from a group name the group.
    CohortError
        A bad record (naming the row or id and the field), or a group that is not a valid
        cohort (duplicate ids, unknown managers, manager cycles), naming the group.
    TypeError
        ``by`` that is not a column name or a list of them.
    """
    return match_read(people, program, *request(program, by, config))


def _as_frame(people: PeopleLike) -> pd.DataFrame:
    """Any accepted people form as a pandas DataFrame of the input's own columns."""
    if isinstance(people, (str, os.PathLike)):
        people = _read_file(Path(people))
    people = _as_table(people)
    if isinstance(people, pd.DataFrame):
        return people
    if hasattr(people, "to_pandas"):  # pyarrow and polars tables
        return people.to_pandas()
    if isinstance(people, Sequence) and not isinstance(people, (str, bytes)):
        return pd.DataFrame(list(people))
    raise TypeError(
        f"people must be a table (DataFrame, Arrow, polars), a list of dicts or a path; got {type(people).__name__}"
    )


def match_read(people: PeopleLike, program: str, columns: list[str], config: Any) -> GroupedMatch:
    """:func:`match_groups` with ``by`` checked and the config already read (as the engine
    takes it): how the Dask and Spark workers call it."""
    start = time.perf_counter()
    frame = _as_frame(people)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ConfigError(
            f"by: unknown column {missing[0]!r}; the people table has {', '.join(map(str, frame.columns))}"
        )
    for column in columns:
        if frame[column].map(lambda v: isinstance(v, (list, dict, set, np.ndarray))).any():
            raise ConfigError(f"by: column {column!r} holds lists or dicts; group by a column of single values")
    # Groups come from the input's own values; ids need only be unique within a group.
    every_code = frame.groupby(columns, sort=True, dropna=False, observed=True).ngroup().to_numpy(dtype=np.int64)
    first_rows = np.unique(every_code, return_index=True)[1]
    labels = [repr(key) for key in _keys(frame[columns].iloc[first_rows].reset_index(drop=True))]
    try:
        native, _, source = to_native(frame, groups=every_code.tolist())
    except CohortError as exc:
        raise _in_group(exc, every_code, labels) from None
    kept = np.asarray(native.rows(), dtype=np.int64)  # rows an exact duplicate did not drop
    codes = every_code[kept]
    table = _frame(native, source, None)
    natives = _core.match_groups(native, codes, labels, program, config)
    return GroupedMatch(program, columns, table, table[columns], codes, natives, time.perf_counter() - start, config)


def _in_group(exc: CohortError, codes: np.ndarray, labels: list[str]) -> CohortError:
    """``exc`` (problems found reading the table) with the group of its first problem named."""
    problems = getattr(exc, "problems", [])
    row = next((p["row"] for p in problems if p.get("row") is not None), None)
    if row is None:
        return exc
    named = CohortError(f"group {labels[codes[row]]}: {exc}")
    for attribute in ("problems", "more_problems"):
        if hasattr(exc, attribute):
            setattr(named, attribute, getattr(exc, attribute))
    return named


def compare_groups(people: PeopleLike, program: str, by: By, config: ConfigLike = None, seed: int = 0) -> pd.DataFrame:
    """:func:`pairwell.compare` for every group: one row per group and method, the ``by``
    columns first, then ``method`` and the metric columns. Every group is matched as in
    :func:`match_groups`; the baselines of each group keep its rules, capacities and pins."""
    grouped = match_groups(people, program, by, config)
    rows = [compare_result(result, seed).to_dict("records") for _, result in grouped.items()]
    return grouped._with_keys(rows, ["method", *METRIC_COLUMNS])
