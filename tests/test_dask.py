"""``pairwell.dask.match_groups`` on a real ``distributed.LocalCluster`` of two worker
processes (started once for the module): its three lazy tables equal ``pairwell.match_groups``
on 50 mixed cohorts spread over many partitions (a cohort larger than one partition included),
nothing runs until computed, a config file is read on the client, and a bad group fails the
compute with an error naming it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pairwell
import pandas as pd
import pytest

# Installed by the test extra wherever they support the Python (3.11 and later).
dask = pytest.importorskip("dask")
pytest.importorskip("distributed")
import dask.dataframe as dd  # noqa: E402
import pairwell.dask  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _sorted(table: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Rows in group order (a missing key last), as ``match_groups`` gives them."""
    order = [*by, *(c for c in ("giver", "receiver", "id") if c in table.columns)]
    return table.sort_values(order, na_position="last", kind="stable").reset_index(drop=True)


def test_dask_equals_match_groups(client: Client, cohorts: pd.DataFrame) -> None:
    by = ["region", "org"]
    expected = pairwell.match_groups(cohorts, "mentoring", by, {"min_score": 0.1})
    # Sorted by cohort and cut into four partitions, with a cohort cut in two.
    ordered = cohorts.sort_values("org", na_position="last")
    bounds = np.linspace(0, len(ordered), 5).astype(int)
    chunks = [ordered.iloc[start:stop] for start, stop in zip(bounds, bounds[1:])]
    assert any(a["org"].iloc[-1] == b["org"].iloc[0] for a, b in zip(chunks, chunks[1:]))
    ddf = dd.concat([dd.from_pandas(chunk, npartitions=1) for chunk in chunks])
    assert ddf.npartitions == 4
    result = pairwell.dask.match_groups(ddf, "mentoring", by, {"min_score": 0.1})
    assert list(result.pairs.columns) == list(expected.pairs.columns)
    pairs, unmatched, metrics = dask.compute(result.pairs, result.unmatched, result.metrics)
    pd.testing.assert_frame_equal(_sorted(pairs, by), expected.pairs, check_dtype=False)
    # Dask keeps object columns as strings: detail travels as JSON text.
    detail_as_text = expected.unmatched.assign(detail=expected.unmatched["detail"].map(json.dumps))
    pd.testing.assert_frame_equal(_sorted(unmatched, by), detail_as_text, check_dtype=False)
    pd.testing.assert_frame_equal(
        _sorted(metrics, by).drop(columns="seconds"), expected.metrics.drop(columns="seconds"), check_dtype=False
    )


def test_config_is_read_on_the_client_and_bad_groups_fail_the_compute(
    client: Client, cohorts: pd.DataFrame, tmp_path
) -> None:
    few = cohorts[cohorts["org"].isin(["org01", "org05"])]
    config = tmp_path / "rules.toml"
    config.write_text("min_score = 0.4\n")
    result = pairwell.dask.match_groups(dd.from_pandas(few, npartitions=2), "sponsoring", "org", config)
    config.unlink()  # the workers never read it
    pd.testing.assert_frame_equal(
        _sorted(result.pairs.compute(), ["org"]),
        pairwell.match_groups(few, "sponsoring", "org", {"min_score": 0.4}).pairs,
        check_dtype=False,
    )
    broken = pd.concat([few, few[few["org"] == "org05"].head(1).assign(level="1")], ignore_index=True)
    lazy = pairwell.dask.match_groups(dd.from_pandas(broken, npartitions=2), "sponsoring", "org")
    with pytest.raises(pairwell.CohortError, match=r"group 'org05': .*duplicate id"):
        lazy.pairs.compute()


def test_bad_arguments_are_refused_before_anything_runs(cohorts: pd.DataFrame) -> None:
    ddf = dd.from_pandas(cohorts.head(10), npartitions=1)
    with pytest.raises(pairwell.ConfigError, match=r"by: unknown column 'country'"):
        pairwell.dask.match_groups(ddf, "mentoring", "country")
    with pytest.raises(TypeError, match=r"needs a dask DataFrame"):
        pairwell.dask.match_groups(cohorts, "mentoring", "org")  # type: ignore[arg-type]


def test_custom_criteria_are_columns_of_the_lazy_pairs(client: Client, cohorts: pd.DataFrame) -> None:
    few = cohorts[cohorts["org"].isin(["org01", "org05"])].copy()
    few["site"] = [["lyon", "oslo"][i % 2] for i in range(len(few))]
    config = {"criteria": [{"name": "same_site", "kind": "same", "giver": "site", "receiver": "site", "weight": 1}]}
    expected = pairwell.match_groups(few, "mentoring", "org", config)
    result = pairwell.dask.match_groups(dd.from_pandas(few, npartitions=2), "mentoring", "org", config)
    assert list(result.pairs.columns) == list(expected.pairs.columns)
    assert "same_site" in result.pairs.columns
    # A `preferences` column declares the component (0 in groups where nobody gave any).
    ranked = dd.from_pandas(few.assign(preferences=""), npartitions=2)
    assert "preference" in pairwell.dask.match_groups(ranked, "mentoring", "org", config).pairs.columns
    (pairs,) = dask.compute(result.pairs)
    pd.testing.assert_frame_equal(_sorted(pairs, ["org"]), expected.pairs, check_dtype=False)
