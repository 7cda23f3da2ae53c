"""``gates check``, as a tuple of small named steps: and a crash still leaves a verdict.

Part of the command line (:mod:`gates.cli` builds the parser, catches every
:class:`gates.errors.GatesError`, prints it and exits). The steps: pair the
output formats with their files; load the policy (tightened by the base
branch's); read the working tree's state; load the evidence; evaluate; render
every format; write them all.

A step that raises something other than a ``GatesError`` is a bug in gates
(:mod:`gates.judge.crash`): the verdict written is then the internal-error gate,
which names the step, the file and the exception type and exits 4, in every
format asked for, so no earlier verdict file is left to be read as this run's.
Every format is rendered before any file is written, so a renderer that fails
never leaves one format with the verdict and another with the crash. The
bug-report block goes to standard error, with the traceback under ``-v``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from gates import __version__
from gates.baseline.apply import baseline_notes, mark_evidence
from gates.cli.options import root_folder
from gates.errors import ExitCode, GatesError, InternalError, PolicyError, UsageError
from gates.history.base import STORE_VARIABLE, load_base_history
from gates.history.model import UNKNOWN, BaseHistory
from gates.judge.crash import crash_verdict, fallback_text, with_crashes
from gates.judge.evaluate import evaluate
from gates.judge.evidence import load_evidence, pin_commit
from gates.load.profiling.kept import evidence_notes
from gates.model.stage import Crash, Evidence
from gates.model.verdict import Verdict
from gates.outputs import OutputFormat, RenderOptions, render
from gates.outputs.markdown import MARKER
from gates.policy.base import judge_against_base
from gates.policy.load import Policy, load_policy
from gates.policy.names import check_names
from gates.policy.settings import resolve_base
from gates.system.atomic import atomic_write
from gates.system.collector import paused
from gates.system.git import TreeState, repository_files, tree_state

__all__ = ["bug_block", "check", "judged", "terminal_safe"]


@dataclass(frozen=True, slots=True)
class _Target:
    format: OutputFormat
    path: Path | None  # None: standard output

    @property
    def shown(self) -> str:
        return str(self.path) if self.path is not None else "standard output"


class _Crashed(Exception):  # noqa: N818 - carries a crash, raised only to be caught
    def __init__(self, crash: Crash) -> None:
        super().__init__(crash.error)
        self.crash = crash


@dataclass(slots=True)
class _Progress:
    """What the steps learnt before one crashed: it goes into the crash verdict."""

    policy: str = "gates.toml"
    stages: tuple[tuple[str, str, bool], ...] = ()
    crashes: tuple[Crash, ...] = field(default=())
    evidence: Evidence | None = None  # what was judged: `gates history record` keeps its tests


@contextmanager
def _step(step: str, path: str = "") -> Iterator[None]:
    """Run one step; a bug in it (anything but a ``GatesError``) becomes :class:`_Crashed`."""
    try:
        yield
    except GatesError:
        raise
    except Exception as error:
        raise _Crashed(Crash.capture(step=step, path=path)) from error


def check(args: argparse.Namespace) -> int:
    """``gates check``: the verdict in every format asked for; its exit code.

    The evidence, the verdict and its texts are millions of objects and no cycle: the
    collector is paused until they are freed, or it would walk them again and again while
    they are built, and once more after (BENCHMARKS.md).
    """
    with paused():
        return _check(args)


def _check(args: argparse.Namespace) -> int:
    targets = _targets(args.format, args.output)
    color = _color(args.color)
    progress = _Progress(policy=str(args.config))
    try:
        verdict = _judge(args, progress)
        texts = _render_all(verdict, targets, color=color)
    except _Crashed as crashed:
        progress.crashes = (*progress.crashes, crashed.crash)
        verdict = crash_verdict(progress.crashes, stages=progress.stages, policy=progress.policy)
        texts = [
            _render_crash(verdict, target, progress.crashes, color=color) for target in targets
        ]
    _write_all(texts, targets)
    _report_crashes(progress.crashes, args.command_line, verbose=args.verbose)
    return verdict.exit_code


def _judge(args: argparse.Namespace, progress: _Progress) -> Verdict:
    with _step("loading the policy", str(args.config)):
        policy, notes = _judging_policy(args.config, args.base_policy, base=args.base)
    progress.policy = policy.source
    root = root_folder(args.root)
    reports = args.reports or policy.settings.reports
    unaffected = policy.settings.unaffected
    with _step("reading the state of the working tree"):
        state = _state(root, commit=args.commit, reports=reports, unaffected=unaffected)
    with _step("loading the evidence", reports):
        evidence = load_evidence(
            root,
            reports=reports,
            state=state,
            max_bytes=policy.settings.max_report_mb * 1024 * 1024,
            unaffected=unaffected,
            budget=policy.settings.budget,
        )
    progress.stages = _stages(evidence)
    progress.crashes = evidence.crashes
    progress.evidence = evidence
    if args.commit:
        evidence = pin_commit(evidence, args.commit)
    with _step("comparing the findings with the baseline and the change"):
        evidence = mark_evidence(policy, evidence, root=root, commit=args.commit)
        notes = (*notes, *baseline_notes(evidence), *evidence_notes(evidence, root=root))
    with _step("checking the policy's names against the evidence"):
        _check_names(policy, evidence, root)
    with _step("reading the base branch's history", policy.settings.history):
        history = _history(policy, root)
    with _step("evaluating the evidence against the policy"):
        today = args.today or dt.datetime.now(dt.UTC).date()
        verdict = evaluate(policy, evidence, today=today, history=history)
    if notes:
        verdict = replace(verdict, notes=(*notes, *verdict.notes))
    return with_crashes(verdict, evidence.crashes)


def judged(args: argparse.Namespace) -> tuple[Verdict, Evidence]:
    """The verdict ``gates check`` would give with ``args``, and the evidence it judged.

    A crash of gates raises :class:`gates.errors.InternalError`: no verdict to keep.
    """
    progress = _Progress(policy=str(args.config))
    try:
        verdict = _judge(args, progress)
    except _Crashed as crashed:
        raise InternalError(
            f"gates crashed {crashed.crash.step}: {crashed.crash.error}",
            slug="internal-error",
            hint="run `gates check -v` for the bug report",
        ) from None
    if progress.evidence is None or verdict.exit_code == ExitCode.INTERNAL:
        raise InternalError(
            "gates crashed while judging: the verdict is not kept",
            slug="internal-error",
            hint="run `gates check -v` for the bug report",
        )
    return verdict, progress.evidence


def _history(policy: Policy, root: Path) -> BaseHistory:
    """The base branch's recorded runs, read only when a gate compares with them."""
    if not any(gate.against_base for gate in policy.gates):
        return UNKNOWN
    store = os.environ.get(STORE_VARIABLE, "").strip()
    return load_base_history(
        root,
        base=policy.settings.base,
        branch=policy.settings.history,
        store=Path(store) if store else None,
    )


