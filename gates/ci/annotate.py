"""Findings on the changed lines, as GitHub workflow commands (annotations).

``gates annotate`` reads the JSON verdict and ``git diff --unified=0
<base>...HEAD`` and prints one workflow command per annotation::

    ::error file=gates/cli.py,line=12,title=ruff E501::Line too long (120 > 100)

* **What**: every gate that blocks (``error``) or warns (``warning``), without
  a file; then every finding no waiver covers that lies on a line the change
  adds or modifies, the most severe first: critical/high -> ``error``, medium
  -> ``warning``, low/info -> ``notice``. Findings elsewhere are the
  verdict's, not the change's: the job summary and code scanning list them.
* **How many**: GitHub shows at most 10 annotations of each level per step and
  50 per job, so at most ``limit`` (50) are printed, then one notice says how
  many more there are.
* **Escaping** (GitHub's rules, as ``@actions/core`` applies them): in the
  message ``%``, ``\\r`` and ``\\n`` become ``%25``, ``%0D`` and ``%0A``; in a
  property (file, title) ``:`` and ``,`` too (``%3A``, ``%2C``). Control and
  bidirectional characters are made visible first, so evidence text can
  neither end the command's line nor start another command.

Pure but for :func:`git_changed_lines`, which runs git.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Final

from gates.errors import EvidenceError
from gates.model.reports import Finding, Severity
from gates.model.verdict import Status, Verdict
from gates.system.git import run_git
from gates.system.gitdiff import changed_lines
from gates.untrusted.safetext import one_line, printable

__all__ = [
    "escape_data",
    "escape_property",
    "git_changed_lines",
    "workflow_commands",
]

LIMIT: Final = 50
_DATA: Final = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A"})
_PROPERTY: Final = str.maketrans({"%": "%25", "\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"})


def escape_data(text: str) -> str:
    """A workflow command's message: one line, as GitHub reads it back."""
    return printable(text).translate(_DATA)


def escape_property(text: str) -> str:
    """A workflow command's property value (``file=``, ``title=``)."""
    return printable(text).translate(_PROPERTY)


def git_changed_lines(root: Path, base: str) -> dict[str, frozenset[int]]:
    """The lines ``<base>...HEAD`` adds or modifies, per repository-relative path."""
    command = [
        "-c",
        "core.quotePath=false",
        "diff",
        "--unified=0",
        "--no-color",
        "--no-ext-diff",
        "--no-renames",
        f"{base}...HEAD",
        "--",
    ]
    done = run_git(root, *command, timeout=120)
    if done.why:
        raise _no_diff(base, done.why)
    if not done.ok:
        said = done.stderr.decode("utf-8", "replace").strip()
        raise _no_diff(base, said.splitlines()[-1] if said else "")
    return changed_lines(done.text)


def _no_diff(base: str, why: str) -> EvidenceError:
    return EvidenceError(
        f"cannot tell the changed lines: `git diff {base}...HEAD` failed ({one_line(why, 300)})",
        slug="wrong-base",
        hint="fetch the base (`fetch-depth: 0`), or pass --base with a ref that exists",
    )


def workflow_commands(
    verdict: Verdict, changed: Mapping[str, frozenset[int]], *, limit: int = LIMIT
) -> list[str]:
    """The workflow commands for ``verdict``: its gates, then its findings on ``changed`` lines."""
    lines = [_gate(name, status, reason) for name, status, reason in _gates(verdict)]
    on_change = [
        finding
        for finding, waived in verdict.findings
        if not waived and finding.line > 0 and finding.line in changed.get(finding.path, ())
    ]
    on_change.sort(key=lambda f: (-f.severity, f.path, f.line, f.tool, f.rule))
    lines += [_finding(finding) for finding in on_change]
    if len(lines) > limit:
        hidden = len(lines) - (limit - 1)
        lines = lines[: limit - 1]
        lines.append(
            "::notice title=gates::"
            + escape_data(
                f"{hidden:,} more annotations not shown: see the job summary and the verdict"
            )
        )
    return lines


def _gates(verdict: Verdict) -> Sequence[tuple[str, Status, str]]:
    return [
        (gate.name, gate.status, gate.reason)
        for gate in verdict.gates
        if gate.status in (Status.FAIL, Status.ERROR, Status.WARN)
    ]


def _gate(name: str, status: Status, reason: str) -> str:
    level = "warning" if status is Status.WARN else "error"
    title = escape_property(one_line(f"gates: {name} ({status.value})", 200))
    return f"::{level} title={title}::{escape_data(one_line(reason, 1000))}"


def _level(severity: Severity) -> str:
    if severity >= Severity.HIGH:
        return "error"
    return "warning" if severity is Severity.MEDIUM else "notice"


def _finding(finding: Finding) -> str:
    path = PurePosixPath(finding.path)
    properties = []
    if not path.is_absolute() and ".." not in path.parts:
        properties.append(f"file={escape_property(finding.path)}")
        properties.append(f"line={finding.line}")
    rule = f" {finding.rule}" if finding.rule else ""
    properties.append(f"title={escape_property(one_line(finding.tool + rule, 200))}")
    message = escape_data(one_line(finding.message or finding.rule, 1000))
    return f"::{_level(finding.severity)} {','.join(properties)}::{message}"
