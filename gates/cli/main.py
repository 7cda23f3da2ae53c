"""The command line: the only module that prints errors and exits.

``gates check`` is a tuple of small named steps (parse, load the policy, read
the tree state, load the evidence, evaluate, render, write), each testable
alone, in :mod:`gates.cli.check`; a crash in any of them still writes the
verdict. Every command exits with a :class:`gates.errors.ExitCode`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

from gates import __version__
from gates.cli import check as cli_check
from gates.cli import options
from gates.errors import ExitCode, GatesError, UsageError, exit_codes_text
from gates.outputs import OutputFormat

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, slug="usage", hint=f"see `{self.prog} --help`")


# The other command groups, in `gates --help`'s order, and their commands: a group's module is
# imported only when one of its commands runs (or for `gates --help`), so `gates check` starts
# without the GitHub client, the benchmark stage or the stage runner.
# tests/unit/test_cli_groups.py holds these names to each module's COMMANDS.
GROUPS: Final[dict[str, tuple[str, ...]]] = {
    "gates.cli.stage": ("run", "init", "tools", "schema"),
    "gates.cli.bench": ("bench",),
    "gates.cli.load": ("load",),
    "gates.baseline.cli": ("baseline",),
    "gates.cli.ci": ("plan", "jobs", "annotate", "comment"),
    "gates.cli.history": ("history",),
    "gates.cli.dashboard": ("dashboard",),
    "gates.cli.alerts": ("alerts",),
    "gates.cli.shard": ("shard",),
}
_GROUP_OF: Final = {command: module for module, commands in GROUPS.items() for command in commands}


def _parser(command: str = "") -> argparse.ArgumentParser:
    """The parser of ``command`` and its group alone, or of every command (any other word)."""
    parser = _Parser(
        prog="gates", description="Quality gates as code: judge evidence against gates.toml."
    )
    parser.add_argument("--version", action="version", version=f"gates {__version__}")
    sub: argparse._SubParsersAction[Any] = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser
    )
    if command == "check":
        _add_check(sub)
    elif command in _GROUP_OF:
        importlib.import_module(_GROUP_OF[command]).add_parsers(sub)
    else:  # `gates --help`, no command or a misspelt one: every command, as the help lists them
        _add_check(sub)
        for module in GROUPS:
            importlib.import_module(module).add_parsers(sub)
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
        args = _parser(own[0] if own else "").parse_args(own)
        verbose = args.verbose
        args.tool_command = command
        args.command_line = args_list
        return _command(args.command)(args)
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


def _command(name: str) -> Callable[[argparse.Namespace], int]:
    """What runs ``gates <name>``: ``check``, or a command of its group's module."""
    if name == "check":
        return cli_check.check
    commands: dict[str, Callable[[argparse.Namespace], int]] = importlib.import_module(
        _GROUP_OF[name]
    ).COMMANDS
    return commands[name]
