"""The ``pairwell`` command: demo, match, rematch, compare and recommend from a terminal.

Exit codes: 0 on success, 2 on bad input (one line on stderr says what and where).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from importlib import resources
from typing import TextIO

import pandas as pd

from pairwell._core import PairwellError, __version__
from pairwell.compare import compare_result
from pairwell.matching import PROGRAMS, MatchResult, match
from pairwell.rematch import rematch

__all__ = ["main", "sample_cohort_path"]

_FLOAT = "{:.3f}".format


def sample_cohort_path() -> str:
    """Path of the sample cohort shipped in the package (600 people, seed 0)."""
    return str(resources.files("pairwell").joinpath("data", "sample_cohort.csv"))


class _Progress:
    """Stage-by-stage progress on stderr: a bar on a terminal, plain lines otherwise."""

    def __init__(self, total: int, stream: TextIO = sys.stderr) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.start = time.perf_counter()
        self.tty = stream.isatty()

    def step(self, label: str) -> None:
        self.done += 1
        elapsed = time.perf_counter() - self.start
        if self.tty:
            filled = int(30 * self.done / self.total)
            bar = "#" * filled + "-" * (30 - filled)
            end = "\n" if self.done == self.total else ""
            self.stream.write(f"\r[{bar}] {self.done}/{self.total} {label:<24} {elapsed:6.1f}s{end}")
        else:
            self.stream.write(f"[{self.done}/{self.total}] {label} ({elapsed:.1f}s)\n")
        self.stream.flush()


def _table(frame: pd.DataFrame, show: int | None = None, what: str = "rows") -> str:
    """The table as text; with ``show``, its first ``show`` rows and a line saying how many more
    there are."""
    if "seconds" in frame.columns:  # method run times are sub-millisecond on small cohorts
        frame = frame.assign(ms=frame["seconds"] * 1000).drop(columns="seconds")
    more = 0 if show is None else max(len(frame) - show, 0)
    text = frame.head(len(frame) - more).to_string(index=False, float_format=_FLOAT)
    return f"{text}\n... and {more} more {what}" if more else text


def _summary(result: MatchResult) -> str:
    m = result.metrics
    return (
        f"{result.program}: {len(result.pairs)} pairs, {len(result.unmatched)} unmatched, "
        f"total {m['total']:.3f}, mean score {m['mean_score']:.3f}, "
        f"{m['matched']:.0%} of receivers matched, {result.seconds:.2f}s "
        f"(scoring {result.scoring_seconds:.2f}s, solving {result.solving_seconds:.2f}s)"
    )


#: Columns of a recommendation as the terminal shows it (the full breakdown is in the API).
_RECOMMEND_SHOWN = ["rank", "side", "partner", "score", "matched", "partner_has_room", "regret"]


def _recommendation(result: MatchResult, person: str, k: int) -> str:
    table = result.recommend(person, k)
    head = f"{result.program}: best {len(table)} partners of {person} (regret: what the optimal total loses if paired)"
    return f"{head}\n{_table(table[_RECOMMEND_SHOWN])}"


def _demo(args: argparse.Namespace) -> None:
    people = args.people or sample_cohort_path()
    progress = _Progress(len(PROGRAMS))
    sections = []
    for program in PROGRAMS:
        result = match(people, program)
        result.verify()
        table = compare_result(result, args.seed)
        progress.step(program)
        sections.append(f"{_summary(result)}\n{_table(table)}")
        if program == PROGRAMS[0] and len(result.pairs):
            sections.append(_recommendation(result, result.pairs["receiver"].iloc[0], 3))
    print(f"pairwell demo on {people}: optimal matching against the baselines, same rules for all\n")
    print("\n\n".join(sections))


def _match(args: argparse.Namespace) -> None:
    progress = _Progress(1)
    if args.command == "rematch":
        result = rematch(args.previous, args.people, args.program, args.config, keep=args.keep)
    else:
        result = match(args.people, args.program, args.config)
    progress.step("matched")
    print(_summary(result))
    if result.changes is not None:
        counts = result.changes.fillna({"reason": ""}).groupby(["status", "reason"]).size()
        print("changes: " + ", ".join(f"{n} {s}{f' ({r})' if r else ''}" for (s, r), n in counts.items()))
    if args.output:
        result.pairs.to_csv(args.output, index=False)
        print(f"wrote {len(result.pairs)} pairs to {args.output}")
    else:
        print(_table(result.pairs, args.show, "pairs (use --output to write them all)"))
    if len(result.unmatched):
        print(f"\nunmatched ({len(result.unmatched)}):")
        print(_table(result.unmatched, args.show, "unmatched people"))


def _compare(args: argparse.Namespace) -> None:
    progress = _Progress(2)
    result = match(args.people, args.program, args.config)
    progress.step("optimal")
    table = compare_result(result, args.seed)
    progress.step("baselines")
    print(_summary(result))
    print(_table(table))


def _keep(text: str) -> float | str:
    """``--keep``: a number or ``all``."""
    if text == "all":
        return text
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f'expected a number or "all", got {text!r}') from None


def _recommend(args: argparse.Namespace) -> None:
    progress = _Progress(1)
    result = match(args.people, args.program, args.config)
    progress.step("matched")
    print(_recommendation(result, args.id, args.k))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pairwell",
        description="Pair people for mentoring, sponsoring and reverse mentoring, and prove the pairing optimal.",
        epilog=(
            "People files are .csv or .tsv (dicts as 'python:4;sql:3', lists as 'a;b;c'), .json (a list of "
            "records), .jsonl/.ndjson (one record a line) or .parquet (needs pyarrow)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"pairwell {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser(
        "demo", help="match the bundled sample cohort in all three programs and compare with baselines"
    )
    demo.add_argument("--people", help="a people file to use instead of the bundled sample cohort")
    demo.add_argument("--seed", type=int, default=0, help="seed of the random baseline (default 0)")
    demo.set_defaults(run=_demo)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("people", metavar="PEOPLE", help="people file: .csv, .tsv, .json, .jsonl, .ndjson or .parquet")
        p.add_argument("--program", "-p", required=True, choices=PROGRAMS, help="which program to match for")
        p.add_argument("--config", "-c", help="config file (.toml or .json): weights, rules, pins, min_score, ...")

    one = sub.add_parser("match", help="match people for one program and print or save the pairs")
    common(one)
    one.add_argument(
        "--output", "-o", metavar="PAIRS.csv", help="write every pair (with its score breakdown) to this CSV"
    )
    one.add_argument(
        "--show", type=int, default=20, help="how many pairs to print when not writing a file (default 20)"
    )
    one.set_defaults(run=_match)

    again = sub.add_parser(
        "rematch", help="match people again after some joined or left, keeping the previous pairs that still work"
    )
    again.add_argument("previous", metavar="PREVIOUS.csv", help="the previous pairs: a CSV with giver and receiver")
    common(again)
    again.add_argument(
        "--keep",
        default=0.05,
        type=_keep,
        help='what keeping a surviving previous pair is worth, in score units (default 0.05), or "all" to pin them',
    )
    again.add_argument("--output", "-o", metavar="PAIRS.csv", help="write every new pair to this CSV")
    again.add_argument("--show", type=int, default=20, help="how many pairs to print when not writing a file")
    again.set_defaults(run=_match)

    cmp = sub.add_parser("compare", help="compare the optimal matching with greedy, random and stable matching")
    common(cmp)
    cmp.add_argument("--seed", type=int, default=0, help="seed of the random baseline (default 0)")
    cmp.set_defaults(run=_compare)

    rec = sub.add_parser(
        "recommend", help="a person's best partners, with whether each is matched and what pairing them costs"
    )
    common(rec)
    rec.add_argument("--id", required=True, help="the person (a giver or a receiver of the program)")
    rec.add_argument("-k", type=int, default=5, help="how many partners (default 5)")
    rec.set_defaults(run=_recommend)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except (PairwellError, OSError) as exc:
        print(f"pairwell: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
