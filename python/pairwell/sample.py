"""Seeded synthetic cohorts: realistic organisations to try, test and benchmark matching on."""

from __future__ import annotations

import pandas as pd

from pairwell import _core
from pairwell._core import PairwellError
from pairwell.people import FIELDS

__all__ = ["sample_cohort"]


def sample_cohort(n: int, seed: int = 0) -> pd.DataFrame:
    """A synthetic organisation of ``n`` people as a DataFrame in the people schema.

    A pyramid of levels (1 = entry to 8 = the chief executive), ten departments, a reporting
    tree (most people report within their department one or two levels up), teams sharing a
    regional hub (time zone and language), skills that follow department and level (seniors
    master the classics of their field, juniors the newer tools), goals people have not
    mastered yet, expertise, destinations (``target``) for some of those still climbing, and
    opt-ins with realistic shares: sponsors and protégés are rarer, reverse mentors are juniors
    with expertise in tools that seniors want. The same ``seed`` gives the same cohort.
    100,000 people take well under a second.

    Raises ``TypeError`` unless ``n`` and ``seed`` are integers, :class:`pairwell.PairwellError`
    when either is negative or not below 2**64, and ``MemoryError`` (naming the bytes needed)
    when ``n`` people cannot be allocated.
    """
    for name, value in (("n", n), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"sample_cohort: {name} must be an integer, got {value!r}")
        if not 0 <= value < 2**64:
            raise PairwellError(f"sample_cohort: {name} must be a non-negative integer below 2**64, got {value!r}")
    columns = _core.sample_cohort(n, seed)
    frame = pd.DataFrame(columns, columns=list(FIELDS))
    return frame.astype({"level": "float64", "timezone": "float64", "capacity": "int64"})
