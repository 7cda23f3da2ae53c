"""``gates dashboard``: the verdict and its history as one self-contained HTML page (docs/dashboard.md).

The current run is the JSON verdict (``.gates/verdict.json``); the past runs
are the history branch's records along the base branch's first parents
(docs/history.md), or with ``--history DIR`` the JSON verdicts and history
records in a folder. A file of the history that cannot be trusted is named
on the page and here, and never read as a run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any, Final

from gates.cli import options
from gates.dashboard.build import with_own_tests, with_quarantines
from gates.dashboard.model import Dashboard
from gates.dashboard.read import Past, current_run, read_branch, read_folder, records_of
from gates.dashboard.render import render
from gates.errors import ExitCode, UsageError
from gates.policy.load import Policy, load_policy
from gates.policy.settings import Settings, resolve_base
from gates.system.atomic import atomic_write
from gates.system.git import run_git
from gates.untrusted.safetext import one_line

__all__ = ["COMMANDS", "add_parsers", "board_options", "load_board", "load_policy_of"]

LAST: Final = 50  # base-branch runs a trend shows by default


def board_options(parser: argparse.ArgumentParser) -> None:
    """The options that say which runs are read: shared by ``gates dashboard`` and ``gates alerts``."""
    parser.add_argument(
        "--verdict",
        type=Path,
        default=None,
        help="the JSON verdict (default: <reports>/verdict.json, i.e. .gates/verdict.json)",
    )
    parser.add_argument(
        "--history",
        type=Path,
        metavar="DIR",
        help="a folder of earlier JSON verdicts or history records, instead of the history branch",
    )
    parser.add_argument("--last", type=int, default=LAST, help=f"runs read (default {LAST})")
    parser.add_argument("--store", type=Path, help="the git repository holding the history branch")
    parser.add_argument("--history-branch", help="default: [gates] history, gates-history")
    parser.add_argument(
        "--branch", help="the branch of the current run (default: $GITHUB_REF_NAME, else git's)"
    )
    parser.add_argument(
        "--today", type=dt.date.fromisoformat, help="the date expiries count from (YYYY-MM-DD)"
    )


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``gates dashboard`` to the command line."""
    parser = sub.add_parser(
        "dashboard",
        parents=[options.policy(), options.root(), options.base(), options.verbose()],
        help="write the verdict and its history as one self-contained HTML page",
        description="One HTML file, no network, no script: per gate the current and the base "
        "value and a trend; waivers and quarantines; flaky and slowest tests; benchmarks; "
        "the security picture; load results. See docs/dashboard.md.",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="the page (default: <reports>/dashboard.html, i.e. .gates/dashboard.html)",
    )
    board_options(parser)


def load_policy_of(args: argparse.Namespace, root: Path) -> Policy | None:
    """The policy ``--config`` names, or ``None`` when there is no such file."""
    path = args.config if args.config.is_absolute() or args.config.exists() else root / args.config
    return load_policy(path) if path.is_file() else None


def load_board(args: argparse.Namespace, root: Path, policy: Policy | None) -> Dashboard:
    """The current run (the verdict) and the runs before it, as the options say."""
    settings = policy.settings if policy is not None else Settings()
    verdict = args.verdict or root / settings.reports / "verdict.json"
    current = current_run(verdict, branch=args.branch or _branch(root))
    last = max(1, args.last)
    branch = args.history_branch or settings.history
    if args.history is not None:
        past = read_folder(args.history, limit=last)
        own = past.runs
    else:
        base = resolve_base(args.base, settings.base)
        past = read_branch(root, base=base, branch=branch, store=args.store, limit=last)
        mine = records_of(args.store or root, branch=branch, commit=current.commit)
        own, past = mine.runs, Past(past.runs, (*past.problems, *mine.problems), past.unknown)
    today = args.today or dt.datetime.now(dt.UTC).date()
    quarantine = policy.quarantine if policy is not None else ()
    return Dashboard(
        current=with_quarantines(with_own_tests(current, own), quarantine, today=today),
        history=past.runs,
        today=today.isoformat(),
        unknown=past.unknown,
        problems=past.problems,
    )


def _dashboard(args: argparse.Namespace) -> int:
    root = options.root_folder(args.root)
    policy = load_policy_of(args, root)
    board = load_board(args, root, policy)
    reports = (policy.settings if policy is not None else Settings()).reports
    output = args.output or root / reports / "dashboard.html"
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(output, render(board).encode("utf-8"))
    except OSError as error:
        raise UsageError(
            f"{output}: cannot be written ({error.strerror})",
            slug="usage",
            hint="pass -o PATH in a folder you can write",
        ) from None
    for problem in board.problems:
        sys.stderr.write(f"not trusted: {problem}\n")
    sys.stdout.write(
        f"wrote {one_line(str(output), 200)}: {len(board.history)} earlier runs"
        + (f", trend unknown ({one_line(board.unknown, 200)})" if not board.history else "")
        + (f", {len(board.problems)} history files not trusted" if board.problems else "")
        + "\n"
    )
    return ExitCode.PASS


def _branch(root: Path) -> str:
    github = os.environ.get("GITHUB_REF_NAME", "")
    if github and os.environ.get("GITHUB_REF_TYPE", "branch") == "branch":
        return github
    done = run_git(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    return done.text.strip() if done.ok else ""


COMMANDS: Final = {"dashboard": _dashboard}
