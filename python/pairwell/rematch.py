"""Re-matching: :func:`rematch` pairs a cohort again after people joined or left, keeping the
previous pairs that still make sense."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Union

import pandas as pd

from pairwell._core import ConfigError
from pairwell.matching import ConfigLike, MatchResult, _run
from pairwell.people import PeopleLike

__all__ = ["PreviousLike", "rematch"]

#: What :func:`rematch` accepts as the previous matching.
PreviousLike = Union[MatchResult, pd.DataFrame, Sequence[Mapping[str, Any]], str, "os.PathLike[str]"]


def _previous_frame(previous: PreviousLike) -> pd.DataFrame:
    """The previous pairs as a DataFrame with (at least) ``giver`` and ``receiver``."""
    if isinstance(previous, MatchResult):
        return previous.pairs
    if isinstance(previous, pd.DataFrame):
        return previous
    if isinstance(previous, (str, os.PathLike)):
        path = Path(previous)
        if not path.is_file():
            raise ConfigError(f"previous: file {str(path)!r} does not exist")
        if path.suffix.lower() != ".csv":
            raise ConfigError(f"previous: file {str(path)!r} must be a .csv of pairs (columns giver, receiver)")
        # Ids as written: text, leading zeros kept; empty cells stay empty, not NaN.
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    if isinstance(previous, Sequence) and not isinstance(previous, (bytes, bytearray)):
        rows = list(previous)
        for row, record in enumerate(rows):
            if not isinstance(record, Mapping):
                raise TypeError(
                    f"previous: row {row} must be a dict with giver and receiver, got {type(record).__name__}"
                )
        return pd.DataFrame(rows, columns=list(dict.fromkeys(key for r in rows for key in r)) or ["giver", "receiver"])
    raise TypeError(
        "previous must be a MatchResult, a DataFrame or list of dicts with columns giver and receiver, "
        f"or the path of a CSV of pairs; got {type(previous).__name__}"
    )


def _cell_id(value: Any, row: int, column: str) -> str:
    """An id cell of the previous pairs: text, or a whole number written without a fraction."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, str) and value.strip():
        return value
    raise ConfigError(f"previous: row {row} column {column!r} must be an id (text or a whole number), got {value!r}")


def _previous_pairs(previous: PreviousLike) -> list[tuple[str, str]]:
    """The ``(giver, receiver)`` ids of the previous pairs, checked row by row."""
    frame = _previous_frame(previous)
    missing = [c for c in ("giver", "receiver") if c not in frame.columns]
    if missing:
        have = ", ".join(map(str, frame.columns)) or "none"
        raise ConfigError(f"previous: missing column(s) {', '.join(missing)}; it has {have}")
    return [
        (_cell_id(g, row, "giver"), _cell_id(r, row, "receiver"))
        for row, (g, r) in enumerate(zip(frame["giver"], frame["receiver"]))
    ]


def _keep(keep: Any) -> float | str:
    """``keep`` checked: a finite number >= 0, or ``"all"``."""
    if isinstance(keep, str):
        if keep != "all":
            raise ConfigError(f'keep must be a number >= 0 or "all", got {keep!r}')
        return keep
    if isinstance(keep, bool) or not isinstance(keep, numbers.Real):
        raise TypeError(f'keep must be a number >= 0 or "all", got {type(keep).__name__}')
    if not (math.isfinite(keep) and keep >= 0):
        raise ConfigError(f'keep must be a finite number >= 0 or "all", got {keep!r}')
    return float(keep)


def rematch(
    previous: PreviousLike,
    people: PeopleLike,
    program: str,
    config: ConfigLike = None,
    keep: float | Literal["all"] = 0.05,
    columns: Mapping[str, str] | None = None,
) -> MatchResult:
    """Pair ``people`` again for ``program`` after a previous matching, keeping what still works.

    A previous pair *survives* when both people are still in the program, on the same sides,
    and no rule forbids the pair now. Each surviving pair gets ``keep`` added to its score in
    the solver's objective, so the optimum breaks it only where that raises the total by more
    than ``keep``; ``keep="all"`` pins every surviving pair instead (those that fit the givers'
    capacities, after config ``pin``). The result is the exact optimum of the shifted scores:
    :meth:`MatchResult.verify` proves it, :attr:`MatchResult.solver_total` is its value, and
    :attr:`MatchResult.total` stays the sum of the true pair scores.

    Parameters
    ----------
    previous:
        The previous matching: a :class:`MatchResult`, or a pairs table with columns ``giver``
        and ``receiver`` (a DataFrame, a list of dicts, or the path of a CSV file such as the
        one ``pairwell match --output`` writes); other columns are ignored.
    people, program, config, columns:
        As for :func:`pairwell.match`.
    keep:
        How much a surviving pair is worth keeping, in score units (default 0.05), or
        ``"all"``.

    Returns
    -------
    MatchResult
        With :attr:`MatchResult.changes`: one row per previous pair (``kept``, or ``ended``
        with the reason ``left``, ``rule`` or ``replaced``) and per ``new`` pair.

    Raises
    ------
    ConfigError
        A previous table without ``giver``/``receiver`` columns, a cell that is not an id (the
        row and column are named), a receiver in two previous pairs, ``keep`` negative or not
        finite; and everything :func:`pairwell.match` raises.
    TypeError
        ``previous`` or ``keep`` of the wrong type.
    """
    pairs = _previous_pairs(previous)
    return _run(people, program, config, columns, (pairs, _keep(keep)))
