"""Many cohorts on Spark: :func:`match_groups` for a ``pyspark.sql.DataFrame``.

Needs the ``spark`` extra (``pip install pairwell[spark]``: ``pyspark``) and pairwell installed
where the Python workers run. Each group is matched in one ``groupBy(by).applyInPandas`` call
with declared output schemas::

    import pairwell.spark

    people = spark.read.table("hr.people")              # one row per person, every country
    result = pairwell.spark.match_groups(people, "mentoring", by="country")
    result.pairs.write.saveAsTable("hr.mentoring_pairs")

On Databricks: install pairwell on the cluster (a wheel built with ``maturin build --release``,
added as a cluster library, or ``%pip install pairwell`` in the notebook, which also installs it
on the workers), then call it as above on any Spark DataFrame of people. List and dict fields
may be Spark arrays and maps or the CSV encodings (``"a;b"``, ``"python:4;sql:3"``).

The three tables are views of one cached grouped apply, so the groups are matched once however
many of them you read; ``result.unpersist()`` frees the cache.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

try:
    from pyspark.sql import DataFrame
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError("pairwell.spark needs pyspark: pip install 'pairwell[spark]'") from exc

from pairwell._core import ConfigError
from pairwell.compare import METRIC_COLUMNS
from pairwell.groups import COLUMN_TYPES, By, as_declared, declared_pair_columns, match_read, request
from pairwell.matching import UNMATCHED_COLUMNS, ConfigLike

__all__ = ["SparkGroupedMatch", "match_groups"]


def _tables(pair_columns: list[str]) -> dict[str, list[str]]:
    """The columns of the three tables after the ``by`` columns, the pairs' as declared."""
    return {"pairs": pair_columns, "unmatched": UNMATCHED_COLUMNS, "metrics": METRIC_COLUMNS}


_SPARK_TYPES = {
    str: T.StringType(),
    float: T.DoubleType(),
    bool: T.BooleanType(),
    int: T.LongType(),
    dict: T.MapType(T.StringType(), T.LongType()),
}


class SparkGroupedMatch:
    """The tables of :func:`match_groups` as Spark DataFrames, with the columns of
    :class:`pairwell.GroupedMatch`'s tables: the ``by`` columns first.

    The three are views of one cached grouped apply: the first action on any of them matches
    every group, the others reuse it. :meth:`unpersist` frees the cache.
    """

    def __init__(self, stacked: DataFrame, columns: list[str], pair_columns: list[str]) -> None:
        self._stacked = stacked
        tables = [
            stacked.where(F.col("table") == name).select(*columns, *cols)
            for name, cols in _tables(pair_columns).items()
        ]
        #: Every group's pairs.
        self.pairs: DataFrame = tables[0]
        #: Every group's unmatched participants.
        self.unmatched: DataFrame = tables[1]
        #: One row per group.
        self.metrics: DataFrame = tables[2]

    def unpersist(self) -> None:
        """Drop the cached matching (the tables recompute it if used again)."""
        self._stacked.unpersist()


def _python(value: Any) -> Any:
    """Spark arrays and maps as pandas hands them over (numpy arrays, lists of key-value
    pairs) turned into the lists and dicts the people reader takes."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list) and value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        return dict(value)
    return value


def _match_group(
    group: pd.DataFrame, program: str, columns: list[str], config: Any, pair_columns: list[str]
) -> pd.DataFrame:
    """Every table of one group stacked, with a ``table`` column saying which it is, missing
    values as None (as Arrow takes them); the pairs with the declared ``pair_columns``."""
    people = group.astype(object).where(group.notna(), None).map(_python)
    grouped = match_read(people, program, columns, config)
    tables = {
        "pairs": as_declared(grouped.pairs, columns, pair_columns),
        "unmatched": grouped.unmatched,
        "metrics": grouped.metrics,
    }
    out = pd.concat(
        [table.drop(columns=columns).assign(table=name) for name, table in tables.items()],
        ignore_index=True,
    )
    for column in columns:
        out[column] = people[column].iloc[0]
    return out.astype(object).where(out.notna(), None)


def match_groups(sdf: DataFrame, program: str, by: By, config: ConfigLike = None) -> SparkGroupedMatch:
    """Match every group of the Spark DataFrame ``sdf`` independently; see
    :func:`pairwell.match_groups` for the arguments, the groups and the errors.

    The config is read here, on the driver. Returns a :class:`SparkGroupedMatch` of lazy Spark
    DataFrames ``pairs``, ``unmatched`` and ``metrics``; errors in the data are raised when an
    action runs, naming the group.
    """
    if not isinstance(sdf, DataFrame):
        raise TypeError(f"pairwell.spark.match_groups needs a Spark DataFrame, got {type(sdf).__name__}")
    columns, config = request(program, by, config)
    missing = [c for c in columns if c not in sdf.columns]
    if missing:
        raise ConfigError(f"by: unknown column {missing[0]!r}; the table has {', '.join(sdf.columns)}")
    pair_columns = declared_pair_columns(program, config, sdf.columns)
    results = list(dict.fromkeys(c for cols in _tables(pair_columns).values() for c in cols))
    schema = T.StructType(
        [
            T.StructField("table", T.StringType(), False),
            *(sdf.schema[c] for c in columns),
            # Custom criteria are components: numbers.
            *(T.StructField(c, _SPARK_TYPES[COLUMN_TYPES.get(c, float)], True) for c in results),
        ]
    )

    def match_group(group: pd.DataFrame) -> pd.DataFrame:
        return _match_group(group, program, columns, config, pair_columns)[schema.fieldNames()]

    stacked = sdf.groupBy(*columns).applyInPandas(match_group, schema).cache()
    return SparkGroupedMatch(stacked, columns, pair_columns)
