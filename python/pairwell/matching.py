"""The matching engine's Python face: :func:`match` and :class:`MatchResult`."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Union

import pandas as pd

from pairwell import _core
from pairwell._core import ConfigError
from pairwell.people import PeopleLike, read_people, to_engine_json

__all__ = ["PROGRAMS", "ConfigLike", "MatchResult", "match"]

#: The programs pairwell matches for.
PROGRAMS = ("mentoring", "sponsoring", "reverse_mentoring")

#: What :func:`match` accepts as config: a dict, or a path to a TOML or JSON file.
ConfigLike = Union[Mapping[str, Any], str, "os.PathLike[str]", None]

PAIR_COLUMNS = [
    "giver",
    "receiver",
    "score",
    "skills",
    "seniority",
    "goals",
    "expertise",
    "reciprocity",
    "logistics",
    "timezone_gap",
    "shared_language",
    "gap",
    "pinned",
]
UNMATCHED_COLUMNS = ["id", "side", "reason", "detail"]


def _config_text(config: ConfigLike) -> tuple[str | None, str]:
    """Config as (text, format) for the engine."""
    if config is None:
        return None, "json"
    if isinstance(config, Mapping):
        try:
            return json.dumps(dict(config), allow_nan=False), "json"
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"config must hold only strings, numbers, booleans, lists and dicts: {exc}") from None
    if isinstance(config, (str, os.PathLike)):
        path = Path(config)
        if not path.exists():
            raise ConfigError(f"config file {str(path)!r} does not exist")
        suffix = path.suffix.lower()
        if suffix not in (".toml", ".json"):
            raise ConfigError(f"config file {str(path)!r} must end in .toml or .json")
        return path.read_text(encoding="utf-8"), suffix[1:]
    raise ConfigError(f"config must be a dict or a path to a TOML or JSON file, got {type(config).__name__}")


class MatchResult:
    """The optimal matching of one program.

    Attributes
    ----------
    program:
        ``"mentoring"``, ``"sponsoring"`` or ``"reverse_mentoring"``.
    pairs:
        DataFrame with columns ``giver``, ``receiver``, ``score``, the five components
        (``skills``, ``seniority``, ``goals``, ``expertise``, ``reciprocity``), ``logistics``
        (time-zone and language factor), ``timezone_gap``, ``shared_language``, ``gap`` (the
        seniority gap in the program's direction) and ``pinned``.
    unmatched:
        DataFrame with columns ``id``, ``side`` (``giver``/``receiver``), ``reason`` (``no
        eligible partner``, ``every partner below min_score``, ``partners taken by others``, ``no
        capacity``)
        and ``detail`` (how many partners each rule excluded).
    total:
        Sum of pair scores: the maximum over every matching that keeps the rules and
        capacities (:meth:`verify` proves it).
    people:
        The people table as read (extra columns kept), for metrics and fairness.
    seconds:
        Wall time of the match (reading, scoring and solving).
    scoring_seconds, solving_seconds:
        The engine's time split between scoring (with the rules) and solving.
    """

    def __init__(self, native: Any, people: pd.DataFrame, seconds: float) -> None:
        self._native = native
        self.program: str = native.program
        self.total: float = native.total
        self.people = people
        self.seconds = seconds
        self.pairs = pd.DataFrame(native.pairs(), columns=PAIR_COLUMNS)
        self.unmatched = pd.DataFrame(native.unmatched(), columns=UNMATCHED_COLUMNS)
        self.scoring_seconds, self.solving_seconds = native.timings()
        self._metrics: dict[str, Any] | None = None

    @property
    def metrics(self) -> dict[str, Any]:
        """Quality of this matching: ``total``, ``mean_score``, ``min_score``, ``matched``
        (share of receivers matched), ``top3`` (share of matched receivers paired with one of
        their three best allowed givers), ``blocking_pairs`` (pairs who would both rather have
        each other, under the stable baseline's preferences) and ``seconds`` (the whole match).
        """
        if self._metrics is None:
            self._metrics = {**self._native.metrics(), "seconds": self.seconds}
        return dict(self._metrics)

    def fairness(self, by: str) -> pd.DataFrame:
        """Match rate and mean pair score for each group of the people column ``by``.

        Any column of the people table works (``department``, ``level``, or one you add, such
        as a demographic column). Counts participants of both sides: a giver is matched when
        they have at least one receiver.
        """
        if not isinstance(by, str):
            raise TypeError(f"fairness: by must be the name of one column (a str), got {by!r}")
        if by not in self.people.columns:
            raise ConfigError(
                f"fairness: unknown column {by!r}; the people table has {', '.join(map(str, self.people.columns))}"
            )
        groups = self.people.set_index("id")[by]
        if groups.map(lambda v: isinstance(v, (list, dict))).any():
            raise ConfigError(f"fairness: column {by!r} holds lists or dicts; group by a column of single values")
        side_ids = pd.concat(
            [
                self.pairs[["giver", "score"]].rename(columns={"giver": "id"}),
                self.pairs[["receiver", "score"]].rename(columns={"receiver": "id"}),
            ]
        )
        givers, receivers = self._native.participants()
        ids = pd.Index(sorted(set(givers) | set(receivers)), name="id")
        per_person = side_ids.groupby("id")["score"].agg(["count", "mean"]).reindex(ids)
        table = pd.DataFrame(
            {
                by: groups.reindex(ids).to_numpy(),
                "matched": per_person["count"].fillna(0).to_numpy() > 0,
                "score": per_person["mean"].to_numpy(),
            }
        )
        out = table.groupby(by, dropna=False).agg(
            participants=("matched", "size"), matched=("matched", "sum"), mean_score=("score", "mean")
        )
        out["match_rate"] = out["matched"] / out["participants"]
        return out.reset_index()[[by, "participants", "matched", "match_rate", "mean_score"]]

    def compare(self, seed: int = 0) -> Any:
        """This matching against the greedy, random and stable baselines: see
        :func:`pairwell.compare`."""
        from pairwell.compare import compare_result

        return compare_result(self, seed)

    def plot(self) -> Any:
        """Histograms of pair scores and seniority gaps (needs matplotlib: ``pip install
        pairwell[plot]``). Returns the matplotlib figure."""
        from pairwell.plot import plot_pairs

        return plot_pairs({"optimal": self.pairs}, title=f"{self.program}: {len(self.pairs)} pairs")

    def _repr_html_(self) -> str:
        metrics = pd.DataFrame([self.metrics]).to_html(index=False, float_format=lambda x: f"{x:.3f}")
        head = self.pairs.head(20).to_html(index=False, float_format=lambda x: f"{x:.3f}")
        more = f"<p>… {len(self.pairs) - 20} more pairs</p>" if len(self.pairs) > 20 else ""
        return (
            f"<div><strong>pairwell {self.program}</strong>: {len(self.pairs)} pairs, "
            f"{len(self.unmatched)} unmatched, total {self.total:.3f}{metrics}{head}{more}</div>"
        )

    @property
    def settings(self) -> dict[str, Any]:
        """The settings used: the program's preset with the config applied."""
        return json.loads(self._native.settings_json())

    def explain(self, giver: str, receiver: str) -> dict[str, Any]:
        """Everything about giver → receiver.

        Keys: ``score``, the five components, ``logistics``, ``timezone_gap``,
        ``shared_language``, ``allowed``, ``rule`` (the rule that forbids the pair, else None),
        ``matched``, and ``regret``: how much the optimal total drops if this pair is forced in
        (0 for a chosen pair, None for a forbidden one), computed exactly from the solver's dual
        potentials.
        """
        return self._native.explain(str(giver), str(receiver))

    def verify(self) -> None:
        """Prove :attr:`total` optimal with the solver's dual certificate.

        Raises :class:`pairwell.CertificateError` if any condition fails.
        """
        self._native.verify()

    def __repr__(self) -> str:
        return (
            f"MatchResult(program={self.program!r}, pairs={len(self.pairs)}, "
            f"unmatched={len(self.unmatched)}, total={self.total:.4f})"
        )


def match(people: PeopleLike, program: str, config: ConfigLike = None) -> MatchResult:
    """Pair people for ``program`` and return the optimal matching.

    Parameters
    ----------
    people:
        A DataFrame, a list of dicts, or a path to a CSV or JSON file in the people schema
        (see :mod:`pairwell.people`).
    program:
        ``"mentoring"`` (mentor → mentee), ``"sponsoring"`` (sponsor → protege) or
        ``"reverse_mentoring"`` (reverse_mentor, the junior expert → reverse_mentee, the senior
        learner).
    config:
        A dict, or a path to a TOML (or JSON) file, with any of the keys ``weights``,
        ``window``, ``gap_bounds``, ``same_department``, ``never``, ``pin``, ``min_score``,
        ``timezone_weight``, ``max_timezone_gap``, ``language_weight``,
        ``require_shared_language``. Unknown keys are errors.

    Raises
    ------
    CohortError
        Duplicate ids, missing or NaN levels, unknown managers, manager cycles, bad fields.
    ConfigError
        Unknown program or config key, values out of range, unknown ids in ``never`` or
        ``pin``, a pin that breaks a rule or a capacity. Both are ``ValueError`` subclasses.
    """
    text, fmt = _config_text(config)
    start = time.perf_counter()
    table, payload = engine_input(people, program)
    native = _core.match_people(payload, program, text, fmt)
    return MatchResult(native, table, time.perf_counter() - start)


def engine_input(people: PeopleLike, program: str) -> tuple[pd.DataFrame, Any]:
    """What every matching entry point hands the engine, after checking the program: the
    people table as read and its engine form. :func:`match` and :func:`pairwell.match_groups`
    both go through it."""
    if program not in PROGRAMS:
        raise ConfigError(f"unknown program {program!r}; expected one of {', '.join(PROGRAMS)}")
    table = read_people(people)
    return table, to_engine_json(table)
