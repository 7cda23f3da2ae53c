"""``gates shard``: split a test stage across machines, and combine the shards (docs/sharding.md).

* ``gates shard plan --stage unit --shards N [-- PYTEST ARGS]``: the tests pytest
  collects, split into N shards balanced by the durations of the stage's last
  JUnit report (else by file); the plan is written as JSON and summed up.
* ``gates shard record --stage unit --shard K/N --plan PATH``: after shard K ran
  as the stage ``unit-shard-K-of-N``, write its ``shard.json``.
* ``gates shard combine --stage unit [--shards N]``: check every shard and combine
  them into ``.gates/unit/``; a missing or mismatched one blocks (exit 3).

The Noxfile recipes run all three when ``GATES_SHARD`` is set.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Final

from gates.cli import options
from gates.errors import ExitCode, UsageError

__all__ = ["COMMANDS", "add_parsers"]

_HELP: Final = """\
Run the unit or integration stage as N shards on N machines (`GATES_SHARD=K/N
nox -s unit`), then combine them (`GATES_SHARD=combine nox -s unit`) into the
stage's evidence, as if one job had run every test. See docs/sharding.md.
"""


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``gates shard plan|record|combine`` to the command line."""
    shard = sub.add_parser("shard", help="split a test stage across machines", description=_HELP)
    commands: argparse._SubParsersAction[Any] = shard.add_subparsers(
        dest="shard_command", required=True, parser_class=type(shard)
    )
    shared = [options.root(), options.reports(), options.verbose()]
    plan = commands.add_parser(
        "plan", parents=shared, help="split the tests pytest collects (args after --) into N"
    )
    plan.add_argument("--stage", required=True, help="the test stage, e.g. unit")
    plan.add_argument("--shards", type=int, required=True, help="how many shards")
    plan.add_argument("--output", type=Path, help="the plan (default: <reports>/<stage>.plan.json)")
    record = commands.add_parser("record", parents=shared, help="record that shard K ran")
    record.add_argument("--stage", required=True, help="the test stage, e.g. unit")
    record.add_argument("--shard", required=True, metavar="K/N", help="which shard ran")
    record.add_argument("--plan", type=Path, required=True, help="the plan it ran")
    combine = commands.add_parser(
        "combine", parents=shared, help="check every shard and combine them into the stage"
    )
    combine.add_argument("--stage", required=True, help="the test stage, e.g. unit")
    combine.add_argument("--shards", type=int, help="how many shards there must be")


def _plan(args: argparse.Namespace) -> int:
    from gates.stage.shards.collect import collect  # noqa: PLC0415 - this command's own
    from gates.stage.shards.plan import make_plan, recorded_durations  # noqa: PLC0415
    from gates.system.atomic import atomic_write  # noqa: PLC0415

    root, reports = options.root_folder(args.root), args.reports or ".gates"
    tests = collect(args.tool_command, cwd=root)
    durations = recorded_durations(root / reports / args.stage, tests)
    plan = make_plan(args.stage, tests, total=args.shards, durations=durations)
    output = args.output or root / reports / f"{args.stage}.plan.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(output, json.dumps(plan.as_json(), indent=1).encode() + b"\n")
    for index, part in enumerate(plan.shards, start=1):
        seconds = sum(durations.get(test, 0.0) for test in part)
        timed = f", {seconds:.1f} s recorded" if durations else ""
        sys.stdout.write(f"shard {index} of {plan.total}: {len(part)} tests{timed}\n")
    sys.stdout.write(f"split by {plan.by}; plan {plan.digest[:12]} written to {output}\n")
    return ExitCode.PASS


def _record(args: argparse.Namespace) -> int:
    from gates.stage.shards.plan import read_plan  # noqa: PLC0415 - this command's own
    from gates.stage.shards.record import write_record  # noqa: PLC0415
    from gates.stage.shards.request import parse_request  # noqa: PLC0415

    request = parse_request(args.shard)
    plan = read_plan(args.plan, display=str(args.plan))
    if (plan.stage, plan.total) != (args.stage, request.total) or request.combine:
        raise UsageError(
            f"{args.plan} plans {plan.total} shards of {plan.stage}, not shard {args.shard} "
            f"of {args.stage}",
            slug="usage",
            hint="pass the plan this shard ran",
        )
    written = write_record(
        options.root_folder(args.root), args.reports or ".gates", plan, request.index
    )
    sys.stdout.write(f"shard {request.index} of {request.total} recorded in {written}\n")
    return ExitCode.PASS


def _combine(args: argparse.Namespace) -> int:
    from gates.stage.shards.combine import combine  # noqa: PLC0415 - this command's own

    manifest = combine(
        options.root_folder(args.root),
        args.reports or ".gates",
        args.stage,
        expected=args.shards,
    )
    runs = sum(1 for run in manifest.tools if run.name != "coverage")
    sys.stdout.write(f"{args.stage}: {runs} shards combined\n")
    return ExitCode.EVIDENCE if manifest.error else ExitCode.PASS


def _shard(args: argparse.Namespace) -> int:
    commands = {"plan": _plan, "record": _record, "combine": _combine}
    return commands[args.shard_command](args)


COMMANDS: Final = {"shard": _shard}
