"""The verdict's summary line, as every output and the comment's checks say it.

``PASSED — 9 gates passed, 1 warning`` / ``BLOCKED — 2 gates failed (exit 1)``:
public, because :mod:`gates.ci.verdict_file` checks a verdict read back says
the same.
"""

from __future__ import annotations

from collections import Counter
from typing import Final, assert_never

from gates.judge.crash import GATE_METRIC
from gates.model.verdict import Status, Verdict

__all__ = ["blocked", "summary_line"]


def _phrase(status: Status, n: int) -> str:
    match status:
        case Status.PASS:
            return f"{n} gate{_s(n)} passed"
        case Status.FAIL:
            return f"{n} gate{_s(n)} failed"
        case Status.ERROR:
            return f"{n} evidence error{_s(n)}"
        case Status.WARN:
            return f"{n} warning{_s(n)}"
        case Status.WAIVED:
            return f"{n} waived"
        case _:
            assert_never(status)


def _s(n: int) -> str:
    return "" if n == 1 else "s"


_PASSING_ORDER: Final = (Status.PASS, Status.WARN, Status.WAIVED, Status.FAIL, Status.ERROR)
_BLOCKING_ORDER: Final = (Status.FAIL, Status.ERROR, Status.WARN, Status.WAIVED, Status.PASS)


def blocked(verdict: Verdict) -> bool:
    """Whether the verdict blocks the merge (any non-zero exit blocks)."""
    return verdict.status.blocks or verdict.exit_code != 0


def summary_line(verdict: Verdict) -> str:
    """``"PASSED — 9 gates passed, 1 warning"`` / ``"BLOCKED — 2 gates failed (exit 1)"``.

    A crash of gates (its internal-error gate, :mod:`gates.judge.crash`) reads
    ``"BLOCKED — internal error, 3 gates passed (exit 4)"``.
    """
    crashed = any(gate.metric == GATE_METRIC for gate in verdict.gates)
    tally = Counter(gate.status for gate in verdict.gates if gate.metric != GATE_METRIC)
    order = _BLOCKING_ORDER if blocked(verdict) else _PASSING_ORDER
    phrases = ["internal error"] if crashed else []
    phrases += [_phrase(status, tally[status]) for status in order if tally[status]]
    text = "BLOCKED" if blocked(verdict) else "PASSED"
    text += " — " + (", ".join(phrases) if phrases else "no gates evaluated")
    if verdict.exit_code:
        text += f" (exit {verdict.exit_code})"
    return text
