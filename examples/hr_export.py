"""A messy HR export, matched as it comes.

HR systems (Workday, BambooHR, SuccessFactors...) export their own column names, mixed-case
values, people whose manager has left the company, a CEO who is their own manager and the odd
duplicate row. This script writes such an export (a small fixture of its own), shows the
problems pairwell finds in it, then matches it with ``columns=`` and
``unknown_manager = "ignore"`` and writes the pairs to CSV and JSON.

    python examples/hr_export.py [OUTPUT_DIR]
"""

from __future__ import annotations

import json
import sys
import tempfile
import warnings
from pathlib import Path

import pairwell

EXPORT = """\
Employee ID,Job Level,Manager ID,Department,Programs,Wants To Learn,Can Teach,Languages
00100,9,00100,Executive,mentor,,Strategy;Negotiation,English
00123,6,00100,Engineering,mentor,,Python;SQL;Kubernetes,English;french
00124,6,136810,Sales,mentor,,Negotiation;Forecasting,english
00125,5,00123,ENGINEERING,mentor,,Python;Testing,English
00200,3,00123,engineering,mentee,python;testing,,English
00201,2,999999,SALES,mentee,negotiation,,ENGLISH
00201,2,999999,SALES,mentee,negotiation,,ENGLISH
00202,3,00124,Sales,mentee,strategy ;forecasting,,French
00203,2,00125,Finance,mentee,sql;Python,,English
"""

# The export's column names → pairwell's fields.
COLUMNS = {
    "Employee ID": "id",
    "Job Level": "level",
    "Manager ID": "manager",
    "Department": "department",
    "Programs": "roles",
    "Wants To Learn": "goals",
    "Can Teach": "expertise",
    "Languages": "languages",
}


def main(out: Path) -> pairwell.MatchResult:
    export = out / "hr_export.csv"
    export.write_text(EXPORT)

    # Without help, every problem of the file is listed at once, with its row, id and field.
    try:
        pairwell.match(export, "mentoring", columns=COLUMNS)
    except pairwell.CohortError as error:
        print(f"as exported: {len(error.problems)} problems")
        for problem in error.problems:
            print(f"  row {problem['row']} (id {problem['id']!r}) {problem['field']}: {problem['message']}")

    # Departed managers: treat each such person as the top of their known chain, and say so.
    # (The duplicate row of 00201 is dropped with a warning.)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        result = pairwell.match(export, "mentoring", {"unknown_manager": "ignore"}, columns=COLUMNS)
    for warning in result.warnings:
        print("warning:", warning)
    result.verify()  # the certificate: no other pairing scores more

    print(result.pairs[["giver", "receiver", "score"]].to_string(index=False))
    result.pairs.to_csv(out / "pairs.csv", index=False)
    (out / "pairs.json").write_text(json.dumps(result.to_dict()["pairs"], indent=1))
    print(f"wrote {out / 'pairs.csv'} and {out / 'pairs.json'}")
    return result


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            main(Path(tmp))
