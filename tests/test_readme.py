"""The README's examples run and print what the README says they print."""

from __future__ import annotations

import contextlib
import doctest
import io
import re
from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_first_call_prints_what_the_readme_shows():
    match = re.search(r"## A first call\n\n```python\n(.*?)```\n\n```text\n(.*?)```", README, re.S)
    assert match, "the README lost its first-call example"
    code, expected = match.groups()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue() == expected


def test_solver_session_is_a_passing_doctest():
    sessions = [block for block in re.findall(r"```python\n(.*?)```", README, re.S) if block.startswith(">>>")]
    assert sessions, "the README lost its solver session"
    for block in sessions:
        test = doctest.DocTestParser().get_doctest(block, {}, "README", "README.md", 0)
        runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
        runner.run(test)
        assert runner.tries > 0 and runner.failures == 0
