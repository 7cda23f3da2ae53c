"""``ruff check --output-format json``: a list of diagnostics.

Each diagnostic becomes a :class:`~gates.model.Finding` with ruff's rule code;
a preview rule that has no code yet (``"code": null`` with a ``name`` such as
``pytest-fixture-autouse``) is known by its name. Ruff's rules carry no
severity, so gates assigns one (docs/severity.md):

* ``high``: the file could not be read (``E902``) or parsed (``invalid-syntax``;
  ``E999``, or a null code without a rule name, in older ruff versions);
* ``medium``: the security rules ported from bandit (``S`` + digits);
* ``low``: every other rule.

A file ruff could not read or parse was not linted past the error (ruff does
not even report an unused import in it), so each such file is also a problem
``lint-incomplete`` whose subject is the file. The JSON does not say how many
files ruff checked: that count comes from the ``file-list`` report.

:func:`read_diagnostics` is shared with the ``ruff format --check`` reader,
which prints the same JSON.
"""

from __future__ import annotations

import functools
from typing import Final, NamedTuple

from gates.errors import EvidenceError
from gates.model.reports import Finding, Problem, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json
from gates.untrusted.safetext import MAX_INT, in_range

__all__ = [
    "FORMAT",
    "TOOL",
    "UNCHECKED_RULES",
    "Diagnostics",
    "read",
    "read_diagnostics",
    "severity_of",
]

FORMAT: Final = "ruff-json"
TOOL: Final = "ruff"

SYNTAX_ERROR: Final = "invalid-syntax"
IO_ERROR: Final = "E902"
_SYNTAX_CODES: Final = frozenset({SYNTAX_ERROR, "E999"})
UNCHECKED_RULES: Final = frozenset({SYNTAX_ERROR, IO_ERROR})
_MISSING: Final = object()


class Diagnostics(NamedTuple):
    """The findings of a ruff JSON report, and the files ruff could not check."""

    findings: list[Finding]
    unchecked: dict[str, Finding]  # path -> the first read or parse error in it


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read a ``ruff check`` JSON report."""
    result = read_diagnostics(blob, context)
    problems = [_lint_incomplete(blob.path, error) for error in result.unchecked.values()]
    return ReportData(tool=TOOL, findings=result.findings, problems=problems)


def read_diagnostics(blob: Blob, context: ReadContext) -> Diagnostics:
    """Every diagnostic of a ruff JSON report (``check`` or ``format --check``)."""
    items = parse_json(blob).value
    if not isinstance(items, list):
        raise malformed(blob.path, "", "a list of diagnostics", items)
    relpath = functools.cache(context.relpath)
    rule_of = functools.cache(_rule_and_severity)
    findings: list[Finding] = []
    unchecked: dict[str, Finding] = {}
    new = tuple.__new__  # Finding(...) without its Python __new__: 200,000 findings
    for index, item in enumerate(items):
        if type(item) is not dict:
            raise _explain(blob.path, index, item)
        code = item.get("code", _MISSING)
        filename = item.get("filename")
        location = item.get("location")
        row = location.get("row") if type(location) is dict else None
        message = item.get("message")
        if (
            type(filename) is not str
            or type(message) is not str
            or type(row) is not int
            or not -MAX_INT <= row <= MAX_INT
            or (code is not None and type(code) is not str)
        ):
            raise _explain(blob.path, index, item)
        cell = item.get("cell")
        if cell is not None:
            if type(cell) is not int or not in_range(cell):
                raise malformed(blob.path, f"[{index}].cell", "a notebook cell number", cell)
            message = f"cell {cell}: {message}"
        rule, severity = rule_of(code) if code is not None else _codeless(item.get("name"), message)
        finding = new(Finding, (TOOL, rule, severity, relpath(filename), row, message, 0))
        findings.append(finding)
        if rule in UNCHECKED_RULES and finding.path not in unchecked:
            unchecked[finding.path] = finding
    return Diagnostics(findings, unchecked)


def _codeless(name: object, message: str) -> tuple[str, Severity]:
    """A diagnostic without a code: a preview rule known by its name, or (older ruff) a syntax error."""
    if (
        type(name) is str
        and name
        and name not in ("invalid-syntax", "syntax-error")
        and not message.startswith("SyntaxError")
    ):
        return name, Severity.LOW
    return _rule_and_severity(None)


def severity_of(code: str | None) -> Severity:
    """The severity gates gives a ruff rule code (see the module docstring)."""
    return _rule_and_severity(code)[1]


def _rule_and_severity(code: str | None) -> tuple[str, Severity]:
    if code is None or code in _SYNTAX_CODES:
        return SYNTAX_ERROR, Severity.HIGH
    if code == IO_ERROR:
        return code, Severity.HIGH
    if code[:1] == "S" and code[1:2].isdigit():
        return code, Severity.MEDIUM
    return code, Severity.LOW


def _explain(path: str, index: int, item: object) -> EvidenceError:
    """The precise error for a diagnostic the fast path rejected."""
    fields = Fields(item, path=path, where=f"[{index}]")
    fields.text("filename")
    fields.text("message")
    fields.obj("location").integer("row")
    if not fields.has("code"):
        fields.text("code")  # raises: `[index].code` is missing
    code = fields.raw("code")
    if code is not None and not isinstance(code, str):
        return malformed(path, f"[{index}].code", "a string or null", code)
    return malformed(path, f"[{index}]", "a ruff diagnostic", item)


def _lint_incomplete(path: str, error: Finding) -> Problem:
    verb = "read" if error.rule == IO_ERROR else "parse"
    return Problem(
        slug="lint-incomplete",
        path=path,
        message=(
            f"ruff could not {verb} {error.location} ({error.message}), "
            "so its rules were not checked"
        ),
        hint="fix the file, or exclude it in ruff's configuration if it is not Python source",
        subject=error.path,
    )
