"""The benchmark stage's command: ``gates bench``.

Part of the command line (:mod:`gates.cli` builds the parser, catches every
:class:`gates.errors.GatesError` and exits); here are its arguments and the few
lines that turn them into a :class:`gates.benchmark.stage.BenchRequest`. It writes its
progress to standard error and raises for everything else.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gates.benchmark.rounds import TIMERS, Plan
from gates.benchmark.stage import BenchRequest, run_stage
from gates.cli import options
from gates.errors import EvidenceError, ExitCode, UsageError
from gates.policy.load import Policy, load_policy
from gates.policy.settings import resolve_base
from gates.stage.manifest import MANIFEST_NAME

__all__ = ["COMMANDS", "add_parsers"]


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``gates bench`` to the ``gates`` command line."""
    bench = sub.add_parser(
        "bench",
        parents=[
            options.base(),
            options.reports(),
            options.policy(),
            options.root(),
            options.verbose(),
        ],
        help="the benchmark stage: head against its merge base, same run, interleaved",
        description=_BENCH_HELP,
    )
    _add_sources(bench)
    _add_plan(bench, Plan())
    bench.add_argument("--stage", default="benchmark", help="stage name (default: benchmark)")
    bench.add_argument(
        "--reproduce", default="nox -s benchmark", help="the command shown in verdicts"
    )


def _add_sources(bench: argparse.ArgumentParser) -> None:
    """What is compared: the base ref or a stored baseline, and how each side installs."""
    bench.add_argument(
        "--baseline",
        type=Path,
        help="stored-baseline design: compare head with this pytest-benchmark JSON instead",
    )
    bench.add_argument(
        "--install",
        default=".",
        metavar="PIP_ARGS",
        help='how each side installs the project, e.g. --install="-e .[test]" (default: .)',
    )
    bench.add_argument("--constraints", type=Path, help="pip constraints (the tool pins)")
    bench.add_argument("--python", default=sys.executable, help="the interpreter of both sides")


def _add_plan(bench: argparse.ArgumentParser, defaults: Plan) -> None:
    """How long and how: rounds, budgets, the timer."""
    bench.add_argument("--min-rounds", type=int, default=defaults.min_rounds)
    bench.add_argument("--max-rounds", type=int, default=defaults.max_rounds)
    bench.add_argument(
        "--budget",
        type=float,
        default=defaults.seconds,
        metavar="SECONDS",
        help="time for the rounds: beyond --min-rounds, no pair of rounds starts that would end "
        "past it",
    )
    bench.add_argument(
        "--process-timeout",
        type=float,
        default=defaults.process_timeout,
        metavar="SECONDS",
        help="one pytest process is killed beyond it (the stage then has no evidence)",
    )
    bench.add_argument(
        "--benchmark-time",
        type=float,
        default=defaults.benchmark_time,
        metavar="SECONDS",
        help="measuring time per benchmark and process (pytest-benchmark --benchmark-max-time)",
    )
    bench.add_argument(
        "--timer",
        choices=sorted(TIMERS),
        default=defaults.timer,
        help="what each process times: cpu (default; immune to neighbours taking the core) "
        "or wall (for benchmarks that sleep, wait on I/O or use threads)",
    )


_BENCH_HELP = """\
Measure the benchmark suite on the merge base of [gates] base and HEAD and on
the working tree, in alternating fresh processes, until every benchmark is
decided or the budget is spent, and record each process's pytest-benchmark
JSON in <reports>/<stage>/round-NN/. Each side gets its own environment. The
benchmark paths and pytest options come after --. Exits 0 when the stage
produced its evidence, 3 when it could not (no base, a failed install or run).
Example:  gates bench --install="-e .[test]" -- benchmarks
"""


def _bench(args: argparse.Namespace) -> int:
    if not args.root.is_dir():
        raise UsageError(
            f"--root {args.root}: no such folder", slug="usage", hint="pass the repository's root"
        )
    policy = _policy(args.root, args.config)
    reports = args.reports or (policy.settings.reports if policy else ".gates")
    request = BenchRequest(
        root=args.root,
        pytest_args=tuple(args.tool_command),
        base=resolve_base(args.base, policy.settings.base if policy else None),
        reports=reports,
        stage=args.stage,
        install=tuple(shlex.split(args.install)),
        constraints=args.constraints,
        python=args.python,
        plan=_plan(args),
        slowdown=_slowdown(policy),
        baseline=args.baseline,
        reproduce=args.reproduce,
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
        hint="until the stage succeeds, `gates check` blocks the benchmark gates",
    )


def _policy(root: Path, config: Path) -> Policy | None:
    """The policy, when there is one: its base, reports folder and slowdown."""
    path = config if config.is_absolute() or config.exists() else root / config
    return load_policy(path) if path.is_file() else None


def _slowdown(policy: Policy | None) -> float:
    """The smallest ``slowdown`` of the policy's benchmark gates: the stage stops on it."""
    gates = policy.gates if policy else ()
    return min(
        (gate.slowdown for gate in gates if gate.metric.name == "benchmark.regressions"),
        default=0.05,
    )


def _plan(args: argparse.Namespace) -> Plan:
    try:
        return Plan(
            min_rounds=args.min_rounds,
            max_rounds=args.max_rounds,
            seconds=args.budget,
            process_timeout=args.process_timeout,
            benchmark_time=args.benchmark_time,
            timer=args.timer,
        )
    except ValueError as error:
        raise UsageError(
            f"rounds or times out of range: {error}", slug="usage", hint="see `gates bench --help`"
        ) from None


def _progress(line: str) -> None:
    sys.stderr.write(f"gates bench: {line}\n")
    sys.stderr.flush()


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"bench": _bench}
