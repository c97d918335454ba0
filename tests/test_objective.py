"""The ``objective`` config key: the most receivers matched, then the best total, certified."""

from __future__ import annotations

import pairwell
import pytest


@pytest.mark.parametrize("solver", ["dense", "sparse"])
def test_participation_matches_more_receivers_for_a_lower_total(solver):
    # In this cohort the best total leaves a mentee unmatched whom another matching can place.
    people = pairwell.sample_cohort(120, seed=1)
    config = {"solver": solver, "min_score": 0.3, "allow_same_department": False}
    by_score = pairwell.match(people, "mentoring", config)
    most = pairwell.match(people, "mentoring", {**config, "objective": "participation"})
    most.verify()
    assert by_score.solver_total == by_score.total
    assert (len(by_score.pairs), len(most.pairs)) == (20, 21)
    assert most.total < by_score.total
    receivers = len(most._native.participants()[1])
    assert most.solver_total == pytest.approx(most.total + receivers * len(most.pairs), abs=1e-9)
    assert most.settings["objective"] == "participation"


def test_dense_and_sparse_participation_agree():
    people = pairwell.sample_cohort(400, seed=5)
    config = {"objective": "participation", "min_score": 0.3}
    dense = pairwell.match(people, "mentoring", {**config, "solver": "dense"})
    sparse = pairwell.match(people, "mentoring", {**config, "solver": "sparse", "candidates": 2})
    sparse.verify()
    assert len(dense.pairs) == len(sparse.pairs)
    assert dense.total == pytest.approx(sparse.total, abs=1e-9)


def test_unknown_objective_is_a_config_error():
    with pytest.raises(pairwell.ConfigError, match="objective"):
        pairwell.match(pairwell.sample_cohort(20), "mentoring", {"objective": "fairness"})
