"""The commands that make or set up evidence: ``gates run``, ``tools``, ``init``, ``schema``.

Part of the command line (:mod:`gates.cli.main` builds the parser, catches
every :class:`gates.errors.GatesError`, prints it and exits). What each
command runs is imported when it runs: ``gates check`` loads none of it.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gates.cli import options
from gates.errors import EvidenceError, ExitCode, UsageError
from gates.policy.load import load_settings
from gates.policy.schema import json_schema
from gates.readers import READERS, reader_for
from gates.stage.manifest import MANIFEST_NAME

if TYPE_CHECKING:
    from gates.stage.runner import ReportSpec

__all__ = ["COMMANDS", "add_parsers"]


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``run``, ``init``, ``tools`` and ``schema`` to the ``gates`` command line."""
    _add_run(sub)
    _add_init(sub)
    _add_tools(sub)
    sub.add_parser(
        "schema", parents=[options.verbose()], help="print the JSON Schema of gates.toml"
    )


def _tool_source(tool: str) -> str:
    """Where the stage session installed ``tool`` from ($GATES_TOOL_SOURCES, set by gates.nox)."""
    try:
        sources = json.loads(os.environ.get("GATES_TOOL_SOURCES", "") or "{}")
    except ValueError:
        return ""
    found = sources.get(tool.lower()) if isinstance(sources, dict) else None
    return found if isinstance(found, str) else ""


def _add_run(sub: argparse._SubParsersAction[Any]) -> None:
    run = sub.add_parser(
        "run",
        parents=[options.policy(), options.reports(), options.root(), options.verbose()],
        help="run a tool as (part of) a stage and record its evidence",
        description=_RUN_HELP,
    )
    run.add_argument("stage", help="stage name: evidence goes to <reports>/<stage>/")
    run.add_argument(
        "--tool",
        required=True,
        type=options.one_line,
        help="the tool's name, e.g. ruff, pytest, bandit",
    )
    _add_run_reports(run)
    _add_run_tool(run)


def _add_run_reports(run: argparse.ArgumentParser) -> None:
    """``gates run``'s options for what the run records: its reports, and how the stage grows."""
    run.add_argument(
        "--report",
        action="append",
        type=options.one_line,
        default=[],
        metavar="FORMAT=PATH",
        help="a report the tool writes (repeatable)",
    )
    run.add_argument(
        "--stdout",
        metavar="FORMAT=PATH",
        type=options.one_line,
        help="save the tool's standard output as this report",
    )
    run.add_argument(
        "--role",
        default="",
        type=options.one_line,
        help='role of the reports, e.g. "base" or "head" for benchmarks',
    )
    run.add_argument(
        "--append", action="store_true", help="add to the stage instead of starting it afresh"
    )
    run.add_argument(
        "--every-file",
        action="store_true",
        help="the stage's tools may read any file (ruff formats Markdown): the policy's "
        "[gates] unaffected globs are not left out of its tree digest",
    )
    run.add_argument(
        "--reproduce",
        default="",
        help="the command that regenerates this stage (shown in verdicts)",
    )


def _add_run_tool(run: argparse.ArgumentParser) -> None:
    """``gates run``'s options for what the manifest says of the tool: version, source, exit codes."""
    run.add_argument(
        "--tool-version", default="", help="the tool's version (default: ask the tool)"
    )
    run.add_argument(
        "--tool-source",
        default="",
        help="where the tool's version came from, for the manifest (default: what the stage "
        "session recorded in $GATES_TOOL_SOURCES, if anything)",
    )
    run.add_argument(
        "--ok-exit",
        type=int,
        action="append",
        help="exit codes with which an unknown tool ran fine",
    )


def _add_init(sub: argparse._SubParsersAction[Any]) -> None:
    init = sub.add_parser(
        "init",
        parents=[options.root(), options.verbose()],
        help="adopt gates here: write noxfile.py, gates.toml and gates-tools.txt",
        description="Detect the package, tests and test install of this project, then write a "
        "noxfile.py that imports the gates stages, a commented gates.toml with the standard "
        "gates and the tool pins, and add .gates/ and .nox/ to .gitignore. Never replaces a "
        "file without --force.",
    )
    init.add_argument(
        "--package",
        help="the packages to gate, e.g. src/mypkg or src/a,src/b (default: every package detected)",
    )
    init.add_argument("--tests", help="the unit tests folder (default: detected)")
    init.add_argument("--force", action="store_true", help="replace existing files")


def _add_tools(sub: argparse._SubParsersAction[Any]) -> None:
    tools = sub.add_parser(
        "tools",
        parents=[options.verbose()],
        help="show the tool versions the stages install, or --upgrade them",
        description="The stages install ruff, mypy, bandit, ... at the versions pinned in "
        "gates-tools.txt (else the pins gates ships). --upgrade rewrites the file with the "
        "newest versions that install together, for review like any change.",
    )
    tools.add_argument("--file", default=Path("gates-tools.txt"), type=Path)
    tools.add_argument("--upgrade", action="store_true", help="pin the newest versions")


