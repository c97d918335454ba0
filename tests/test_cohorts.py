"""Matching quality on sample cohorts: the generator is seeded, valid and fast; on 600-person
cohorts the optimum has the highest total of the four methods and the stable baseline has no
blocking pair, in every program; metrics, the compare table, pictures and the command line."""

from __future__ import annotations

import time

import pairwell
import pytest
from pairwell.cli import main, sample_cohort_path


def test_sample_cohort_is_seeded_and_in_the_people_schema():
    a = pairwell.sample_cohort(300, seed=4)
    assert list(a.columns) == list(pairwell.people.FIELDS)
    assert a.equals(pairwell.sample_cohort(300, seed=4))
    assert not a.equals(pairwell.sample_cohort(300, seed=5))
    assert a["id"].is_unique and a["manager"].isna().sum() == 1
    assert (a["level"] <= 3).sum() > 3 * (a["level"] >= 6).sum()
    assert all(isinstance(s, dict) for s in a["skills"])
    assert pairwell.read_people(a).shape[0] == 300  # passes validation


def test_sample_cohort_is_fast_at_100k():
    start = time.perf_counter()
    people = pairwell.sample_cohort(100_000, seed=1)
    assert len(people) == 100_000
    assert time.perf_counter() - start < 10  # about 0.7 s here; generous for slow CI machines


@pytest.mark.parametrize(
    "bad, error", [(-1, pairwell.PairwellError), (1.5, TypeError), ("10", TypeError), (True, TypeError)]
)
def test_sample_cohort_rejects_bad_arguments(bad, error):
    with pytest.raises(error):
        pairwell.sample_cohort(bad)


def test_bundled_cohort_is_the_600_person_seed_0_cohort():
    bundled = pairwell.read_people(sample_cohort_path())
    fresh = pairwell.read_people(pairwell.sample_cohort(600, seed=0))
    assert bundled.to_dict("records") == fresh.to_dict("records")


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("program", pairwell.PROGRAMS)
def test_optimal_beats_baselines_and_stable_has_no_blocking_pairs(program, seed):
    table = pairwell.compare(pairwell.sample_cohort(600, seed=seed), program, seed=seed)
    assert table["method"].tolist() == ["optimal", "greedy", "random", "stable"]
    totals = table.set_index("method")["total"]
    assert totals.idxmax() == "optimal"
    assert all(totals["optimal"] >= totals[m] - 1e-9 for m in totals.index)
    assert table.set_index("method").loc["stable", "blocking_pairs"] == 0
    for method, pairs in table.pairs_by_method.items():
        assert pairs["receiver"].is_unique, method


def test_metrics_of_a_result():
    result = pairwell.match(pairwell.sample_cohort(600), "mentoring")
    m = result.metrics
    assert set(m) == {"total", "mean_score", "min_score", "matched", "top3", "blocking_pairs", "seconds"}
    assert m["total"] == pytest.approx(result.total)
    assert m["mean_score"] == pytest.approx(result.pairs["score"].mean())
    assert m["min_score"] == pytest.approx(result.pairs["score"].min())
    receivers = pairwell.read_people(pairwell.sample_cohort(600))["roles"].map(lambda r: "mentee" in r).sum()
    assert m["matched"] == pytest.approx(result.pairs["receiver"].nunique() / receivers)
    assert 0 <= m["top3"] <= 1 and m["seconds"] > 0
    by_level = result.fairness("level")
    assert by_level["participants"].sum() > 0 and by_level["match_rate"].between(0, 1).all()


def test_empty_matching_metrics_are_none_never_nan():
    people = [{"id": "a", "level": 5, "roles": ["mentor"]}, {"id": "b", "level": 5, "roles": ["mentee"]}]
    m = pairwell.match(people, "mentoring").metrics
    assert m["total"] == 0 and m["mean_score"] is None and m["min_score"] is None and m["matched"] == 0


def test_pictures(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.figure
    import matplotlib.pyplot

    table = pairwell.compare(pairwell.sample_cohort(300), "mentoring")
    table.plot().savefig(tmp_path / "compare.png")
    figure = pairwell.match(pairwell.sample_cohort(300), "sponsoring").plot()
    figure.savefig(tmp_path / "result.png")
    assert (tmp_path / "compare.png").stat().st_size > 1000
    # pyplot does not hold the figures, so a notebook draws each once: as the cell's value.
    assert isinstance(figure, matplotlib.figure.Figure) and matplotlib.pyplot.get_fignums() == []
    # It draws itself where pyplot (and so IPython's figure formatter) was never loaded.
    assert figure._repr_png_().startswith(b"\x89PNG")
    assert "<table" in table._repr_html_()


def test_cli_demo_match_compare(tmp_path, capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for program in pairwell.PROGRAMS:
        assert program in out
    assert "optimal" in out and "stable" in out
    pairs = tmp_path / "pairs.csv"
    assert main(["match", sample_cohort_path(), "--program", "sponsoring", "--output", str(pairs)]) == 0
    assert pairs.read_text().startswith("giver,receiver,score")
    assert main(["compare", sample_cohort_path(), "-p", "reverse_mentoring"]) == 0
    assert "greedy" in capsys.readouterr().out


def test_cli_version_and_shortened_tables(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.strip() == f"pairwell {pairwell.__version__}"
    assert main(["match", sample_cohort_path(), "-p", "mentoring", "--show", "3"]) == 0
    result = pairwell.match(sample_cohort_path(), "mentoring")
    out = capsys.readouterr().out
    assert f"... and {len(result.pairs) - 3} more pairs" in out
    assert f"... and {len(result.unmatched) - 3} more unmatched people" in out


def test_cli_bad_input_exits_2_with_one_line(tmp_path, capsys):
    assert main(["match", str(tmp_path / "nobody.csv"), "--program", "mentoring"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("pairwell: error:") and "does not exist" in err[0]
    bad = tmp_path / "bad.toml"
    bad.write_text("colour = 'blue'\n")
    assert main(["match", sample_cohort_path(), "-p", "mentoring", "-c", str(bad)]) == 2
    assert "colour" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["match", sample_cohort_path(), "--program", "coaching"])
    assert info.value.code == 2
