"""The matching engine's Python face: :func:`match` and :class:`MatchResult`."""

from __future__ import annotations

import json
import math
import os
import time
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Union

import pandas as pd

from pairwell import _core
from pairwell._core import ConfigError
from pairwell.people import PeopleLike, _frame, to_native

__all__ = ["PROGRAMS", "ConfigLike", "MatchResult", "match"]

#: The programs pairwell matches for (from the engine).
PROGRAMS: tuple[str, ...] = tuple(_core.PROGRAMS)

#: What :func:`match` accepts as config: a dict, or a path to a TOML or JSON file.
ConfigLike = Union[Mapping[str, Any], str, "os.PathLike[str]", None]

PAIR_COLUMNS: list[str] = list(_core.PAIR_COLUMNS)
UNMATCHED_COLUMNS: list[str] = list(_core.UNMATCHED_COLUMNS)
CHANGE_COLUMNS: list[str] = ["giver", "receiver", "status", "reason"]


def _config(config: ConfigLike) -> Any:
    """Config for the engine: a dict, TOML text, or None."""
    if config is None or isinstance(config, Mapping):
        return None if config is None else dict(config)
    if isinstance(config, (str, os.PathLike)):
        path = Path(config)
        if not path.is_file():
            raise ConfigError(f"config file {str(path)!r} does not exist")
        suffix = path.suffix.lower()
        try:
            if suffix == ".toml":
                return path.read_text(encoding="utf-8")
            if suffix == ".json":
                data = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(data, dict):
                    raise ConfigError(f"config file {str(path)!r} must hold a JSON object")
                return data
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"config file {str(path)!r} cannot be read: {exc}") from None
        raise ConfigError(f"config file {str(path)!r} must end in .toml or .json")
    raise ConfigError(f"config must be a dict or a path to a TOML or JSON file, got {type(config).__name__}")


