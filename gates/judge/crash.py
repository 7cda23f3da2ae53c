"""A crash still leaves a verdict: what ``gates check`` writes when gates itself fails.

A reader, the evaluation or a renderer that raises something other than a
:class:`gates.errors.GatesError` is a bug in gates. Stopping there would leave
the previous run's verdict files in place (or none), and a pull request's
comment and summary would show an old result. Instead:

* a reader that crashes on a report is an ``internal-error`` problem of that
  report (its gates block, the others are judged), recorded as a
  :class:`Crash`;
* every crash adds the gate :data:`GATE_NAME` to the verdict, which blocks,
  names the file or step and the exception type, and makes the exit code 4;
* a crash outside the readers (the policy's loading, the tree state, the
  evaluation, a renderer) leaves a verdict of that gate alone
  (:func:`crash_verdict`), rendered in every format asked for; a format that
  cannot render even that gets :func:`fallback_text`.

The command line still prints the bug-report block (and, with ``-v``, the
traceback kept here) on standard error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from gates.errors import ExitCode
from gates.model.stage import Crash
from gates.model.verdict import GateResult, Level, Status, Verdict

__all__ = [
    "EXIT_INTERNAL",
    "GATE_METRIC",
    "GATE_NAME",
    "crash_verdict",
    "fallback_text",
    "with_crashes",
]

EXIT_INTERNAL: Final = ExitCode.INTERNAL
# Not a name gates.toml can give a gate (no spaces there): never one of the policy's.
GATE_NAME: Final = "gates internal error"
GATE_METRIC: Final = "internal-error"
_REPRODUCE: Final = "gates check -v"


def _gate(crashes: Sequence[Crash]) -> GateResult:
    first = crashes[0]
    more = f", and {len(crashes) - 1} more crash{'es' if len(crashes) > 2 else ''}"
    where = f" at {first.path}" if first.path else ""
    return GateResult(
        name=GATE_NAME,
        metric=GATE_METRIC,
        status=Status.ERROR,
        level=Level.BLOCK,
        observed=None,
        bound="",
        reason=f"gates crashed {first.step}{where}: {first.error.partition(':')[0]}"
        f"{more if len(crashes) > 1 else ''} — a bug in gates, which blocks until it is fixed",
        stages=(),
        evidence=tuple(dict.fromkeys(crash.path for crash in crashes if crash.path)),
        problems=tuple(crash.problem for crash in crashes),
        reproduce=_REPRODUCE,
    )


def with_crashes(verdict: Verdict, crashes: Sequence[Crash]) -> Verdict:
    """``verdict`` with the internal-error gate first, blocking with exit 4; as is without crashes."""
    if not crashes:
        return verdict
    return replace(
        verdict,
        status=Status.ERROR,
        exit_code=EXIT_INTERNAL,
        gates=(_gate(crashes), *verdict.gates),
    )


def crash_verdict(
    crashes: Sequence[Crash],
    *,
    stages: tuple[tuple[str, str, bool], ...] = (),
    policy: str = "gates.toml",
) -> Verdict:
    """A verdict of the internal-error gate alone, for a crash that left no other."""
    return Verdict(
        status=Status.ERROR,
        exit_code=EXIT_INTERNAL,
        gates=(_gate(crashes),),
        waivers=(),
        counts=(),
        findings=(),
        stages=stages,
        policy=policy,
    )


def fallback_text(crashes: Sequence[Crash], marker: str) -> str:
    """What a format that cannot render even :func:`crash_verdict` gets: plain text that blocks.

    It starts with ``marker`` (the Markdown comment's), so a step that looks for
    the verdict finds it, and a reader of JSON or XML finds no verdict in it.
    It names the exceptions' types only: with no renderer left to escape them,
    a message or a path from the evidence could carry markup.
    """
    kinds = ", ".join(dict.fromkeys(crash.error.partition(":")[0] for crash in crashes))
    return (
        f"{marker}\n"
        "gates: BLOCKED — internal error (exit 4)\n\n"
        f"gates crashed ({kinds}) and could not render its verdict: the log of "
        "`gates check` names the file and the step.\n"
    )