_RUN_HELP = """\
Run one tool of a stage and record it in <reports>/<stage>/manifest.json: its
version, command line and exit code, and the sha256 of every report. The first
step of a stage clears its folder; later steps pass --append. Exits 0 when the
tool produced its evidence (whatever it found), 3 when it could not.
Example:  gates run lint --tool ruff --stdout ruff-json=ruff.json -- ruff check --output-format json .
"""


def _schema(_args: argparse.Namespace) -> int:
    sys.stdout.write(json.dumps(json_schema(), indent=2, sort_keys=True) + "\n")
    return ExitCode.PASS


# ---------------------------------------------------------------- run


def _run(args: argparse.Namespace) -> int:
    from gates.stage.recorder import StageRecorder  # noqa: PLC0415 - loaded when `gates run` runs
    from gates.stage.runner import run_tool  # noqa: PLC0415 - likewise

    command = args.tool_command
    if not command:
        raise UsageError("no command to run", slug="usage", hint="put the command after --")
    reports = [_report_spec(text, role=args.role) for text in args.report]
    stdout = _report_spec(args.stdout, role=args.role) if args.stdout else None
    root = options.root_folder(args.root)
    settings = load_settings(args.config, root=root)
    args.reports = args.reports or settings.reports
    if args.append:
        recorder = StageRecorder.resume(args.stage, root=root, reports_dir=args.reports)
    else:
        recorder = StageRecorder.begin(
            args.stage,
            root=root,
            reports_dir=args.reports,
            reproduce=args.reproduce,
            unaffected=() if args.every_file else settings.unaffected,
        )
    outcome = run_tool(
        recorder,
        command,
        tool=args.tool,
        reports=reports,
        stdout=stdout,
        version=args.tool_version,
        declared_ok=args.ok_exit,
        cwd=root,
        source=args.tool_source or _tool_source(args.tool),
    )
    if not outcome.evidence_produced:
        recorder.fail(outcome.describe(args.tool), tool=args.tool)
    recorder.finish()
    if outcome.evidence_produced:
        return ExitCode.PASS
    raise EvidenceError(
        outcome.describe(args.tool),
        slug="stage-failed",
        path=f"{args.reports}/{args.stage}/{MANIFEST_NAME}",
        hint=f"run the command by hand and read {args.tool}'s output; until the stage "
        "succeeds, `gates check` blocks the gates that read it",
    )


def _init(args: argparse.Namespace) -> int:
    from gates.init.scaffold import init, summary  # noqa: PLC0415 - loaded when `gates init` runs
    from gates.stage.pins import bundled  # noqa: PLC0415 - likewise

    result = init(
        args.root,
        force=args.force,
        package=args.package,
        tests=args.tests,
        pins=bundled().read_bytes(),
    )
    sys.stdout.write("".join(f"{line}\n" for line in summary(result, args.root)))
    return ExitCode.PASS


def _tools(args: argparse.Namespace) -> int:
    from gates.stage.pins import bundled, parse_pins, upgrade  # noqa: PLC0415 - `gates tools`

    if args.upgrade:
        changes = upgrade(args.file)
        for name, (old, new) in changes.items():
            mark = "" if old == new else f"  (was {old})"
            sys.stdout.write(f"{name}=={new}{mark}\n")
        sys.stdout.write(f"wrote {args.file}: review and commit it\n")
        return ExitCode.PASS
    source = args.file if args.file.is_file() else bundled()
    pins = parse_pins(source.read_text(encoding="utf-8"), path=str(source))
    sys.stdout.write(f"# {source}\n" + "".join(f"{n}=={v}\n" for n, v in pins.items()))
    return ExitCode.PASS


def _report_spec(text: str, *, role: str) -> ReportSpec:
    from gates.stage.runner import ReportSpec  # noqa: PLC0415 - loaded when `gates run` runs

    fmt, sep, path = text.partition("=")
    if not sep or not fmt or not path or Path(path).is_absolute() or ".." in Path(path).parts:
        raise UsageError(
            f"report {text!r} should read FORMAT=PATH, PATH inside the stage folder",
            slug="usage",
            hint="e.g. --report junit-xml=junit.xml (see docs/readers.md for formats)",
        )
    if reader_for(fmt) is None:
        close = difflib.get_close_matches(fmt, sorted(READERS), n=1)
        raise UsageError(
            f"report {text!r}: gates has no reader for the format {fmt!r}",
            slug="usage",
            hint=f"did you mean `{close[0]}`?"
            if close
            else "formats: " + ", ".join(sorted(READERS)),
        )
    return ReportSpec(fmt, Path(path).as_posix(), role)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "run": _run,
    "init": _init,
    "tools": _tools,
    "schema": _schema,
}