def _stages(evidence: Evidence) -> tuple[tuple[str, str, bool], ...]:
    return tuple(
        (s.name, s.manifest.commit, s.manifest.dirty) for s in evidence.stages if s.manifest
    )


def _judging_policy(
    config: Path, base_policy: Path | None, *, base: str | None
) -> tuple[Policy, tuple[str, ...]]:
    """The policy to judge with: ``config``, or the base branch's tightened by it; and notes."""
    policy = _policy(config)
    notes: tuple[str, ...] = ()
    if base_policy is not None:
        based = judge_against_base(_policy(base_policy), policy)
        policy, notes = based.policy, based.notes()
    resolved = resolve_base(base, policy.settings.base)
    policy = replace(policy, settings=replace(policy.settings, base=resolved))
    return policy, notes


def _check_names(policy: Policy, evidence: Evidence, root: Path) -> None:
    """A gate's stage or tool that no evidence has and that reads like a typo: exit 2."""
    tools = {report.entry.tool for stage in evidence.stages for report in stage.reports}
    tools |= {run.name for s in evidence.stages if s.manifest for run in s.manifest.tools}
    stages = [stage.name for stage in evidence.stages]
    try:
        check_names(
            policy.gates,
            stages=stages,
            tools=tools,
            folder=evidence.folder,
            files=repository_files(root) if any(g.paths for g in policy.gates) else None,
        )
    except PolicyError as error:
        raise PolicyError(
            f"{policy.source}: {error.message}", key="", slug=error.slug, hint=error.hint
        ) from None


def _policy(path: Path) -> Policy:
    """The policy; an error inside it names the file as well as the key, and a next step."""
    try:
        return load_policy(path)
    except PolicyError as error:
        where = "" if error.key == str(path) else f"{path}: "
        raise PolicyError(
            f"{where}{error.message}",
            key="",
            slug=error.slug,
            hint=error.hint or f"edit {path} (docs/policy.md lists every key and its values)",
        ) from None


