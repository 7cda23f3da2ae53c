"""The command line: the only module that prints errors and exits.

``gates check`` is a tuple of small named steps (parse, load the policy, read
the tree state, load the evidence, evaluate, render, write), each testable
alone, in :mod:`gates.cli.check`; a crash in any of them still writes the
verdict. Every command exits with a :class:`gates.errors.ExitCode`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gates import __version__
from gates.baseline import cli as cli_baseline
from gates.cli import alerts as cli_alerts
from gates.cli import bench as cli_bench
from gates.cli import check as cli_check
from gates.cli import ci as cli_ci
from gates.cli import dashboard as cli_dashboard
from gates.cli import history as cli_history
from gates.cli import options
from gates.cli import stage as cli_stage
from gates.errors import ExitCode, GatesError, UsageError, exit_codes_text
from gates.outputs import OutputFormat

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, slug="usage", hint=f"see `{self.prog} --help`")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gates", description="Quality gates as code: judge evidence against gates.toml."
    )
    parser.add_argument("--version", action="version", version=f"gates {__version__}")
    sub: argparse._SubParsersAction[Any] = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser
    )
    _add_check(sub)
    cli_stage.add_parsers(sub)
    cli_bench.add_parser(sub)
    cli_baseline.add_parser(sub)
    cli_ci.add_parsers(sub)
    cli_history.add_parser(sub)
    cli_dashboard.add_parser(sub)
    cli_alerts.add_parser(sub)
    return parser


def _add_check(sub: argparse._SubParsersAction[Any]) -> None:
    check = sub.add_parser(
        "check",
        parents=[
            options.policy(),
            options.reports(),
            options.root(),
            options.base(),
            options.verbose(),
        ],
        help="judge the evidence against the policy",
        description=_CHECK_HELP,
    )
    check.add_argument(
        "--format",
        action="append",
        default=[],
        metavar="FORMAT[:PATH]",
        help="output format, repeatable: "
        + ", ".join(f.value for f in OutputFormat)
        + " (default: terminal)",
    )
    check.add_argument(
        "--output",
        action="append",
        default=[],
        type=Path,
        metavar="PATH",
        help="file for the matching --format",
    )
    check.add_argument(
        "--commit",
        type=_commit,
        help="judge evidence made at this commit, a SHA of 7 or more digits "
        "(default: git HEAD and its local changes)",
    )
    check.add_argument(
        "--today", type=dt.date.fromisoformat, help="the date waivers expire against (YYYY-MM-DD)"
    )
    check.add_argument(
        "--base-policy",
        type=Path,
        metavar="PATH",
        help="the base branch's policy: its thresholds apply, --config may only tighten them "
        "(docs/policy.md, policy from the base branch)",
    )
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")


def _commit(text: str) -> str:
    """A commit SHA as ``--commit`` takes it: 7 to 64 hexadecimal digits."""
    if not 7 <= len(text) <= 64 or not all(c in "0123456789abcdefABCDEF" for c in text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a commit SHA (7 to 64 hexadecimal digits, e.g. $GITHUB_SHA)"
        )
    return text.lower()


_CHECK_HELP = f"""\
Read the evidence the stages wrote under the reports folder, compare it with
the policy, and print the verdict. Exit codes: {exit_codes_text()}.
"""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    own, command = _split_command(args_list)
    # -v before the command line parses (a usage error) is read by hand; after, by argparse
    verbose = "-v" in own or "--verbose" in own
    try:
        args = _parser().parse_args(own)
        verbose = args.verbose
        args.tool_command = command
        args.command_line = args_list
        return _COMMANDS[args.command](args)
    except GatesError as error:
        _print_error(error.diagnostics(), verbose=verbose)
        return error.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return ExitCode.INTERRUPTED
    except Exception:  # noqa: BLE001 - the one place that turns any bug into exit 4 with a report
        _print_internal(args_list, verbose=verbose)
        return ExitCode.INTERNAL


def _split_command(argv: list[str]) -> tuple[list[str], list[str]]:
    """``gates run ... -- CMD``: argparse would mistake CMD's options for its own."""
    if "--" in argv:
        cut = argv.index("--")
        return argv[:cut], argv[cut + 1 :]
    return argv, []


def _print_error(text: str, *, verbose: bool) -> None:
    if verbose:
        traceback.print_exc(file=sys.stderr)
    sys.stderr.write(cli_check.terminal_safe(text) + "\n")


def _print_internal(args: Sequence[str], *, verbose: bool) -> None:
    if verbose:
        traceback.print_exc(file=sys.stderr)
    error = sys.exc_info()[1]
    sys.stderr.write(
        cli_check.terminal_safe(f"internal error: {type(error).__name__}: {error}\n")
        + cli_check.bug_block(args, verbose=verbose)
    )


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": cli_check.check,
    **cli_stage.COMMANDS,
    **cli_bench.COMMANDS,
    **cli_baseline.COMMANDS,
    **cli_ci.COMMANDS,
    **cli_history.COMMANDS,
    **cli_dashboard.COMMANDS,
    **cli_alerts.COMMANDS,
}
