"""scipy's own tests of ``linear_sum_assignment``, run against pairwell's.

The file ``scipy/optimize/tests/test_linear_assignment.py`` of the installed scipy (its wheels
ship their tests) is copied as it is, with only its import of ``linear_sum_assignment``
swapped for pairwell's, and run in a fresh pytest: every test it holds must pass (22 in scipy
1.17), the error messages they match included, and none may be skipped.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import scipy

SCIPY_IMPORT = "from scipy.optimize import linear_sum_assignment\n"
PAIRWELL_IMPORT = "from pairwell import linear_sum_assignment\n"


def test_scipy_linear_assignment_suite_passes_unmodified(tmp_path: Path) -> None:
    source = Path(scipy.__file__).parent / "optimize" / "tests" / "test_linear_assignment.py"
    text = source.read_text(encoding="utf-8")
    assert text.count(SCIPY_IMPORT) == 1, f"{source} no longer imports linear_sum_assignment as expected"
    (tmp_path / "test_pairwell_as_scipy.py").write_text(text.replace(SCIPY_IMPORT, PAIRWELL_IMPORT), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    summary = run.stdout.strip().splitlines()[-1]
    passed = re.match(r"(\d+) passed(, \d+ warnings?)? in ", summary)
    assert passed and int(passed.group(1)) >= 20, summary
