"""The load stage's command: ``gates load``.

Its arguments, and the few lines that turn them into a
:class:`gates.load.run.stage.LoadRequest`; :mod:`gates.cli.main` catches every
:class:`gates.errors.GatesError` and exits. Progress goes to standard error.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gates.cli import options
from gates.errors import EvidenceError, ExitCode, UsageError
from gates.load.run.service import LoadRunError, ServiceSpec, check_loopback
from gates.load.run.stage import LoadRequest, run_stage
from gates.load.scenario import Plan
from gates.load.steps import Limits
from gates.policy.load import load_policy
from gates.stage.manifest import MANIFEST_NAME

__all__ = ["COMMANDS", "add_parsers"]

_HELP = """\
Start the service (--service, a command), wait until --ready-url answers, run
Locust headless with the locustfile and gates' listener for --run-time seconds,
stop everything that was started, and record the evidence in <reports>/<stage>/:
latency histograms (run/latency.json), the service's memory (run/memory.json),
Locust's own reports and the scenario. Every URL must be on the loopback. More
Locust options come after --. Exits 0 when the stage produced its evidence, 3
when it could not (the service never became ready; Locust wrote nothing).
Example:  gates load --service "python -m app" --ready-url http://127.0.0.1:8000/health
          --locustfile load/locustfile.py --host http://127.0.0.1:8000 --users 50
"""


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``gates load`` to the ``gates`` command line."""
    load = sub.add_parser(
        "load",
        parents=[options.reports(), options.policy(), options.root(), options.verbose()],
        help="the load stage: the service under Locust, latency and memory recorded",
        description=_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    load.add_argument("--service", required=True, help="the service's command (shell words)")
    load.add_argument("--ready-url", required=True, help="answers 2xx/3xx once the service is up")
    load.add_argument("--ready-timeout", type=float, default=60.0, metavar="SECONDS")
    load.add_argument("--locustfile", required=True, type=Path)
    load.add_argument("--host", required=True, help="the base URL Locust's users request")
    load.add_argument("--users", type=int, default=10)
    load.add_argument("--spawn-rate", type=float, default=10.0)
    load.add_argument("--run-time", type=int, default=60, metavar="SECONDS")
    load.add_argument("--warmup", type=float, default=10.0, metavar="SECONDS")
    load.add_argument("--offered-rps", type=float, help="the rate the users are meant to offer")
    load.add_argument("--processes", type=int, help="Locust --processes: a master and N workers")
    load.add_argument("--window", type=float, default=5.0, metavar="SECONDS")
    load.add_argument("--steps", action="store_true", help="a step-load run (a LoadTestShape)")
    load.add_argument("--step-p95-ms", type=float, help="a step window breaks above this p95")
    load.add_argument("--step-error-rate", type=float, help="... above this share of errors")
    load.add_argument("--step-rps-per-user", type=float, help="... behind this rate per user")
    load.add_argument(
        "--profile",
        nargs="?",
        const="warn",
        default="off",
        choices=("off", "warn", "required"),
        help="sample the service with py-spy: profile/ (speedscope, pstats, flame graph,"
        " top 20 functions); one that could not be taken is a warning, or with `required`"
        " the stage's error (default: off; bare --profile: warn)",
    )
    load.add_argument(
        "--memray",
        action="store_true",
        help="with --profile: run the (Python) service under memray: its peak-memory summary",
    )
    load.add_argument("--stage", default="load", help="stage name (default: load)")
    load.add_argument("--reproduce", default="nox -s load", help="the command shown in verdicts")


def _load(args: argparse.Namespace) -> int:
    if not args.root.is_dir():
        raise UsageError(
            f"--root {args.root}: no such folder", slug="usage", hint="pass the repository's root"
        )
    path = args.config if args.config.is_absolute() else args.root / args.config
    policy = load_policy(path) if path.is_file() else None
    reports = args.reports or (policy.settings.reports if policy else ".gates")
    try:
        check_loopback(args.ready_url)
        check_loopback(args.host)
        plan = _plan(args)
    except (ValueError, LoadRunError) as error:
        raise UsageError(str(error), slug="usage", hint="see `gates load --help`") from None
    request = LoadRequest(
        root=args.root,
        reports=reports,
        stage=args.stage,
        service=ServiceSpec(
            command=shlex.split(args.service),
            ready_url=args.ready_url,
            ready_timeout_s=args.ready_timeout,
            cwd=args.root,
        ),
        locustfile=args.locustfile.resolve(),
        host=args.host,
        plan=plan,
        window_s=args.window,
        locust_args=tuple(args.tool_command),
        reproduce=args.reproduce,
        profile=args.profile,
        memray=args.memray,
        argv=("gates", *args.command_line),
        unaffected=policy.settings.unaffected if policy else (),
    )
    manifest = run_stage(request, log=_progress)
    if not manifest.error:
        return ExitCode.PASS
    raise EvidenceError(
        manifest.error,
        slug="stage-failed",
        path=f"{reports}/{args.stage}/{MANIFEST_NAME}",
        hint="until the stage succeeds, `gates check` blocks the load gates",
    )


def _plan(args: argparse.Namespace) -> Plan:
    steps = None
    if args.steps:
        steps = Limits(
            p95_ms=args.step_p95_ms,
            error_rate=args.step_error_rate,
            offered_rps_per_user=args.step_rps_per_user,
        )
    return Plan(
        users=args.users,
        spawn_rate=args.spawn_rate,
        run_time_s=args.run_time,
        warmup_s=args.warmup,
        offered_rps=args.offered_rps,
        processes=args.processes,
        steps=steps,
    )


def _progress(line: str) -> None:
    sys.stderr.write(f"gates load: {line}\n")
    sys.stderr.flush()


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"load": _load}
