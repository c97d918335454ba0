"""Robustness of the public API at its edges (issue 11).

What is checked:

- Out of memory is a ``MemoryError`` naming the bytes needed, never an abort: a cost matrix
  whose working copy cannot be allocated, in a child process whose address space is capped
  (``RLIMIT_AS``), so the test is safe on any machine; the child keeps working afterwards.
- ``compare(seed=...)``, ``fairness(by=...)`` and ``MatchResult.total`` at their edges: a typed
  error naming the argument, and never a ``-0.0`` total.
- A hypothesis fuzz of every public function (the solver's entry points, ``Assignment.verify``,
  ``sample_cohort``, ``read_people``, ``match``, ``compare`` and the ``MatchResult`` methods):
  whatever the arguments, only the documented exceptions come out (``PairwellError`` and its
  subclasses, ``TypeError``, ``MemoryError``), never a ``KeyError``, ``OverflowError``, a bare
  ``ValueError`` or a Rust panic. The examples are derandomised, so every run tries the same.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap

import numpy as np
import pairwell
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

# --------------------------------------------------------------------------------------------
# Out of memory
# --------------------------------------------------------------------------------------------

OUT_OF_MEMORY = textwrap.dedent(
    """
    import resource
    import numpy as np
    import pairwell

    # Cap the address space a little above what this process already maps: any large buffer
    # then fails to allocate, whatever the machine's memory.
    with open("/proc/self/status") as status:
        mapped_kib = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
    limit = (mapped_kib + 1024 * 1024) * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    # issue 11: this aborted the interpreter ("memory allocation of 48000000000 bytes failed").
    wide = np.broadcast_to(np.arange(60000.0), (100000, 60000))
    calls = {
        "linear_sum_assignment": lambda: pairwell.linear_sum_assignment(wide),
        "solve maximize": lambda: pairwell.solve(wide[:20000], maximize=True),
        "sample_cohort": lambda: pairwell.sample_cohort(30_000_000),
    }
    for name, call in calls.items():
        try:
            call()
            print(name, "returned")
        except MemoryError as exc:
            print(name, "MemoryError:", exc)
    print("after:", pairwell.linear_sum_assignment(1 - np.eye(3))[1].tolist())
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and caps RLIMIT_AS")
def test_out_of_memory_is_a_memory_error_naming_the_bytes() -> None:
    run = subprocess.run([sys.executable, "-c", OUT_OF_MEMORY], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    assert lines == [
        "linear_sum_assignment MemoryError: not enough memory: a float64 copy of a 100000x60000 cost matrix "
        "needs 48000000000 bytes",
        "solve maximize MemoryError: not enough memory: a float64 copy of a 20000x60000 cost matrix "
        "needs 9600000000 bytes",
        lines[2],
        "after: [0, 1, 2]",
    ]
    assert lines[2].startswith(
        "sample_cohort MemoryError: not enough memory: a sample cohort of 30000000 people needs "
    )


# --------------------------------------------------------------------------------------------
# The matching API at its edges
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def result() -> pairwell.MatchResult:
    return pairwell.match(pairwell.sample_cohort(120, seed=5), "mentoring")


def test_compare_seed_out_of_range_or_of_the_wrong_type(result: pairwell.MatchResult) -> None:
    for seed in (2**64, -1):
        with pytest.raises(pairwell.ConfigError, match="seed must be a non-negative integer below 2\\*\\*64"):
            result.compare(seed=seed)
    for seed in (1.5, None, True, "1"):
        with pytest.raises(TypeError, match="seed must be an integer"):
            result.compare(seed=seed)  # type: ignore[arg-type]
    assert list(result.compare(seed=2**64 - 1)["method"]) == ["optimal", "greedy", "random", "stable"]


def test_fairness_by_must_name_one_column(result: pairwell.MatchResult) -> None:
    for by in (["level"], ("level",), None, 3):
        with pytest.raises(TypeError, match="fairness: by must be the name of one column"):
            result.fairness(by)  # type: ignore[arg-type]
    assert "participants" in result.fairness("level").columns


def test_totals_are_never_negative_zero() -> None:
    # Nobody can be matched: two mentors and no mentee.
    people = [{"id": i, "level": 6, "roles": ["mentor"]} for i in ("a", "b")]
    result = pairwell.match(people, "mentoring")
    for total in (result.total, result.metrics["total"]):
        assert total == 0.0 and np.copysign(1.0, total) == 1.0


# --------------------------------------------------------------------------------------------
# Fuzzing the whole public API
# --------------------------------------------------------------------------------------------

#: What the public functions document that they raise.
DOCUMENTED = (pairwell.PairwellError, TypeError, MemoryError)

FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**64 - 1, 2**64, -(2**63) - 1, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=4),
    st.binary(max_size=3),
    st.complex_numbers(max_magnitude=10),
)
anything = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=3), inner, max_size=3), st.tuples(inner, inner)
    ),
    max_leaves=10,
)
float_entries = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, 1e308, -1e308, 1.7e308, -1.7e308, 5e-324, np.inf, -np.inf]),
)
float_matrices = hnp.arrays(
    np.float64, hnp.array_shapes(min_dims=2, max_dims=2, min_side=0, max_side=6), elements=float_entries
)
odd_arrays = hnp.arrays(
    st.sampled_from(
        [
            np.float32,
            np.int64,
            np.uint64,
            np.int8,
            np.bool_,
            np.complex128,
            np.longdouble,
            "U2",
            "M8[s]",
            "m8[s]",
            object,
        ]
    ),
    hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
)
cost_likes = st.one_of(float_matrices, float_matrices, odd_arrays, anything)
capacities = st.one_of(
    st.none(), st.lists(st.one_of(st.integers(min_value=-2, max_value=4), scalars), max_size=7), anything
)