def _targets(formats: Sequence[str], outputs: Sequence[Path]) -> list[_Target]:
    """Pair each ``--format`` with an ``--output`` (or a ``FORMAT:PATH``); the rest go to stdout."""
    if len(outputs) > len(formats):
        raise UsageError(
            "more --output than --format options",
            slug="usage",
            hint="give one --format per --output",
        )
    targets = []
    for index, spec in enumerate(formats or ["terminal"]):
        name, _, inline = spec.partition(":")
        fmt = _format(name)
        path = Path(inline) if inline else (outputs[index] if index < len(outputs) else None)
        targets.append(_Target(fmt, path))
    if sum(t.path is None for t in targets) > 1:
        raise UsageError(
            "several formats would share standard output",
            slug="usage",
            hint="give the others a file: --format json --output verdict.json (or --format json:verdict.json)",
        )
    return targets


def _format(name: str) -> OutputFormat:
    try:
        return OutputFormat(name)
    except ValueError:
        valid = ", ".join(f.value for f in OutputFormat)
        raise UsageError(
            f"unknown format {name!r}", slug="usage", hint=f"valid formats: {valid}"
        ) from None


def _state(
    root: Path, *, commit: str | None, reports: str, unaffected: Sequence[str]
) -> TreeState | None:
    if commit:
        return None
    return tree_state(root, exclude=reports, unaffected=unaffected)


# ---------------------------------------------------------------- rendering and writing


def _color(choice: str) -> bool:
    if choice == "auto":
        return sys.stdout.isatty()
    return choice == "always"


def _render(verdict: Verdict, target: _Target, *, color: bool) -> str:
    to_terminal = target.path is None and sys.stdout.isatty()
    width = max(shutil.get_terminal_size((100, 24)).columns, 60) if to_terminal else 100
    options = RenderOptions(color=color and target.path is None, width=width)
    return render(verdict, target.format, options=options)


def _render_all(verdict: Verdict, targets: Sequence[_Target], *, color: bool) -> list[str]:
    """Every format rendered, before any is written."""
    texts = []
    for target in targets:
        with _step(f"rendering the {target.format.value} verdict", target.shown):
            texts.append(_render(verdict, target, color=color))
    return texts


def _render_crash(
    verdict: Verdict, target: _Target, crashes: Sequence[Crash], *, color: bool
) -> str:
    """The crash verdict in ``target``'s format; plain text if even that fails."""
    try:
        return _render(verdict, target, color=color)
    except Exception:  # noqa: BLE001 - the renderer itself is broken: text that still blocks
        return fallback_text(crashes, MARKER)


def _write_all(texts: Sequence[str], targets: Sequence[_Target]) -> None:
    for text, target in zip(texts, targets, strict=True):
        if target.path is None:
            sys.stdout.write(text)
            continue
        try:
            atomic_write(target.path, text.encode("utf-8"))
        except OSError as error:
            raise UsageError(
                f"cannot write {target.path}: {error.strerror}",
                slug="usage",
                hint="choose a writable --output path",
            ) from None


def _report_crashes(crashes: Sequence[Crash], argv: Sequence[str], *, verbose: bool) -> None:
    """The bug-report block of each crash on standard error (the traceback with ``-v``)."""
    for crash in crashes:
        if verbose:
            sys.stderr.write(crash.trace)
        where = f" at {crash.path}" if crash.path else ""
        sys.stderr.write(
            terminal_safe(
                f"internal error: {crash.error}\n"
                f"  gates crashed {crash.step}{where}; the verdict blocks with exit 4\n"
            )
            + bug_block(argv, verbose=verbose)
        )


# What an error may quote from a file or a policy, but a terminal must not receive:
# control characters other than the line feed (ESC starts an escape sequence).
_TERMINAL_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` with every control character but the line feed shown as U+FFFD."""
    return _TERMINAL_UNSAFE.sub("\ufffd", text)


def bug_block(argv: Sequence[str], *, verbose: bool) -> str:
    """What to paste into a bug report: the versions and the command."""
    return (
        "This is a bug in gates. Please report it with this block"
        + ("" if verbose else " and the output of the same command with -v")
        + ":\n"
        f"  gates {__version__}\n"
        f"  python {platform.python_version()} ({platform.python_implementation()})\n"
        f"  platform {platform.platform()}\n"
        f"  command gates {' '.join(argv)}\n"
    )
