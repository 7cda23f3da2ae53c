"""``semgrep scan --json --time --verbose``: findings of local rules, and whether the scan was whole.

The security stage runs semgrep offline (``--metrics=off
--disable-version-check``, never ``--validate``) with gates' own rule pack
(``gates/data/semgrep``) or the project's rule folders: never the registry.
Each of ``results`` becomes a finding whose rule is the last dotted part of
``check_id`` (semgrep prefixes a local rule's id with its file's folder,
``home.ci.venv.lib.gates.data.semgrep.eval-dynamic``, which changes from one
machine to the next; the id the rule file declares does not).

Severity (docs/severity.md): ``ERROR`` -> ``high``, ``WARNING`` -> ``medium``,
``INFO`` -> ``low``; the newer levels ``CRITICAL``, ``HIGH``, ``MEDIUM``,
``LOW`` as named; ``INVENTORY`` and ``EXPERIMENT`` -> ``info``. Any other
level is a malformed report.

semgrep exits 0 on an incomplete scan (a rule that does not parse, a file
that does not parse, a file skipped for its size), so the report is checked
whatever the exit code:

* every entry of ``errors`` is ``scan-errors`` (subject: the file, else the
  rule);
* no file in ``paths.scanned`` is ``no-files-checked``; files scanned but no
  rule in ``time.rules`` is ``no-rules-loaded``;
* a file in ``paths.skipped`` for a reason that means it was not analysed
  (too big, a timeout, a parser or internal error, …; anything but the
  ignore files, the include and exclude options and another language) is
  ``files-skipped``;
* a report without ``time.rules`` (no ``--time``) or ``paths.skipped`` (no
  ``--verbose``) cannot show either, and is ``completeness-unknown``.

No count: the verdict's "files scanned" is bandit's, which reads the same
files (added up, every file would count twice).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Final

from gates.model.reports import Finding, Problem, ReportData, Severity
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json

__all__ = ["FORMAT", "SEVERITIES", "TOOL", "read", "rule_of"]

FORMAT: Final = "semgrep-json"
TOOL: Final = "semgrep"

SEVERITIES: Final[Mapping[str, Severity]] = {
    "CRITICAL": Severity.CRITICAL,
    "ERROR": Severity.HIGH,
    "HIGH": Severity.HIGH,
    "WARNING": Severity.MEDIUM,
    "MEDIUM": Severity.MEDIUM,
    "INFO": Severity.LOW,
    "LOW": Severity.LOW,
    "INVENTORY": Severity.INFO,
    "EXPERIMENT": Severity.INFO,
}
# why semgrep skipped a file without that meaning it missed one: configuration, not failure
_CHOSEN_SKIPS: Final = frozenset(
    {
        "always_skipped",
        "semgrepignore_patterns_match",
        "gitignore_patterns_match",
        "cli_include_flags_do_not_match",
        "cli_exclude_flags_match",
        "excluded_by_config",
        "wrong_language",
        "irrelevant_rule",
        "dotfile",
        "minified",
        "binary",
    }
)
_FAILED: Final = "analysis_failed_parser_or_internal_error"  # the file or rule is in `errors`
_MAX_RULE: Final = 200
_MAX_TEXT: Final = 300


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read a semgrep JSON report."""
    doc = Fields(parse_json(blob).value, path=blob.path, where="")
    relpath = functools.cache(context.relpath)
    findings = [_finding(item, relpath) for item in doc.each("results")]
    problems = [_scan_error(blob.path, item, relpath) for item in doc.each("errors")]
    problems += [_skipped_rule(blob.path, item) for item in doc.array("skipped_rules", default=[])]
    paths = doc.obj("paths")
    scanned = paths.array("scanned")
    unknown: list[str] = []
    if paths.has("skipped"):
        # a file semgrep could not parse is in `errors` too: one problem says it
        failed = bool(problems)
        problems += _skipped(blob.path, paths, relpath, failed=failed)
    else:
        unknown.append("which files it skipped (`paths.skipped`: run semgrep with --verbose)")
    rules = _rules(doc)
    if rules is None:
        unknown.append("which rules ran (`time.rules`: run semgrep with --time)")
    if not scanned:
        problems.append(_no_files(blob.path))
    elif rules is not None and not rules:
        problems.append(_no_rules(blob.path))
    if unknown:
        problems.append(_unknown(blob.path, unknown))
    return ReportData(tool=TOOL, findings=findings, problems=problems)


