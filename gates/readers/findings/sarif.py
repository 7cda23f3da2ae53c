"""SARIF 2.1.0 logs: ruff, bandit, zizmor, semgrep, CodeQL and any other producer.

Each finding takes its tool name from its run's ``tool.driver.name``: the first
word, lower-cased ("Semgrep OSS" -> ``semgrep``, "Bandit" -> ``bandit``).

Severity (docs/severity.md): a ``security-severity`` score in the result's or
the rule's ``properties`` wins (>= 9.0 critical, >= 7.0 high, >= 4.0 medium,
> 0 low, 0 info); otherwise the SARIF level of the result, else of the rule's
``defaultConfiguration``, else ``warning`` (``none`` when the result has a
``kind`` other than ``fail``): error -> high, warning -> medium, note -> low,
none -> info.

Not findings: results suppressed in source (a suppression whose status is
absent or ``accepted``; counted as suppressed), results whose
``baselineState`` is ``absent``, and results of kind ``pass`` or
``notApplicable``.

Problems: ``no-runs`` (the log holds no run), ``tool-failed`` (an invocation
says ``executionSuccessful: false``), ``tool-errors`` (the tool claims success
but reported error-level notifications, as semgrep does for a rule that does
not parse and bandit for a file that does not parse), ``no-results`` (a run
without a ``results`` array: the tool produced none).
"""

from __future__ import annotations

from typing import Final
from urllib.parse import unquote

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Finding, Problem, ReportData, Severity
from gates.readers.findings.sarif_result import (
    LEVELS,
    base_uri,
    default_level,
    from_score,
    is_absolute,
    message_text,
    repository_path,
    security_score,
    uri_bases,
)
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json
from gates.untrusted.safetext import MAX_INT, shown

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "sarif"
TOOL: Final = "sarif"

_VERSION: Final = "2.1.0"
_NOT_PROBLEMS: Final = ("pass", "notApplicable")  # a tuple: `in` must not hash the value

_Obj = dict[str, object]


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read one SARIF log: every run's findings, suppressions and failures."""
    log = Fields(parse_json(blob).value, path=blob.path, where="")
    _check_version(log)
    runs = log.raw("runs")
    if runs is None or runs == []:
        return ReportData(tool=TOOL, problems=[_no_runs(blob.path)])
    totals = _Totals()
    for index, run in enumerate(log.array("runs")):
        _Run(Fields(run, path=blob.path, where=f"runs[{index}]"), context).read(totals)
    return ReportData(
        tool=totals.tools[0],
        findings=totals.findings,
        counts=totals.counts(),
        problems=totals.problems,
    )


def _check_version(log: Fields) -> None:
    version = log.raw("version")
    if version != _VERSION:
        named = "no `version`" if version is None else f"version {shown(version)}"
        raise EvidenceError(
            f"is a SARIF log with {named}; gates reads SARIF {_VERSION}",
            slug="unsupported-format",
            path=log.path,
            hint="configure the tool to write SARIF 2.1.0 (the version GitHub code scanning reads)",
        )


def _no_runs(path: str) -> Problem:
    return Problem(
        slug="no-runs",
        path=path,
        message="the SARIF log holds no run: the tool analysed nothing",
        hint="check the stage's command: the tool must run and write its results",
    )


class _Totals:
    """What the runs of one log add up to."""

    def __init__(self) -> None:
        self.tools: list[str] = []
        self.findings: list[Finding] = []
        self.problems: list[Problem] = []
        self.suppressed = 0
        self.files: int | None = None

    def counts(self) -> dict[Count, int]:
        counts = {Count.FINDINGS_SUPPRESSED: self.suppressed}
        if self.files is not None:
            counts[Count.FILES_SCANNED] = self.files
        return counts


def tool_name(driver_name: str) -> str:
    """The tool id of a SARIF driver name: its first word, lower-cased."""
    words = driver_name.split()
    return words[0].lower() if words else TOOL