def documented_only(call, *args, **kwargs):
    """Calls ``call`` and lets only documented exceptions out (returns them, so the test can
    go on with what did work)."""
    try:
        return call(*args, **kwargs)
    except DOCUMENTED as exc:
        return exc


@FUZZ
@given(cost=cost_likes, maximize=st.booleans())
def test_fuzz_linear_sum_assignment(cost, maximize):
    out = documented_only(pairwell.linear_sum_assignment, cost, maximize=maximize)
    if isinstance(out, tuple):
        rows, cols = out
        assert rows.dtype == cols.dtype == np.intp and len(rows) == len(cols)


@FUZZ
@given(cost=cost_likes, maximize=st.booleans(), caps=capacities, allow_unmatched=st.booleans())
def test_fuzz_solve_and_verify(cost, maximize, caps, allow_unmatched):
    out = documented_only(pairwell.solve, cost, maximize=maximize, capacities=caps, allow_unmatched=allow_unmatched)
    if isinstance(out, pairwell.Assignment):
        out.verify(cost)  # a solved assignment always verifies
        # and a tampered one either verifies (it is still optimal) or fails cleanly
        if len(out.rows):
            tampered = dataclasses.replace(out, rows=out.rows[::-1].copy(), objective=out.objective + 1.0)
            documented_only(tampered.verify, cost)


@FUZZ
@given(costs=st.one_of(st.lists(cost_likes, max_size=3), anything), maximize=st.booleans())
def test_fuzz_solve_batch(costs, maximize):
    documented_only(pairwell.solve_batch, costs, maximize=maximize)


@FUZZ
@given(
    rows=st.one_of(hnp.arrays(np.int64, st.integers(0, 3), elements=st.integers(-(2**63), 2**63 - 1)), anything),
    cols=st.one_of(hnp.arrays(np.int64, st.integers(0, 3), elements=st.integers(-3, 5)), anything),
    duals=st.one_of(st.lists(float_entries, min_size=0, max_size=4), anything),
    objective=st.one_of(float_entries, scalars),
)
def test_fuzz_verify_of_made_up_assignments(rows, cols, duals, objective):
    cost = np.arange(9.0).reshape(3, 3)
    made_up = pairwell.Assignment(rows, cols, objective, duals, duals)
    documented_only(made_up.verify, cost)


@FUZZ
@given(
    n=st.one_of(st.integers(min_value=-3, max_value=40), st.sampled_from([2**64 - 1, 2**64, 10**12, 2**50]), scalars),
    seed=st.one_of(st.integers(min_value=-(2**65), max_value=2**65), scalars),
)
def test_fuzz_sample_cohort(n, seed):
    documented_only(pairwell.sample_cohort, n, seed=seed)


ids = st.sampled_from(["a", "b", "c", "d"])
people_values = {
    "id": st.one_of(ids, ids, scalars),
    "level": st.one_of(st.integers(1, 8), st.integers(1, 8), scalars),
    "skills": st.one_of(st.dictionaries(st.sampled_from(["python", "sql"]), st.integers(0, 5)), anything),
    "goals": st.one_of(st.lists(st.sampled_from(["python", "sql"]), max_size=2), anything),
    "expertise": st.one_of(st.lists(st.sampled_from(["python", "sql"]), max_size=2), anything),
    "roles": st.one_of(st.lists(st.sampled_from(["mentor", "mentee", "sponsor", "protege"]), max_size=2), anything),
    "capacity": st.one_of(st.integers(0, 3), scalars),
    "manager": st.one_of(st.none(), ids, scalars),
    "department": st.one_of(st.sampled_from(["eng", "ops"]), scalars),
    "timezone": st.one_of(st.integers(-12, 14), scalars),
    "languages": st.one_of(st.lists(st.sampled_from(["en", "fr"]), max_size=2), anything),
    "target": st.one_of(st.none(), st.sampled_from(["eng", "ops"]), scalars),
}
person = st.fixed_dictionaries(
    {"id": people_values["id"], "level": people_values["level"]},
    optional={k: v for k, v in people_values.items() if k not in ("id", "level")},
)
people_likes = st.one_of(st.lists(person, max_size=6), st.lists(person, max_size=6), anything)
configs = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(["min_score", "same_department", "never", "pin", "window", "weights", "max_timezone_gap", "x"]),
        anything,
        max_size=3,
    ),
    anything,
)
programs = st.one_of(st.sampled_from(list(pairwell.PROGRAMS)), scalars)


@FUZZ
@given(people=people_likes)
def test_fuzz_read_people(people):
    documented_only(pairwell.read_people, people)


@FUZZ
@given(people=people_likes, program=programs, config=configs, args=st.tuples(anything, anything), seed=anything)
def test_fuzz_match_and_its_result(people, program, config, args, seed):
    result = documented_only(pairwell.match, people, program, config)
    if not isinstance(result, pairwell.MatchResult):
        return
    result.verify()
    documented_only(result.explain, *args)
    for giver in result.pairs["giver"][:1]:
        for receiver in result.pairs["receiver"][:2]:
            documented_only(result.explain, giver, receiver)
    documented_only(result.fairness, args[0])
    documented_only(result.fairness, "level")
    documented_only(result.compare, seed)


@FUZZ
@given(people=st.lists(person, max_size=6), program=programs, seed=anything)
def test_fuzz_compare(people, program, seed):
    documented_only(pairwell.compare, people, program, seed=seed)
