"""The people table: reading it from DataFrames, records, CSV and JSON, and writing it to CSV.

One record per person. ``id`` and ``level`` are required; every other field has a default:

=========== ======================= ===========================================================
field       type                    meaning
=========== ======================= ===========================================================
id          str                     unique
level       number                  seniority; larger is more senior
skills      {str: number 0..5}      proficiency (default ``{}``)
goals       [str]                   skills or topics they want to develop
expertise   [str]                   domains they can teach
target      str or None             department they aim to rise in (a protégé's destination)
manager     str or None             id of their manager (the reporting chain)
department  str                     (default ``""``)
timezone    number                  UTC offset in hours (default 0)
languages   [str]                   (default ``[]``: no language constraint)
roles       [str]                   opt-ins: mentor, mentee, sponsor, protege, reverse_mentor,
                                    reverse_mentee
capacity    int >= 0                how many receivers a giver may take (default 1)
=========== ======================= ===========================================================

In CSV (spreadsheet-friendly), a dict field is written ``python:4;sql:3`` and a list field
``a;b;c``; an empty cell is an empty list, an empty dict or None. Other columns are kept in the
DataFrame (for :meth:`MatchResult.fairness`, say) but ignored by the engine.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Union

import pandas as pd

from pairwell._core import CohortError

__all__ = ["FIELDS", "ROLES", "PeopleLike", "read_people", "write_people_csv"]

#: The fields of the people schema, in table order.
FIELDS = (
    "id",
    "level",
    "skills",
    "goals",
    "expertise",
    "target",
    "manager",
    "department",
    "timezone",
    "languages",
    "roles",
    "capacity",
)
#: The opt-in roles.
ROLES = ("mentor", "mentee", "sponsor", "protege", "reverse_mentor", "reverse_mentee")

_LIST_FIELDS = ("goals", "expertise", "languages", "roles")
#: The engine stores capacities as 32-bit unsigned integers.
_MAX_CAPACITY = 2**32 - 1
_OPTIONAL_STR = ("target", "manager")

#: What :func:`pairwell.match` accepts as people.
PeopleLike = Union[pd.DataFrame, Sequence[Mapping[str, Any]], str, "os.PathLike[str]"]


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _where(position: int, pid: Any) -> str:
    return f"person {pid!r}" if pid is not None else f"person at position {position}"


def _number(value: Any, field: str, where: str) -> float:
    if isinstance(value, bool):
        raise CohortError(f"{where}: field {field!r} must be a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise CohortError(f"{where}: field {field!r} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise CohortError(f"{where}: field {field!r} is {number}, expected a finite number")
    return number


def _list(value: Any, field: str, where: str) -> list[str]:
    if _missing(value):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, (list, tuple, set, frozenset)) or hasattr(value, "tolist"):
        items = list(value.tolist() if hasattr(value, "tolist") else value)
        if all(isinstance(item, str) for item in items):
            return sorted(items) if isinstance(value, (set, frozenset)) else items
    raise CohortError(f"{where}: field {field!r} must be a list of strings or 'a;b;c', got {value!r}")


def _skills(value: Any, where: str) -> dict[str, float]:
    if _missing(value):
        return {}
    if isinstance(value, str):
        pairs = []
        for part in value.split(";"):
            if not part.strip():
                continue
            name, sep, level = part.partition(":")
            if not sep or not name.strip():
                raise CohortError(f"{where}: field 'skills' must look like 'python:4;sql:3', got {value!r}")
            pairs.append((name.strip(), level))
        value = dict(pairs)
    if not isinstance(value, Mapping):
        raise CohortError(f"{where}: field 'skills' must be a dict or 'python:4;sql:3', got {value!r}")
    skills = {}
    for name, level in value.items():
        number = _number(level, f"skills.{name}", where)
        if not 0 <= number <= 5:
            raise CohortError(f"{where}: field 'skills.{name}' is {number}, expected a proficiency from 0 to 5")
        skills[str(name)] = number
    return skills


def _record(position: int, raw: Mapping[str, Any]) -> dict[str, Any]:
    pid = raw.get("id")
    where = _where(position, None if _missing(pid) else pid)
    if _missing(pid):
        raise CohortError(f"{where}: field 'id' is missing")
    if isinstance(pid, float) and pid.is_integer():
        pid = int(pid)
    pid = str(pid)
    where = _where(position, pid)
    if _missing(raw.get("level")):
        raise CohortError(f"{where}: field 'level' is missing")
    record: dict[str, Any] = {"id": pid, "level": _number(raw["level"], "level", where)}
    record["skills"] = _skills(raw.get("skills"), where)
    for field in _LIST_FIELDS:
        record[field] = _list(raw.get(field), field, where)
    for role in record["roles"]:
        if role not in ROLES:
            raise CohortError(f"{where}: field 'roles' has unknown role {role!r}; expected one of {', '.join(ROLES)}")
    for field in _OPTIONAL_STR:
        value = raw.get(field)
        record[field] = (
            None if _missing(value) else str(int(value) if isinstance(value, float) and value.is_integer() else value)
        )
    department = raw.get("department")
    record["department"] = "" if _missing(department) else str(department)
    timezone = raw.get("timezone")
    record["timezone"] = 0.0 if _missing(timezone) else _number(timezone, "timezone", where)
    capacity = raw.get("capacity")
    if _missing(capacity):
        record["capacity"] = 1
    else:
        number = _number(capacity, "capacity", where)
        if number < 0 or not number.is_integer() or number > _MAX_CAPACITY:
            raise CohortError(
                f"{where}: field 'capacity' is {capacity!r}, expected a whole number from 0 to {_MAX_CAPACITY}"
            )
        record["capacity"] = int(number)
    return record


def read_people(people: PeopleLike) -> pd.DataFrame:
    """The people as a DataFrame, from a DataFrame, a list of dicts, or a CSV or JSON file.

    Fields are checked and decoded (CSV encodings, defaults for missing optional fields); extra
    columns are kept. Raises :class:`pairwell.CohortError` naming the field and the id.
    """
    if isinstance(people, pd.DataFrame):
        raw = people.to_dict("records")
        frame = people
    elif isinstance(people, (str, os.PathLike)):
        path = Path(people)
        if not path.exists():
            raise CohortError(f"people file {str(path)!r} does not exist")
        suffix = path.suffix.lower()
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        elif suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, Mapping) and "people" in data:
                data = data["people"]
            if not isinstance(data, list):
                raise CohortError(f"people file {str(path)!r} must hold a JSON list of records")
            frame = pd.DataFrame(data)
        else:
            raise CohortError(f"people file {str(path)!r} must end in .csv or .json")
        raw = frame.to_dict("records")
    elif isinstance(people, Sequence) and all(isinstance(p, Mapping) for p in people):
        raw = [dict(p) for p in people]
        frame = pd.DataFrame(raw)
    else:
        raise CohortError(
            f"people must be a DataFrame, a list of dicts, or a path to a CSV or JSON file; got {type(people).__name__}"
        )
    if not raw:
        raise CohortError("the cohort is empty: no people were given")
    records = [_record(i, r) for i, r in enumerate(raw)]
    clean = pd.DataFrame.from_records(records, columns=list(FIELDS))
    extra = [c for c in frame.columns if c not in FIELDS]
    for column in extra:
        clean[column] = frame[column].to_numpy()
    return clean


def to_engine_json(people: pd.DataFrame) -> str:
    """The engine's input: the schema fields of an already-read people table, as JSON text."""
    records = people[list(FIELDS)].to_dict("records")
    for record in records:
        for field in _OPTIONAL_STR:  # pandas' string columns hold None as NaN
            if _missing(record[field]):
                record[field] = None
    return json.dumps(records, allow_nan=False)


def _encode(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, Mapping):
        return ";".join(f"{k}:{v:g}" if isinstance(v, float) else f"{k}:{v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_people_csv(people: PeopleLike, path: str | os.PathLike[str]) -> None:
    """Write people as CSV in the spreadsheet-friendly encoding that :func:`read_people` reads."""
    frame = read_people(people)
    frame.map(_encode).to_csv(path, index=False)
