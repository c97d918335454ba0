"""Recommendations ("self-match"): each person's best partners, ranked.

:meth:`pairwell.MatchResult.recommend` ranks one person's partners after a match, with whether
each pair is matched, whether the partner has room and the exact regret of each;
:func:`recommend` ranks many people's partners without solving, in parallel.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from pairwell import _core
from pairwell._core import ConfigError
from pairwell.matching import PAIR_COLUMNS, PROGRAMS, ConfigLike, _config, _id
from pairwell.people import PeopleLike, to_native

__all__ = ["RECOMMEND_COLUMNS", "SUGGEST_COLUMNS", "recommend"]

#: Columns of :func:`recommend`: the person, their side, the partner, the rank, then the score
#: and every column of its breakdown, as in :attr:`pairwell.MatchResult.pairs` (custom criteria
#: and ``preference``, when a program has them, follow the five built-in components).
SUGGEST_COLUMNS: list[str] = [
    "id",
    "side",
    "partner",
    "rank",
    *(c for c in PAIR_COLUMNS if c not in ("giver", "receiver", "pinned")),
]

#: Columns of :meth:`pairwell.MatchResult.recommend`: :data:`SUGGEST_COLUMNS`, then
#: ``matched``, ``partner_has_room`` and ``regret``.
RECOMMEND_COLUMNS: list[str] = [*SUGGEST_COLUMNS, "matched", "partner_has_room", "regret"]


def _k(k: Any) -> int:
    """``k`` checked: a whole number, 0 or more."""
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"recommend: k must be a whole number, got {type(k).__name__}")
    if k < 0:
        raise ConfigError(f"recommend: k must be 0 or more, got {k}")
    return k


def recommend_frame(found: tuple[list[str], list[dict[str, Any]]]) -> pd.DataFrame:
    """The engine's ``(columns, rows)`` as a DataFrame, ``rank`` as whole numbers."""
    columns, rows = found
    frame = pd.DataFrame.from_records(rows, columns=columns)
    # Ranks read as whole numbers except in an empty frame; casting copies every column, so
    # only that one is cast.
    if frame["rank"].dtype != "int64":
        frame = frame.astype({"rank": "int64"})
    return frame


def recommend(
    people: PeopleLike,
    program: str,
    ids: Iterable[str | int] | str | int | None = None,
    k: int = 5,
    config: ConfigLike = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The best ``k`` partners of each person in ``ids``, without solving.

    Every allowed pair of the people asked about is scored in parallel (without the GIL). A
    person may be a giver or a receiver (or both: their partners on both sides are ranked
    together). The hard rules (opt-in, reporting chain, seniority bounds, same department,
    ``never``, time-zone and language rules, ``min_score``) exclude pairs exactly as
    :func:`pairwell.match` does, and givers with capacity 0 have no partners; pins do not
    restrict recommendations, as nothing is matched. For whether a pair is in the optimal
    matching and what choosing it costs, match first and use
    :meth:`pairwell.MatchResult.recommend`.

    Parameters
    ----------
    people, program, config, columns:
        As for :func:`pairwell.match`.
    ids:
        One id or a list of ids; ``None`` (the default) is every receiver of the program.
    k:
        How many partners per person (fewer where a person has fewer).

    Returns
    -------
    pandas.DataFrame
        One row per recommended partner, grouped by person in the order asked and best first:
        ``id``, ``side`` (the person's side), ``partner``, ``rank`` (1 for the best), ``score``
        and its breakdown (the columns of :attr:`pairwell.MatchResult.pairs`). Ties in score
        are broken by partner id.

    Raises
    ------
    CohortError
        As :func:`pairwell.match`, and for an unknown id or a person in neither side of the
        program.
    ConfigError
        As :func:`pairwell.match`, and for a negative ``k``.
    """
    if program not in PROGRAMS:
        raise ConfigError(f"unknown program {program!r}; expected one of {', '.join(PROGRAMS)}")
    k = _k(k)
    if ids is not None:
        ids = [_id(ids)] if isinstance(ids, (str, int)) else [_id(i) for i in ids]
    native_people, _, _ = to_native(people, columns)
    return recommend_frame(_core.recommend(native_people, program, ids, k, _config(config)))