class _Run:
    """One run: its tool, rules and base URIs, and the reading of its results."""

    def __init__(self, run: Fields, context: ReadContext) -> None:
        tool = run.obj("tool")
        driver = tool.obj("driver")
        self.run = run
        self.context = context
        self.tool = tool_name(driver.text("name"))
        self.components = [_rules(driver)]  # the driver, then tool.extensions[i]
        if tool.raw("extensions") is not None:
            self.components += [_rules(extension) for extension in tool.each("extensions")]
        self.by_id = {rule["id"]: rule for rules in self.components for rule in rules}
        self.bases = uri_bases(run)
        self.artifacts = run.array("artifacts") if run.raw("artifacts") is not None else []
        self.paths: dict[tuple[str, str | None], str] = {}

    def read(self, totals: _Totals) -> None:
        totals.tools.append(self.tool)
        failed = self._invocations(totals.problems)
        if self.run.raw("artifacts") is not None:
            totals.files = (totals.files or 0) + len(self.run.array("artifacts"))
        results = self.run.raw("results")
        if results is None:
            if not failed:
                totals.problems.append(self._no_results())
            return
        totals.suppressed += self._results(self.run.array("results"), totals.findings)

    def _results(self, results: list[object], findings: list[Finding]) -> int:
        suppressed = 0
        for index, result in enumerate(results):
            if type(result) is not dict:
                raise self._bad(index, "", "an object", result)
            if result.get("baselineState") == "absent" or result.get("kind") in _NOT_PROBLEMS:
                continue
            if result.get("suppressions") and self._suppressed(result, index):
                suppressed += 1
                continue
            findings.append(self._finding(result, index))
        return suppressed

    def _suppressed(self, result: _Obj, index: int) -> bool:
        suppressions = result["suppressions"]
        if type(suppressions) is not list:
            raise self._bad(index, ".suppressions", "a list", suppressions)
        for number, suppression in enumerate(suppressions):
            if type(suppression) is not dict:
                raise self._bad(index, f".suppressions[{number}]", "an object", suppression)
            if suppression.get("status") in (None, "accepted"):
                return True
        return False

    def _finding(self, result: _Obj, index: int) -> Finding:
        rule = self._rule(result, index)
        rule_id = result.get("ruleId")
        if rule_id is None:
            reference = result.get("rule")
            rule_id = reference.get("id") if type(reference) is dict else None
            if rule_id is None and rule is not None:
                rule_id = rule["id"]
        if rule_id is not None and type(rule_id) is not str:
            raise self._bad(index, ".ruleId", "a string", rule_id)
        path, line = self._location(result.get("locations"), index)
        return Finding(
            self.tool,
            rule_id or "",
            self._severity(result, rule, index),
            path,
            line,
            message_text(result.get("message"), rule),
        )

    def _rule(self, result: _Obj, index: int) -> _Obj | None:
        """The rule a result names, by index (in its tool component) or by id."""
        reference = result.get("rule")
        if reference is not None and type(reference) is not dict:
            raise self._bad(index, ".rule", "an object", reference)
        position = result.get("ruleIndex")
        component = 0
        if reference is not None:
            if position is None:
                position = reference.get("index")
            component = _component_index(reference.get("toolComponent"))
        if type(position) is int and 0 <= component < len(self.components):
            rules = self.components[component]
            if 0 <= position < len(rules):
                return rules[position]
        rule_id = result.get("ruleId")
        if rule_id is None and reference is not None:
            rule_id = reference.get("id")
        return self.by_id.get(rule_id) if type(rule_id) is str else None

    def _severity(self, result: _Obj, rule: _Obj | None, index: int) -> Severity:
        score = security_score(result.get("properties"))
        if score is None and rule is not None:
            score = security_score(rule.get("properties"))
        if score is not None:
            return from_score(score)
        level = result.get("level")
        if level is None:
            kind = result.get("kind")
            level = "none" if kind is not None and kind != "fail" else default_level(rule)
        severity = LEVELS.get(level) if type(level) is str else None
        if severity is None:
            raise self._bad(index, ".level", "one of error, warning, note, none", level)
        return severity

    def _location(self, locations: object, index: int) -> tuple[str, int]:
        if locations is None or locations == []:
            return "", 0
        if type(locations) is not list or type(locations[0]) is not dict:
            raise self._bad(index, ".locations", "a list of objects", locations)
        physical = locations[0].get("physicalLocation")
        if physical is None:
            return "", 0  # a logical location only (a module, a function)
        if type(physical) is not dict:
            raise self._bad(index, ".locations[0].physicalLocation", "an object", physical)
        artifact = physical.get("artifactLocation")
        path = self._path(artifact, index) if artifact is not None else ""
        region = physical.get("region")
        if region is None:
            return path, 0
        line = region.get("startLine", 0) if type(region) is dict else None
        if type(line) is not int or not 0 <= line <= MAX_INT:
            where = ".locations[0].physicalLocation.region.startLine"
            raise self._bad(index, where, "a line number", line)
        return path, line

    def _path(self, artifact: object, index: int) -> str:
        where = ".locations[0].physicalLocation.artifactLocation"
        if type(artifact) is not dict:
            raise self._bad(index, where, "an object", artifact)
        uri, base = artifact.get("uri"), artifact.get("uriBaseId")
        if uri is None:
            uri, base = self._artifact_uri(artifact.get("index"))
        if type(uri) is not str:
            raise self._bad(index, f"{where}.uri", "a string", uri)
        if base is not None and type(base) is not str:
            raise self._bad(index, f"{where}.uriBaseId", "a string", base)
        key = (uri, base)
        path = self.paths.get(key)
        if path is None:
            path = self.paths[key] = self._resolve(uri, base)
        return path

    def _artifact_uri(self, position: object) -> tuple[object, object]:
        """The URI of ``run.artifacts[position]``, for a location that gives an index."""
        if type(position) is not int or not 0 <= position < len(self.artifacts):
            return "", None
        artifact = self.artifacts[position]
        location = artifact.get("location") if type(artifact) is dict else None
        if type(location) is not dict:
            return "", None
        return location.get("uri", ""), location.get("uriBaseId")

    def _resolve(self, uri: str, base: str | None) -> str:
        if not uri:
            return ""
        if base and not is_absolute(uri):
            prefix = base_uri(self.bases, base)
            if prefix:
                uri = prefix.rstrip("/") + "/" + uri
        return repository_path(uri, self.context)

    def _invocations(self, problems: list[Problem]) -> bool:
        """Add the problems the run's invocations report; whether one failed."""
        failed = False
        if self.run.raw("invocations") is None:
            return failed
        for invocation in self.run.each("invocations"):
            errors = _error_notes(invocation)
            success = invocation.raw("executionSuccessful")
            if success is False:
                failed = True
                problems.append(self._failed(errors))
            elif errors:
                problems.append(self._errors(errors))
        return failed

    def _failed(self, errors: list[str]) -> Problem:
        why = f": {errors[0]}" if errors else " (it gave no reason)"
        return Problem(
            slug="tool-failed",
            path=self.run.path,
            message=f"{self.tool} reports that its run failed{why}",
            hint=f"read {self.tool}'s output in the stage log, fix the cause and rerun the stage",
            subject=self.tool,
        )

    def _errors(self, errors: list[str]) -> Problem:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return Problem(
            slug="tool-errors",
            path=self.run.path,
            message=f"{self.tool} reported {len(errors)} error(s) during its run, so its "
            f"results may be incomplete: {errors[0]}{more}",
            hint=f"fix what {self.tool} could not process (a file, a rule, a path) "
            "and rerun the stage",
            subject=self.tool,
        )

    def _no_results(self) -> Problem:
        return Problem(
            slug="no-results",
            path=self.run.path,
            message=f"the {self.tool} run has no `results`: the tool produced none",
            hint=f"check that {self.tool} ran to completion and rerun the stage",
            subject=self.tool,
        )

    def _bad(self, index: int, suffix: str, expected: str, value: object) -> EvidenceError:
        return malformed(
            self.run.path, f"{self.run.where}.results[{index}]{suffix}", expected, value
        )


