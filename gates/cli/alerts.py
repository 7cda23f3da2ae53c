"""``gates alerts``: the ``[alert.<name>]`` rules evaluated after a verdict; each alert sent once.

Reads the runs as ``gates dashboard`` does (the verdict, the history),
evaluates the rules (:mod:`gates.alerts.rules`), keeps what was sent in the
state file, and sends only what is new: to the terminal, Markdown
(``--markdown``), GitHub (workflow commands and the step summary, on Actions
or with ``--github``), a JSON file (``--json``) and the rules' webhooks. A sink
that fails is reported on stderr and in the JSON file and never changes the
verdict, nor this command's exit code: alerts are told, not judged.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from gates.alerts import notify
from gates.alerts.rules import Alert, evaluate
from gates.alerts.state import State, read_state, write_state
from gates.alerts.webhook import Delivery, post
from gates.cli import options
from gates.cli.dashboard import board_options, load_board
from gates.errors import ExitCode
from gates.policy.alerts import AlertRule
from gates.policy.load import load_policy
from gates.policy.settings import resolve_base
from gates.system.atomic import atomic_write
from gates.untrusted.safetext import one_line

__all__ = ["COMMANDS", "add_parsers"]

LOCAL: Final = "local"  # the terminal, Markdown, GitHub and JSON forms, sent together


def add_parsers(sub: argparse._SubParsersAction[Any]) -> None:
    """Add ``gates alerts`` to the command line."""
    parser = sub.add_parser(
        "alerts",
        parents=[options.policy(), options.root(), options.base(), options.verbose()],
        help="evaluate the [alert.<name>] rules after a verdict and send what is new",
        description="Rules: [alert.<name>] in gates.toml (docs/policy.md); how they are sent once: docs/alerts.md.",
    )
    board_options(parser)
    parser.add_argument(
        "--state",
        type=Path,
        help="what was already sent (default: <reports>/alerts-state.json; keep it between runs)",
    )
    parser.add_argument("--json", type=Path, help="write the alerts sent to this JSON file")
    parser.add_argument("--markdown", type=Path, help="write the alerts sent as Markdown here")
    parser.add_argument(
        "--github",
        action="store_true",
        default=os.environ.get("GITHUB_ACTIONS") == "true",
        help="workflow commands and the step summary (default: on GitHub Actions)",
    )


def _alerts(args: argparse.Namespace) -> int:
    root = options.root_folder(args.root)
    config = (
        args.config if args.config.is_absolute() or args.config.exists() else root / args.config
    )
    policy = load_policy(config)
    board = load_board(args, root, policy)
    base_branch = resolve_base(args.base, policy.settings.base).removeprefix("origin/")
    raised = evaluate(policy.alerts, board, base_branch=base_branch)
    state_path = args.state or root / policy.settings.reports / "alerts-state.json"
    state = read_state(state_path)
    if state.problem:
        sys.stderr.write(f"alert state not trusted: {one_line(state.problem, 400)}\n")
    new = [a for a in raised if a.key not in state.alerts]
    sent, failures = _webhooks(policy.alerts, raised, state, os.environ)
    _local(args, new, failures)
    kept = {
        a.key: (state.alerts.get(a.key, (board.today, frozenset()))[0], sent[a.key]) for a in raised
    }
    try:
        write_state(state_path, State(kept))
    except OSError as error:
        failures.append(
            f"the alert state {one_line(str(state_path), 200)} cannot be written "
            f"({error.strerror}): the next run sends these alerts again"
        )
    for failure in failures:
        sys.stderr.write(f"alert sink failed (the verdict is unchanged): {failure}\n")
    sys.stdout.write(
        f"{len(raised)} alerts raised, {len(new)} new, {len(raised) - len(new)} already sent"
        + (f", {len(failures)} sinks failed" if failures else "")
        + "\n"
    )
    return ExitCode.PASS


def _deliveries(rule: AlertRule) -> list[Delivery]:
    found = []
    if rule.slack:
        found.append(Delivery(f"slack:{rule.slack}", rule.slack))
    if rule.webhook:
        found.append(Delivery(f"webhook:{rule.webhook}", rule.webhook, rule.token))
    return found


def _webhooks(
    rules: Sequence[AlertRule], raised: Sequence[Alert], state: State, env: Mapping[str, str]
) -> tuple[dict[str, frozenset[str]], list[str]]:
    """Send each webhook the alerts it has not had; what each alert was sent to, and the failures."""
    sent = {a.key: state.alerts.get(a.key, ("", frozenset()))[1] | {LOCAL} for a in raised}
    failures: list[str] = []
    for rule in rules:
        for delivery in _deliveries(rule):
            due = [a for a in raised if a.rule == rule.name and delivery.sink not in sent[a.key]]
            if not due:
                continue
            body = (
                notify.slack_payload(due)
                if delivery.sink.startswith("slack:")
                else notify.generic_payload(due)
            )
            why = post(delivery, body, env)
            if why:
                failures.append(f"[alert.{rule.name}] {delivery.sink.partition(':')[0]}: {why}")
                continue
            for alert in due:
                sent[alert.key] = sent[alert.key] | {delivery.sink}
    return sent, failures


def _local(args: argparse.Namespace, new: Sequence[Alert], failures: list[str]) -> None:
    """The terminal, Markdown, GitHub and JSON forms of the new alerts; a file that fails is a failure."""
    sys.stdout.write(notify.terminal(new))
    if args.github:
        sys.stdout.write(notify.github_commands(new))
        summary = os.environ.get("GITHUB_STEP_SUMMARY", "")
        if summary and new:
            _write(Path(summary), notify.markdown(new), "the step summary", failures, append=True)
    if args.markdown is not None:
        _write(args.markdown, notify.markdown(new), "--markdown", failures)
    if args.json is not None:  # last: it lists the failures of the others
        _write(args.json, notify.json_document(new, failures), "--json", failures)


def _write(path: Path, text: str, what: str, failures: list[str], *, append: bool = False) -> None:
    try:
        if append:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(text)
        else:
            atomic_write(path, text.encode("utf-8"))
    except OSError as error:
        failures.append(f"{what}: cannot write {one_line(str(path), 200)} ({error.strerror})")


COMMANDS: Final = {"alerts": _alerts}
