"""The type stubs of the native module match what the binding really exports (mypy's
stubtest), and the package ships its ``py.typed`` marker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pairwell
import pytest


def test_package_is_marked_typed():
    assert (Path(pairwell.__file__).parent / "py.typed").exists()


def test_native_stubs_match_the_binding():
    pytest.importorskip("mypy")
    run = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "pairwell._core"], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
