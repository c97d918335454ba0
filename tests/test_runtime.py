"""How native calls behave inside a process: forked children, Ctrl-C, and the state left behind."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import textwrap

import numpy as np
import pairwell
import pytest


def _child_work() -> tuple[float, float]:
    """What a forked worker does: a parallel match and a parallel batch of solves."""
    result = pairwell.match(pairwell.sample_cohort(300, seed=3), "mentoring")
    batch = pairwell.solve_batch([np.arange(16.0).reshape(4, 4)] * 4)
    return result.total, sum(a.objective for a in batch)


# Python 3.12+ warns that fork() in a process with threads may deadlock the child; pairwell's
# worker threads are exactly what this test forks over.
@pytest.mark.filterwarnings("ignore:.*multi-threaded.*:DeprecationWarning")
def test_a_forked_child_works_after_the_parent_ran_in_parallel() -> None:
    expected = _child_work()  # starts the parent's worker threads
    context = multiprocessing.get_context("fork")
    with context.Pool(2) as workers:
        results = [workers.apply_async(_child_work) for _ in range(2)]
        # Before the fix, a forked child waited forever on the parent's (absent) threads.
        assert [r.get(timeout=120) for r in results] == [expected, expected]
    assert _child_work() == expected  # and the parent still works


INTERRUPTED = textwrap.dedent(
    """
    import os, signal, threading, time
    import numpy as np
    import pairwell

    def interrupt_after(seconds):
        def fire():
            time.sleep(seconds)
            sent[0] = time.perf_counter()
            os.kill(os.getpid(), signal.SIGINT)
        sent = [None]
        threading.Thread(target=fire, daemon=True).start()
        return sent

    n = 4000  # Machol-Wien at n = 4000 takes tens of seconds to solve
    machol_wien = np.multiply.outer(np.arange(1.0, n + 1), np.arange(1.0, n + 1))
    cases = {
        "solve": lambda: pairwell.solve(machol_wien),
        "solve_batch": lambda: pairwell.solve_batch([machol_wien[:1500, :1500]] * 8),
    }
    for name, call in cases.items():
        sent = interrupt_after(1.0)
        try:
            call()
            print(name, "finished")
        except KeyboardInterrupt:
            print(name, "interrupted", time.perf_counter() - sent[0])
    # Nothing is left poisoned: the next calls run in parallel as usual.
    small = np.array([[4.0, 1.0, 3.0], [2.0, 0.0, 5.0], [3.0, 2.0, 2.0]])
    print("next", pairwell.solve(small).objective, len(pairwell.match(pairwell.sample_cohort(200), "mentoring").pairs))
    """
)


def test_ctrl_c_interrupts_a_solve_within_half_a_second() -> None:
    run = subprocess.run([sys.executable, "-c", INTERRUPTED], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    lines = [line.split() for line in run.stdout.splitlines()]
    assert [line[:2] for line in lines[:2]] == [["solve", "interrupted"], ["solve_batch", "interrupted"]], run.stdout
    for line in lines[:2]:
        assert float(line[2]) < 0.5, run.stdout
    assert lines[2][:2] == ["next", "5.0"] and int(lines[2][2]) > 0, run.stdout
