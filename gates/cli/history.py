"""``gates history``: record a run's verdict in the history branch, and show what it holds.

* ``gates history record``: judge the evidence as ``gates check`` does and add
  the run's record (docs/history.md) to the history branch, one new file, by
  compare-and-swap: concurrent runs lose nothing.
* ``gates history show``: the records along the base branch's first-parent
  chain, nearest first; a corrupt record is named and the command exits 3.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
from pathlib import Path
from typing import Any, Final

from gates import __version__
from gates.cli import check as cli_check
from gates.cli import options
from gates.errors import ExitCode, UsageError
from gates.history.base import DEPTH, load_base_history
from gates.history.model import BaseHistory
from gates.history.parse import parse_record
from gates.history.record import RunInfo, record_text
from gates.history.store import append, record_path
from gates.kinds.attempts import stage_tests
from gates.policy.load import load_settings, policy_path
from gates.policy.settings import resolve_base
from gates.system.atomic import atomic_write
from gates.system.git import run_git, tree_state
from gates.untrusted.safetext import one_line

__all__ = ["COMMANDS", "add_parsers"]

_HELP: Final = """\
Keep one record per run (each gate's value, bound and status, the completeness
counts, every test's outcome and duration, the versions) on an orphan branch of
the repository, written with git plumbing: ratchets (`coverage.delta`,
`vs = "base"`) and trends read it. See docs/history.md.
"""


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``gates history record`` and ``gates history show`` to the command line."""
    history = sub.add_parser("history", help="the history of verdicts", description=_HELP)
    commands: argparse._SubParsersAction[Any] = history.add_subparsers(
        dest="history_command", required=True, parser_class=type(history)
    )
    shared = [options.policy(), options.root(), options.base(), options.verbose()]
    record = commands.add_parser(
        "record",
        parents=[*shared, options.reports()],
        help="judge the evidence and add this run's record to the history branch",
    )
    record.add_argument(
        "--run-id", help="the run's id (default: $GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT)"
    )
    record.add_argument("--branch", help="the branch the run was on (default: git's)")
    record.add_argument("--base-policy", type=Path, metavar="PATH", help="as for gates check")
    record.add_argument(
        "--output", type=Path, metavar="PATH", help="also write the record to this file"
    )
    _store_options(record)
    add = commands.add_parser(
        "add",
        parents=[options.policy(), options.root(), options.verbose()],
        help="add a record file as it is (after a refused push: on the branch fetched again)",
    )
    add.add_argument(
        "file", type=Path, help="a record, as `gates history record --output` wrote it"
    )
    _store_options(add)
    show = commands.add_parser(
        "show", parents=shared, help="the records along the base branch's first parents"
    )
    show.add_argument("--limit", type=int, default=DEPTH, help=f"commits read (default {DEPTH})")
    _store_options(show)


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        type=Path,
        help="the git repository holding the history branch (default: the project's own)",
    )
    parser.add_argument(
        "--history-branch", help="the history branch (default: [gates] history, gates-history)"
    )


def _history(args: argparse.Namespace) -> int:
    if args.history_command == "record":
        return _record(args)
    if args.history_command == "add":
        return _add(args)
    return _show(args)