def _id(value: Any) -> str:
    """An id as the engine spells it: text, or a whole number written without a fraction."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"ids are text or whole numbers, got {type(value).__name__}")
    return str(value)


def _group_name(value: Any) -> str | None:
    """A group value as floors name it: text as is, whole numbers without a fraction, None for
    a missing value (such a person is in no group)."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (list, tuple, dict, set)):
        raise ConfigError(f"floors: a group value must be a single value, got {value!r}")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities as None, numpy scalars as Python numbers."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class MatchResult:
    """The optimal matching of one program.

    Attributes
    ----------
    program:
        ``"mentoring"``, ``"sponsoring"`` or ``"reverse_mentoring"``.
    pairs:
        DataFrame with columns ``giver``, ``receiver``, ``score``, the five components
        (``skills``, ``seniority``, ``goals``, ``expertise``, ``reciprocity``), then
        ``preference`` when anyone gave preferences (or config weighs it) and one column per
        custom criterion (config ``[[criteria]]``, by ``name``), then ``logistics``
        (time-zone and language factor), ``timezone_gap``, ``shared_language``, ``gap`` (the
        seniority gap in the program's direction) and ``pinned``.
    unmatched:
        DataFrame with columns ``id``, ``side`` (``giver``/``receiver``), ``reason`` (``no
        eligible partner``, ``every partner below min_score``, ``partners taken by others``, ``no
        capacity``)
        and ``detail`` (how many partners each rule excluded).
    total:
        Sum of pair scores: the maximum over every matching that keeps the rules and
        capacities (:meth:`verify` proves it); under config ``objective = "participation"``,
        the maximum over the matchings that match the most receivers.
    solver_total:
        What the solver maximised: the pair scores plus the bonuses of the ``participation``
        objective, of :func:`pairwell.rematch`'s ``keep`` and of ``floors`` (equal to
        :attr:`total` when none applies). :meth:`verify` proves it, and :meth:`explain`'s
        ``regret`` is measured in it.
    solver:
        ``"dense"`` (every pair in one matrix) or ``"sparse"`` (a candidate graph of each
        person's best partners, completed by pricing every other pair against its duals); config
        ``solver`` chooses, ``"auto"`` by cohort size. Both find the same optimum.
    people:
        The people table as matched (extra columns kept), for metrics and fairness: with
        ``normalize`` (the default), names that compare equal are all spelt as the first
        spelling seen in the input (``Python``, ``python `` → ``Python``).
    seconds:
        Wall time of the match (reading, scoring and solving).
    scoring_seconds, solving_seconds:
        The engine's time split between scoring (with the rules) and solving.
    changes:
        After :func:`pairwell.rematch`: DataFrame with columns ``giver``, ``receiver``,
        ``status`` (``kept``, ``ended`` or ``new``) and ``reason`` (why an ended pair ended:
        ``left``, ``rule`` or ``replaced``; None for kept and new pairs). None after
        :func:`match`.
    """

    def __init__(self, native: Any, people: Any, seconds: float, inputs: tuple[Any, Any, Any, Any]) -> None:
        self._native = native
        self._inputs = inputs  # (native people, source table, columns, config): for pickling, .people
        self.program: str = native.program
        self.total: float = native.total
        self.solver_total: float = native.solver_total
        self.solver: str = native.solver
        self._people = people
        self.seconds = seconds
        self.warnings: list[str] = native.warnings()
        self.pairs = pd.DataFrame(native.pairs(), columns=native.pair_columns())
        self.unmatched = pd.DataFrame(native.unmatched(), columns=UNMATCHED_COLUMNS)
        self.scoring_seconds, self.solving_seconds = native.timings()
        changes = native.changes()
        self.changes: pd.DataFrame | None = None if changes is None else pd.DataFrame(changes, columns=CHANGE_COLUMNS)
        self._previous: tuple[list[tuple[str, str]], Any] | None = None  # (pairs, keep) of a re-matching
        self._metrics: dict[str, Any] | None = None

    @property
    def people(self) -> pd.DataFrame:
        """The people table as matched (extra columns kept), for metrics and fairness; with
        ``normalize``, each name spelt as the first spelling seen of the names it equals."""
        if self._people is None:
            native, source, columns, _ = self._inputs
            self._people = _frame(native, source, columns, self._native.people_columns())
        return self._people

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
        they have at least one receiver. When config ``floors`` groups receivers by ``by``, three
        more columns set each group's floor beside its rate: ``receivers``, ``receivers_matched``
        and ``floor`` (the receivers the floor requires matched; 0 for a group without one). A
        giver floor by ``by`` adds ``givers``, ``givers_matched`` and ``giver_floor`` likewise.
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
        out = out.reset_index()[[by, "participants", "matched", "match_rate", "mean_score"]]
        names = out[by].map(_group_name)
        for floor_by, side, floors in self._native.floors():
            if floor_by != by:
                continue
            side_ids = pd.Index(givers if side == "giver" else receivers)
            per_group = pd.DataFrame(
                {
                    "group": groups.reindex(side_ids).map(_group_name).to_numpy(),
                    "matched": side_ids.isin(self.pairs[side]),
                }
            )
            counts = per_group.groupby("group", dropna=False)["matched"].agg(["size", "sum"])
            out[f"{side}s"] = names.map(counts["size"]).fillna(0).astype(int).to_numpy()
            out[f"{side}s_matched"] = names.map(counts["sum"]).fillna(0).astype(int).to_numpy()
            column = "floor" if side == "receiver" else "giver_floor"
            out[column] = names.map(dict(floors)).fillna(0).astype(int).to_numpy()
        return out

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

        Keys: ``score``, every component of :attr:`pairs` (custom criteria included),
        ``logistics``, ``timezone_gap``, ``shared_language``, ``allowed``, ``rule`` (the rule that
        forbids the pair, else None; a hard criterion by its name),
        ``matched``, and ``regret``: how much the optimal total drops if this pair is forced in
        (0 for a chosen pair, None for a forbidden one), computed exactly from the solver's dual
        potentials.
        """
        return self._native.explain(_id(giver), _id(receiver))

    def recommend(self, id: str | int, k: int = 5) -> pd.DataFrame:
        """The best ``k`` partners of the person ``id``, best first (fewer if they have fewer).

        The person may be a giver or a receiver (or both: partners on both sides ranked
        together). Partners are the people the matching could pair them with: every hard rule
        holds, the giver has capacity, and no pin has taken the pair's receiver or every place
        of its giver (a pinned pair is listed, as matched). Ties in score go by partner id.

        Columns: ``id``, ``side`` (the person's side), ``partner``, ``rank`` (1 for the best),
        ``score`` and its breakdown (the columns of :attr:`pairs`), ``matched`` (the matching
        has the pair), ``partner_has_room`` (a giver partner has a place left, a receiver
        partner has no giver) and ``regret``: how much the optimal total drops if the pair is
        forced in (0 for a matched pair), exactly as :meth:`explain` computes it.

        Raises :class:`pairwell.CohortError` for an unknown id (as :meth:`explain` does) and
        for a person in neither side of the program.
        """
        from pairwell.recommend import _k, recommend_frame

        return recommend_frame(self._native.recommend(_id(id), _k(k)))

    def verify(self) -> None:
        """Prove :attr:`total` optimal with the solver's dual certificate.

        Raises :class:`pairwell.CertificateError` if any condition fails.
        """
        self._native.verify()

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain Python values (JSON-safe: None where a number is undefined):
        ``program``, ``total``, ``solver_total``, ``pairs`` and ``unmatched`` (lists of
        records), ``metrics``, ``settings`` and ``warnings``; after :func:`pairwell.rematch`,
        ``changes`` too."""
        changes = {} if self.changes is None else {"changes": self.changes.to_dict("records")}
        return _json_safe(
            {
                "program": self.program,
                "total": self.total,
                "solver_total": self.solver_total,
                **changes,
                "pairs": self.pairs.to_dict("records"),
                "unmatched": self.unmatched.to_dict("records"),
                "metrics": self.metrics,
                "settings": self.settings,
                "warnings": list(self.warnings),
            }
        )

    def to_json(self, **kwargs: Any) -> str:
        """:meth:`to_dict` as JSON text (never NaN: ``null`` instead); ``kwargs`` go to
        :func:`json.dumps`."""
        return json.dumps(self.to_dict(), allow_nan=False, **kwargs)

    def to_arrow(self) -> dict[str, Any]:
        """``{"pairs": pyarrow.Table, "unmatched": pyarrow.Table}`` (needs ``pairwell[arrow]``)."""
        import pyarrow as pa

        return {
            "pairs": pa.Table.from_pandas(self.pairs, preserve_index=False),
            "unmatched": pa.Table.from_pylist(
                self.unmatched.to_dict("records"),
                schema=pa.schema(
                    [
                        ("id", pa.string()),
                        ("side", pa.string()),
                        ("reason", pa.string()),
                        ("detail", pa.map_(pa.string(), pa.int64())),
                    ]
                ),
            ),
        }

    def to_polars(self) -> dict[str, Any]:
        """``{"pairs": polars.DataFrame, "unmatched": polars.DataFrame}`` (needs
        ``pairwell[polars]``)."""
        import polars as pl

        unmatched = [
            {**u, "detail": [{"rule": k, "count": v} for k, v in u["detail"].items()]}
            for u in self.unmatched.to_dict("records")
        ]
        return {
            "pairs": pl.DataFrame(self.pairs.to_dict("list")),
            "unmatched": pl.DataFrame(
                unmatched,
                schema={
                    "id": pl.String,
                    "side": pl.String,
                    "reason": pl.String,
                    "detail": pl.List(pl.Struct({"rule": pl.String, "count": pl.Int64})),
                },
            ),
        }

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # The engine's state is rebuilt by matching the same people again: deterministic, so
        # the copy has the same pairs, explanations and certificate.
        native, source, columns, config = self._inputs
        return (_rebuild, (native, self.program, config, source, columns, self.seconds, self._previous))

    def __repr__(self) -> str:
        return (
            f"MatchResult(program={self.program!r}, pairs={len(self.pairs)}, "
            f"unmatched={len(self.unmatched)}, total={self.total:.4f})"
        )


def _rebuild(
    native: Any,
    program: str,
    config: Any,
    source: Any,
    columns: Any,
    seconds: float,
    previous: tuple[list[tuple[str, str]], Any] | None = None,
) -> MatchResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        if previous is None:
            native_result = _core.match_people(native, program, config)
        else:
            native_result = _core.rematch_people(native, program, config, *previous)
    result = MatchResult(native_result, None, seconds, (native, source, columns, config))
    result._previous = previous
    return result


def match(
    people: PeopleLike, program: str, config: ConfigLike = None, columns: Mapping[str, str] | None = None
) -> MatchResult:
    """Pair people for ``program`` and return the optimal matching: the one with the largest
    **total** score (not the largest mean) under the rules and capacities.

    Parameters
    ----------
    people:
        A DataFrame, a list of dicts, an Arrow table or polars frame (anything with
        ``__arrow_c_stream__``, or a LazyFrame), or a path to a ``.csv``, ``.tsv``, ``.json``,
        ``.jsonl``/``.ndjson`` or ``.parquet`` file in the people schema (see
        :mod:`pairwell.people`).
    program:
        ``"mentoring"`` (mentor → mentee), ``"sponsoring"`` (sponsor → protege) or
        ``"reverse_mentoring"`` (reverse_mentor, the junior expert → reverse_mentee, the senior
        learner).
    config:
        A dict, or a path to a TOML (or JSON) file, with any of the keys ``weights``,
        ``window``, ``gap_bounds``, ``allow_same_department``, ``never``, ``pin``,
        ``min_score``, ``timezone_weight``, ``max_timezone_gap``, ``language_weight``,
        ``require_shared_language``, ``normalize`` (default true: names compared trimmed and
        case-folded), ``unknown_manager`` (``"error"``, the default, or ``"ignore"``),
        ``solver``, ``candidates``, ``criteria`` (custom criteria; see the README's "Designing a
        program"), ``objective`` (``"score"``, the default: the largest total score;
        ``"participation"``: the most receivers matched, then the largest total score), and
        ``floors``: a list of at most one table per side, ``{"by": column, "rate": r}`` (each
        group of the column has at least ``ceil(r * size)`` receivers matched) or ``{"by":
        column, "min": {group: count}}``, with ``"side": "giver"`` to count givers instead (a
        giver is matched with at least one receiver); a floor no matching meets raises
        :class:`pairwell.InfeasibleError` naming the group and how many of it any matching
        reaches. Unknown keys are errors.
    columns:
        Renames input columns to fields, e.g. ``{"Employee ID": "id", "Job Level": "level"}``.

    Raises
    ------
    CohortError
        Every problem of the people table at once (``.problems``): duplicate ids, missing or
        NaN levels, unknown managers, manager cycles, bad fields.
    ConfigError
        Unknown program or config key, values out of range, unknown ids in ``never`` or
        ``pin``, a pin that breaks a rule or a capacity. Both are ``ValueError`` subclasses.
    """
    return _run(people, program, config, columns)


def _run(
    people: PeopleLike,
    program: str,
    config: ConfigLike,
    columns: Mapping[str, str] | None,
    previous: tuple[list[tuple[str, str]], Any] | None = None,
) -> MatchResult:
    """:func:`match`, or with ``previous`` (pairs, keep) the re-matching of :func:`pairwell.rematch`;
    the engine's warnings are raised as ``UserWarning`` at the caller's caller."""
    if program not in PROGRAMS:
        raise ConfigError(f"unknown program {program!r}; expected one of {', '.join(PROGRAMS)}")
    engine_config = _config(config)
    start = time.perf_counter()
    native_people, _, source = to_native(people, columns)
    if previous is None:
        native = _core.match_people(native_people, program, engine_config)
    else:
        native = _core.rematch_people(native_people, program, engine_config, *previous)
    inputs = (native_people, source, columns, engine_config)
    result = MatchResult(native, None, time.perf_counter() - start, inputs)
    result._previous = previous
    for warning in result.warnings:
        warnings.warn(warning, UserWarning, stacklevel=3)
    return result