def _rules(component: Fields) -> list[_Obj]:
    """The rules of a tool component, checked once so results can index them."""
    rules: list[_Obj] = []
    if component.raw("rules") is None:
        return rules
    for rule in component.each("rules"):
        rule.text("id")
        rules.append(dict(rule.items()))
    return rules


def _component_index(reference: object) -> int:
    """0 for the driver, 1 + i for ``tool.extensions[i]``."""
    if type(reference) is not dict:
        return 0
    position = reference.get("index")
    return position + 1 if type(position) is int else 0


def _error_notes(invocation: Fields) -> list[str]:
    """The messages of an invocation's error-level notifications, with their file."""
    notes: list[str] = []
    for key in ("toolExecutionNotifications", "toolConfigurationNotifications"):
        if invocation.raw(key) is None:
            continue
        notes.extend(
            _note_text(note)
            for note in invocation.each(key)
            if note.raw("level", "warning") == "error"
        )
    return notes


def _note_text(note: Fields) -> str:
    message = note.raw("message")
    text = message.get("text") if type(message) is dict else None
    lines = text.strip().splitlines() if type(text) is str else []
    line = lines[0] if lines else "(no message)"
    locations = note.raw("locations")
    if type(locations) is list and locations and type(locations[0]) is dict:
        physical = locations[0].get("physicalLocation")
        artifact = physical.get("artifactLocation") if type(physical) is dict else None
        uri = artifact.get("uri") if type(artifact) is dict else None
        if type(uri) is str:
            return f"{line} ({unquote(uri)})"
    return line