def _record(args: argparse.Namespace) -> int:
    root = options.root_folder(args.root)
    args.config = policy_path(args.config, root=root)  # judged and hashed: the one file
    settings = load_settings(args.config, root=root)
    reports = args.reports or settings.reports
    state = tree_state(root, exclude=reports, unaffected=settings.unaffected)
    if state.dirty:
        raise UsageError(
            "the working tree has local changes: a history record belongs to a commit",
            slug="usage",
            hint="commit the changes, or record from CI",
        )
    args.commit, args.today = None, None
    verdict, evidence = cli_check.judged(args)
    run_id = args.run_id or _default_run_id()
    run = RunInfo(
        run_id=run_id,
        commit=state.commit,
        parent=_git_line(root, "rev-parse", "--verify", "--quiet", "HEAD^1"),
        branch=args.branch or _git_line(root, "symbolic-ref", "--quiet", "--short", "HEAD"),
        recorded=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        gates_version=__version__,
        policy_sha256=_sha256(args.config),
    )
    text = record_text(verdict, evidence, run)
    if args.output is not None:
        atomic_write(args.output, text.encode("utf-8"))
    branch = args.history_branch or settings.history
    path = record_path(state.commit, run_id)
    added = append(args.store or root, branch, path=path, data=text.encode("utf-8"))
    tests = sum(len(t) for s in evidence.stages for t in stage_tests(s.reports).values())
    sys.stdout.write(
        f"{'recorded' if added else 'already recorded'} {branch}:{path} "
        f"({verdict.status.value}, {len(verdict.gates)} gates, {tests} tests)\n"
    )
    return ExitCode.PASS


def _add(args: argparse.Namespace) -> int:
    """Add a record file, checked like any record read back: a corrupt one is refused."""
    root = options.root_folder(args.root)
    settings = load_settings(args.config, root=root)
    try:
        data = args.file.read_bytes()
    except OSError as error:
        raise UsageError(
            f"cannot read {args.file}: {error.strerror}", slug="usage", hint="pass a record file"
        ) from None
    record = parse_record(data, path=str(args.file), commit=_commit_of(data))
    path = record_path(record.commit, record.run_id)
    branch = args.history_branch or settings.history
    added = append(args.store or root, branch, path=path, data=data)
    sys.stdout.write(f"{'added' if added else 'already recorded'} {branch}:{path}\n")
    return ExitCode.PASS


def _commit_of(data: bytes) -> str:
    """The commit a record names (parse_record then checks the whole record against it)."""
    try:
        run = json.loads(data).get("run", {})
        commit = run.get("commit", "") if isinstance(run, dict) else ""
    except (ValueError, AttributeError):
        return ""
    return commit if isinstance(commit, str) else ""


def _show(args: argparse.Namespace) -> int:
    root = options.root_folder(args.root)
    settings = load_settings(args.config, root=root)
    history = load_base_history(
        root,
        base=resolve_base(args.base, settings.base),
        branch=args.history_branch or settings.history,
        store=args.store,
        depth=max(1, args.limit),
    )
    sys.stdout.write(show_text(history))
    return ExitCode.EVIDENCE if history.corrupt else ExitCode.PASS


def show_text(history: BaseHistory) -> str:
    """The history as ``gates history show`` prints it."""
    lines = [f"history of {history.base} (merge base {history.merge_base[:12] or '?'})"]
    if history.unknown:
        lines.append(f"  trend unknown: {history.unknown}")
    for entry in history.entries:
        record = entry.record
        if record is None:
            lines.append(f"  {entry.commit[:12]}  unknown: every record is corrupt")
        else:
            failing = [g.name for g in record.gates if g.status in ("fail", "error")]
            lines.append(
                f"  {entry.commit[:12]}  {record.status:<6} run {one_line(record.run_id, 40)}"
                f"  {len(record.gates)} gates, {len(record.tests)} tests"
                + (f"; failing: {one_line(', '.join(failing), 80)}" if failing else "")
            )
        lines.extend(f"    [history-corrupt] {one_line(p.describe(), 200)}" for p in entry.corrupt)
    return "\n".join(lines) + "\n"


def _default_run_id() -> str:
    github = os.environ.get("GITHUB_RUN_ID", "")
    if github.isdigit():
        return f"{github}-{os.environ.get('GITHUB_RUN_ATTEMPT', '1')}"
    gitlab = os.environ.get("CI_JOB_ID", "")
    if gitlab.isdigit():
        return f"gitlab-{gitlab}"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"local-{stamp}-{os.getpid()}"


def _git_line(root: Path, *args: str) -> str:
    done = run_git(root, *args)
    return done.text.strip() if done.ok else ""


def _sha256(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


COMMANDS: Final = {"history": _history}
