"""Many cohorts on a Dask cluster: :func:`match_groups` for a ``dask.dataframe``.

Needs the ``dask`` extra (``pip install pairwell[dask]``: ``dask[dataframe]`` and
``distributed``) and pairwell installed on every worker. It works with whatever scheduler is
active, a ``distributed.Client`` included::

    from distributed import Client
    import dask.dataframe as dd
    import pairwell.dask

    client = Client("scheduler:8786")
    people = dd.read_parquet("s3://hr/people/")          # one row per person, every country
    result = pairwell.dask.match_groups(people, "mentoring", by="country")
    pairs, unmatched, metrics = dask.compute(result.pairs, result.unmatched, result.metrics)

List and dict fields (``skills``, ``roles``...) must travel as their CSV encodings
(``"python:4;sql:3"``, ``"mentor;mentee"``), as a warehouse or CSV export holds them: dask turns
object columns into strings, and its shuffle goes through Arrow, which would give every
``skills`` dict every key of the column.

The table is shuffled by ``by`` so that every group lies whole in one partition (however many
partitions it came from), then each partition is matched with :func:`pairwell.match_groups` (all
of its groups in one parallel native call). Nothing is computed until you ask: compute the three
tables together, as above, to match once.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pandas as pd

try:
    import dask
    import dask.dataframe as dd
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("pairwell.dask needs dask: pip install 'pairwell[dask]'") from exc

from pairwell._core import ConfigError
from pairwell.compare import METRIC_COLUMNS
from pairwell.groups import COLUMN_TYPES, By, as_declared, declared_pair_columns, match_read, request, typed
from pairwell.matching import UNMATCHED_COLUMNS, ConfigLike

__all__ = ["DaskGroupedMatch", "match_groups"]


class DaskGroupedMatch(NamedTuple):
    """The lazy tables of :func:`match_groups`, with the columns of
    :class:`pairwell.GroupedMatch`'s tables: the ``by`` columns first."""

    #: Every group's pairs.
    pairs: dd.DataFrame
    #: Every group's unmatched participants (``detail`` as JSON text, e.g. ``{"eligible": 2}``).
    unmatched: dd.DataFrame
    #: One row per group.
    metrics: dd.DataFrame


def _empty(keys: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """A table with no rows: the ``by`` columns of ``keys``, then ``columns``, typed (custom
    criteria, as every component, are numbers)."""
    empty = pd.DataFrame({c: pd.Series([], dtype=object if c in COLUMN_TYPES else float) for c in columns})
    return _detail_as_text(pd.concat([keys.iloc[:0], typed(empty)], axis=1))


def _detail_as_text(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with ``detail`` (per-rule counts) as JSON text: Dask keeps object columns as
    strings, so a dict would arrive as its repr."""
    if "detail" not in table.columns:
        return table
    return table.assign(detail=table["detail"].map(json.dumps).astype(str))


def _match_partition(
    part: pd.DataFrame, program: str, columns: list[str], config: Any, pair_columns: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(pairs, unmatched, metrics)`` of every group in one partition, the pairs with the
    declared ``pair_columns``."""
    if part.empty:
        keys = part[columns]
        return _empty(keys, pair_columns), _empty(keys, UNMATCHED_COLUMNS), _empty(keys, METRIC_COLUMNS)
    # Arrow-backed columns hold missing values as pd.NA; the people reader expects None.
    plain = part.astype(object).where(part.notna(), None).reset_index(drop=True)
    grouped = match_read(plain, program, columns, config)
    key_types = part.dtypes[columns].to_dict()
    pairs = as_declared(grouped.pairs, columns, pair_columns)
    tables = (pairs, _detail_as_text(grouped.unmatched), grouped.metrics)
    return tuple(t.astype(key_types) for t in tables)  # type: ignore[return-value]


def match_groups(ddf: dd.DataFrame, program: str, by: By, config: ConfigLike = None) -> DaskGroupedMatch:
    """Match every group of the dask DataFrame ``ddf`` independently; see
    :func:`pairwell.match_groups` for the arguments, the groups and the errors.

    The config is read here, on the client (a file need not exist on the workers). Returns a
    :class:`DaskGroupedMatch` of lazy dask DataFrames ``pairs``, ``unmatched`` and ``metrics``;
    errors in the data (a bad record, a group that is not a valid cohort) are raised when they
    are computed, naming the group.
    """
    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(f"pairwell.dask.match_groups needs a dask DataFrame, got {type(ddf).__name__}")
    columns, config = request(program, by, config)
    missing = [c for c in columns if c not in ddf.columns]
    if missing:
        raise ConfigError(f"by: unknown column {missing[0]!r}; the table has {', '.join(map(str, ddf.columns))}")
    keys = ddf._meta[columns]
    pair_columns = declared_pair_columns(program, config, ddf.columns)
    metas = (_empty(keys, pair_columns), _empty(keys, UNMATCHED_COLUMNS), _empty(keys, METRIC_COLUMNS))
    shuffled = ddf.shuffle(on=columns)
    parts = [
        dask.delayed(_match_partition, nout=3)(part, program, columns, config, pair_columns)
        for part in shuffled.to_delayed()
    ]
    tables: list[Any] = [dd.from_delayed([p[i] for p in parts], meta=metas[i]) for i in range(3)]
    return DaskGroupedMatch(*tables)
