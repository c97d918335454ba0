"""``pairwell.spark.match_groups`` on a real local Spark session (``local[2]``, started once for
the module, offline): its three tables have the declared schemas and equal
``pairwell.match_groups`` on mixed cohorts (a one-person cohort, one without participants, a
missing key), and a bad group fails the action with an error naming it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import numpy as np
import pairwell
import pairwell.spark
import pandas as pd
import pytest
from pyspark.errors import PythonException
from pyspark.sql import SparkSession
from pyspark.sql import types as T

# PySpark 4.3 warns that it does not fully support pandas 3 yet, and uses a keyword pandas 3
# deprecates; what pairwell uses of it works.
pytestmark = [
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

#: The cohorts used: a one-person cohort (org03), one with no participants (org07), the
#: missing key, and ordinary ones.
ORGS = ["org01", "org03", "org05", "org07", "org12", None]


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers run this interpreter
    session = (
        SparkSession.builder.master("local[2]")
        .appName("pairwell-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def few(cohorts: pd.DataFrame) -> pd.DataFrame:
    return cohorts[cohorts["org"].isin(ORGS[:-1]) | cohorts["org"].isna()].reset_index(drop=True)


def _sorted(table: pd.DataFrame) -> pd.DataFrame:
    order = ["org", *(c for c in ("giver", "receiver", "id") if c in table.columns)]
    return table.sort_values(order, na_position="last", kind="stable").reset_index(drop=True)


def test_spark_equals_match_groups(spark: SparkSession, few: pd.DataFrame) -> None:
    expected = pairwell.match_groups(few, "mentoring", "org")
    result = pairwell.spark.match_groups(spark.createDataFrame(few), "mentoring", "org")
    assert result.pairs.schema["org"].dataType == T.StringType()
    assert result.pairs.schema["score"].dataType == T.DoubleType()
    assert result.pairs.schema["pinned"].dataType == T.BooleanType()
    assert result.metrics.schema["blocking_pairs"].dataType == T.LongType()
    tables = (result.pairs, result.unmatched, result.metrics)
    for mine, theirs in zip(tables, (expected.pairs, expected.unmatched, expected.metrics)):
        assert mine.columns == list(theirs.columns)
        table = _sorted(mine.toPandas())
        if "seconds" in table.columns:
            table, theirs = table.drop(columns="seconds"), theirs.drop(columns="seconds")
        pd.testing.assert_frame_equal(table, theirs, check_dtype=False)
    result.unpersist()


def test_bad_groups_fail_the_action_naming_the_group(spark: SparkSession, few: pd.DataFrame) -> None:
    broken = pd.concat([few, few[few["org"] == "org05"].head(1).assign(level="1")], ignore_index=True)
    result = pairwell.spark.match_groups(spark.createDataFrame(broken), "mentoring", "org")
    with pytest.raises(PythonException, match=r"CohortError: group 'org05': .*duplicate id"):
        result.metrics.collect()
    with pytest.raises(pairwell.ConfigError, match=r"by: unknown column 'country'"):
        pairwell.spark.match_groups(spark.createDataFrame(few), "mentoring", "country")


def test_spark_arrays_and_maps_are_read_as_lists_and_dicts() -> None:
    # What applyInPandas hands over for array and map columns: numpy arrays, key-value pairs.
    group = pd.DataFrame(
        {
            "id": ["a", "b"],
            "level": [6.0, 3.0],
            "skills": [[("python", 5.0)], [("python", 1.0)]],
            "goals": [np.array([], dtype=object), np.array(["python"], dtype=object)],
            "expertise": [np.array(["python"], dtype=object), np.array([], dtype=object)],
            "roles": [np.array(["mentor"], dtype=object), np.array(["mentee"], dtype=object)],
            "org": ["x", "x"],
        }
    )
    stacked = pairwell.spark._match_group(group, "mentoring", ["org"], None, list(pairwell.matching.PAIR_COLUMNS))
    pairs = stacked[stacked["table"] == "pairs"]
    expected = pairwell.match(
        [
            {"id": "a", "level": 6, "skills": {"python": 5}, "expertise": ["python"], "roles": ["mentor"]},
            {"id": "b", "level": 3, "skills": {"python": 1}, "goals": ["python"], "roles": ["mentee"]},
        ],
        "mentoring",
    )
    assert (
        pairs[["giver", "receiver", "score"]].values.tolist()
        == expected.pairs[["giver", "receiver", "score"]].values.tolist()
    )
    assert set(stacked["org"]) == {"x"}


def test_custom_criteria_are_columns_of_the_spark_pairs(spark: SparkSession, few: pd.DataFrame) -> None:
    people = few.assign(site=[["lyon", "oslo"][i % 2] for i in range(len(few))])
    config = {"criteria": [{"name": "same_site", "kind": "same", "giver": "site", "receiver": "site", "weight": 1}]}
    expected = pairwell.match_groups(people, "mentoring", "org", config)
    result = pairwell.spark.match_groups(spark.createDataFrame(people), "mentoring", "org", config)
    assert result.pairs.columns == list(expected.pairs.columns)
    assert result.pairs.schema["same_site"].dataType == T.DoubleType()
    pd.testing.assert_frame_equal(_sorted(result.pairs.toPandas()), expected.pairs, check_dtype=False)
    result.unpersist()
