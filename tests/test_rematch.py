"""pairwell.rematch: the previous pairs that survive are kept (or pinned), the result is the
optimum of the shifted scores, and every change is reported."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pairwell
import pandas as pd
import pytest
from pairwell.cli import main

CONFIG = {"min_score": 0.2}


def cohorts(n: int = 600, moved: int = 6, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A cohort of ``n`` and the same cohort after ``moved`` people left (who manage nobody) and
    ``moved`` others joined."""
    people = pairwell.sample_cohort(n + moved, seed=seed)
    before = people.iloc[:n]
    managers = set(people["manager"].dropna())
    rng = np.random.default_rng(seed)
    leavers = rng.choice([i for i in before["id"] if i not in managers], size=moved, replace=False)
    after = people[~people["id"].isin(leavers)]
    return before, after


def surviving(result: pairwell.MatchResult) -> pd.DataFrame:
    changes = result.changes
    assert changes is not None
    return changes[(changes["status"] == "kept") | (changes["reason"] == "replaced")]


def test_default_keep_keeps_at_least_95_percent_of_surviving_pairs():
    before, after = cohorts()
    first = pairwell.match(before, "mentoring", CONFIG)
    plain = pairwell.match(after, "mentoring", CONFIG)
    again = pairwell.rematch(first, after, "mentoring", CONFIG)
    again.verify()
    alive = surviving(again)
    kept = (alive["status"] == "kept").sum()
    assert kept >= 0.95 * len(alive)
    # Without `keep` a plain match of the new cohort breaks more of them.
    previous = set(zip(first.pairs["giver"], first.pairs["receiver"]))
    assert kept > len(previous & set(zip(plain.pairs["giver"], plain.pairs["receiver"])))
    assert again.total <= plain.total + 1e-9
    assert again.solver_total == pytest.approx(again.total + 0.05 * kept, abs=1e-9)
    # The changes cover every previous pair and every new one.
    changes = again.changes
    assert set(changes.columns) == {"giver", "receiver", "status", "reason"}
    assert len(changes[changes["status"] != "new"]) == len(first.pairs)
    new = changes[changes["status"] == "new"]
    assert len(new) + kept == len(again.pairs)
    assert new["reason"].isna().all()
    left = changes[changes["reason"] == "left"]
    assert len(left) > 0
    gone = set(before["id"]) - set(after["id"])
    assert all(g in gone or r in gone for g, r in zip(left["giver"], left["receiver"]))


def test_keep_all_keeps_every_surviving_pair():
    before, after = cohorts(300, 3, seed=2)
    first = pairwell.match(before, "mentoring", CONFIG)
    again = pairwell.rematch(first.pairs, after, "mentoring", CONFIG, keep="all")
    again.verify()
    alive = surviving(again)
    assert len(alive) > 0 and (alive["status"] == "kept").all()
    kept = again.pairs.merge(alive[["giver", "receiver"]])
    assert kept["pinned"].all()


def test_the_result_is_the_optimum_of_the_shifted_scores():
    before, after = cohorts(80, 2, seed=4)
    first = pairwell.match(before, "mentoring", CONFIG)
    keep = 0.3
    again = pairwell.rematch(first, after, "mentoring", CONFIG, keep=keep)
    # The shifted score matrix, solved densely on its own.
    givers, receivers = again._native.participants()
    previous = set(zip(first.pairs["giver"], first.pairs["receiver"]))
    weights = np.full((len(givers), len(receivers)), -np.inf)
    for i, g in enumerate(givers):
        for j, r in enumerate(receivers):
            e = again.explain(g, r)
            if e["allowed"]:
                weights[i, j] = e["score"] + (keep if (g, r) in previous else 0.0)
    capacity = after.set_index("id").loc[givers, "capacity"].to_numpy()
    best = pairwell.solve(weights, maximize=True, capacities=capacity, allow_unmatched=True)
    assert again.solver_total == pytest.approx(best.objective, abs=1e-9)


def test_previous_forms_give_the_same_result(tmp_path):
    before, after = cohorts(120, 2, seed=1)
    first = pairwell.match(before, "mentoring", CONFIG)
    path = tmp_path / "pairs.csv"
    first.pairs.to_csv(path, index=False)
    records = first.pairs[["giver", "receiver"]].to_dict("records")
    results = [pairwell.rematch(p, after, "mentoring", CONFIG) for p in (first, first.pairs, records, path, str(path))]
    for r in results[1:]:
        pd.testing.assert_frame_equal(r.changes, results[0].changes)
        pd.testing.assert_frame_equal(r.pairs, results[0].pairs)
    copy = pickle.loads(pickle.dumps(results[0]))
    pd.testing.assert_frame_equal(copy.changes, results[0].changes)
    as_dict = json.loads(results[0].to_json())
    assert as_dict["changes"][0].keys() == {"giver", "receiver", "status", "reason"}
    assert len(as_dict["changes"]) == len(results[0].changes)
    assert pairwell.match(after, "mentoring", CONFIG).changes is None


@pytest.mark.parametrize(
    ("previous", "keep", "error", "words"),
    [
        (pd.DataFrame({"mentor": ["a"], "mentee": ["b"]}), 0.05, pairwell.ConfigError, "missing column"),
        ([{"giver": "a", "receiver": None}], 0.05, pairwell.ConfigError, "row 0 column 'receiver'"),
        ([{"giver": 1.5, "receiver": "b"}], 0.05, pairwell.ConfigError, "row 0 column 'giver'"),
        ([{"giver": "a", "receiver": "b"}, {"giver": "c", "receiver": "b"}], 0.05, pairwell.ConfigError, '"b"'),
        (["a", "b"], 0.05, TypeError, "row 0"),
        (42, 0.05, TypeError, "previous must be"),
        ("missing.csv", 0.05, pairwell.ConfigError, "does not exist"),
        ([], -1, pairwell.ConfigError, "keep"),
        ([], float("nan"), pairwell.ConfigError, "keep"),
        ([], "some", pairwell.ConfigError, "keep"),
        ([], True, TypeError, "keep"),
    ],
)
def test_bad_previous_and_keep_are_typed_errors(previous, keep, error, words):
    with pytest.raises(error, match=words):
        pairwell.rematch(previous, pairwell.sample_cohort(30), "mentoring", keep=keep)


def test_command_line_rematch(tmp_path, capsys):
    before, after = cohorts(120, 2, seed=3)
    people, pairs, out = tmp_path / "people.csv", tmp_path / "pairs.csv", tmp_path / "new.csv"
    pairwell.write_people_csv(after, people)
    pairwell.match(before, "mentoring").pairs.to_csv(pairs, index=False)
    assert main(["rematch", str(pairs), str(people), "--program", "mentoring", "--output", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "kept" in printed and "ended" in printed
    assert len(pd.read_csv(out)) > 0
    assert main(["rematch", str(people), str(people), "--program", "mentoring"]) == 2
    assert "previous: missing column" in capsys.readouterr().err