def rule_of(check_id: str) -> str:
    """A semgrep ``check_id`` as a rule: the id its rule file declares, without the folder."""
    return check_id.rsplit(".", 1)[-1] or check_id


def _rules(doc: Fields) -> list[object] | None:
    """The rules semgrep ran (``time.rules``, written with ``--time``); None when not said."""
    if not doc.has("time"):
        return None
    timing = doc.obj("time")
    return timing.array("rules") if timing.has("rules") else None


def _finding(item: Fields, relpath: Callable[[str], str]) -> Finding:
    check_id = item.text("check_id")
    if not check_id or len(check_id) > _MAX_RULE:
        raise malformed(item.path, f"{item.where}.check_id", "a rule id", check_id[:40])
    extra = item.obj("extra")
    level = extra.text("severity")
    severity = SEVERITIES.get(level.upper())
    if severity is None:
        raise malformed(item.path, f"{extra.where}.severity", "a semgrep severity", level[:40])
    message = extra.text("message", default="").strip().splitlines()
    return Finding(
        TOOL,
        rule_of(check_id),
        severity,
        relpath(item.text("path")),
        item.obj("start").count("line"),
        message[0][:_MAX_TEXT] if message else "",
    )


def _scan_error(report: str, item: Fields, relpath: Callable[[str], str]) -> Problem:
    path = item.text("path", default="")
    rule = rule_of(item.text("rule_id", default=""))
    kind = item.raw("type")
    name = kind if isinstance(kind, str) else (kind[0] if isinstance(kind, list) and kind else "")
    said = item.text("message", default="").strip().splitlines()
    where = relpath(path) if path else (f"rule {rule}" if rule else "the scan")
    return Problem(
        slug="scan-errors",
        path=report,
        message=f"semgrep could not analyse {where}: {str(name)[:60] or 'error'}"
        + (f" ({said[0][:200]})" if said else ""),
        hint="fix the file or the rule (semgrep's `errors` in the report say how), "
        "and rerun the security stage",
        subject=relpath(path) if path else (rule or TOOL),
    )


def _skipped(
    report: str, paths: Fields, relpath: Callable[[str], str], *, failed: bool
) -> list[Problem]:
    """The files skipped unanalysed; with ``failed``, not those its errors already name."""
    problems = []
    for item in paths.each("skipped"):
        reason = item.text("reason")
        if reason in _CHOSEN_SKIPS or (failed and reason == _FAILED):
            continue
        path = relpath(item.text("path"))
        problems.append(
            Problem(
                slug="files-skipped",
                path=report,
                message=f"semgrep skipped {path} without analysing it ({reason[:60]})",
                hint="raise the limit that skipped it (--max-target-bytes, --timeout) or "
                "exclude the file on purpose (.semgrepignore), and rerun the security stage",
                subject=path,
            )
        )
    return problems


def _skipped_rule(report: str, item: object) -> Problem:
    """A rule semgrep left out (one that needs another engine or version): it did not run."""
    rule = item.get("rule_id") if isinstance(item, dict) else None
    name = rule_of(rule)[:_MAX_RULE] if isinstance(rule, str) and rule else "a rule"
    return Problem(
        slug="scan-errors",
        path=report,
        message=f"semgrep did not run {name} (its `skipped_rules`)",
        hint="use rules this semgrep runs offline, or remove the rule, and rerun the stage",
        subject=name,
    )


def _no_files(report: str) -> Problem:
    return Problem(
        slug="no-files-checked",
        path=report,
        message="semgrep scanned no file, so it could find nothing (no file under its paths "
        "in its rules' languages, or no rule loaded at all: semgrep then reads no file)",
        hint="pass the package's folders to semgrep and check .semgrepignore and --exclude",
        subject=TOOL,
    )


def _no_rules(report: str) -> Problem:
    return Problem(
        slug="no-rules-loaded",
        path=report,
        message="semgrep ran no rule, so it could find nothing",
        hint="point --config at rule files (gates' pack, gates/data/semgrep, or the project's "
        "rule folder) that hold rules for the scanned languages",
        subject=TOOL,
    )


def _unknown(report: str, missing: list[str]) -> Problem:
    return Problem(
        slug="completeness-unknown",
        path=report,
        message=f"the semgrep report does not say {' nor '.join(missing)}",
        hint="run semgrep as the security stage does: --json --time --verbose",
        subject=TOOL,
    )
