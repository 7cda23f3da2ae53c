"""The pip-audit-json reader against pip-audit's real JSON (tests/assets/pip-audit/2.10.1/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Finding, ReportData, Severity
from gates.readers import Reader
from gates.readers.advisories import pip_audit_json
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "pip-audit" / "2.10.1"
CONTEXT = ReadContext("/work/main")
READER: Reader = pip_audit_json


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"pip-audit/{name}")


def recorded(name: str) -> dict[str, list[dict[str, object]]]:
    value = json.loads((ASSETS / name).read_bytes())
    assert isinstance(value, dict)
    return value


def derived(value: object) -> Blob:
    return Blob("derived/pip-audit.json", json.dumps(value).encode(), "")


def read(blob: Blob) -> ReportData:
    return READER.read(blob, CONTEXT)


def test_module_names_its_format_and_tool() -> None:
    assert (pip_audit_json.FORMAT, pip_audit_json.TOOL) == ("pip-audit-json", "pip-audit")


# ------------------------------------------------------------------ real reports


def test_each_vulnerability_is_a_high_finding_named_by_its_id() -> None:
    data = read(asset("vulnerable.json"))
    assert [(f.rule, f.severity, f.path, f.line) for f in data.findings] == [
        ("PYSEC-2018-28", Severity.HIGH, "", 0),
        ("PYSEC-2023-74", Severity.HIGH, "", 0),
        ("CVE-2024-35195", Severity.HIGH, "", 0),  # PyPI's id is GHSA-9wx4-h78v-vm56
        ("PYSEC-2022-42969", Severity.HIGH, "", 0),
    ]


def test_message_names_package_fix_aliases_and_description() -> None:
    first = read(asset("vulnerable.json")).findings[0]
    assert first == Finding(
        "pip-audit",
        "PYSEC-2018-28",
        Severity.HIGH,
        "",
        0,
        "requests 2.19.0 (fixed in 2.20.0; also CVE-2018-18074, GHSA-x84v-xcm2-53pg): "
        "The Requests package before 2.20.0 for Python sends an HTTP Authorization header "
        "to an http URI upon receiving a same-hostname https-to-http redirect, which makes "
        "it easier for remote attackers to discover credentials by sniffing the network.",
    )
    no_fix = read(asset("vulnerable.json")).findings[3]
    assert no_fix.message.startswith("py 1.11.0 (no fixed version; also CVE-2022-42969, GHSA-")


def test_aliases_are_sorted_whatever_order_pip_audit_wrote() -> None:
    # pip-audit keeps aliases in a set: their order changes from run to run
    report = recorded("vulnerable.json")
    vulns = report["dependencies"][0]["vulns"]
    assert isinstance(vulns, list)
    vulns[0]["aliases"] = ["GHSA-x84v-xcm2-53pg", "CVE-2018-18074"]
    forward = read(derived(report)).findings[0].message
    vulns[0]["aliases"] = ["CVE-2018-18074", "GHSA-x84v-xcm2-53pg"]
    assert read(derived(report)).findings[0].message == forward


def test_report_without_aliases_and_descriptions() -> None:
    findings = read(asset("vulnerable-bare.json")).findings  # --aliases off --desc off
    assert [f.message for f in findings] == [
        "requests 2.19.0 (fixed in 2.20.0)",
        "requests 2.19.0 (fixed in 2.31.0)",
        "requests 2.19.0 (fixed in 2.32.0)",
        "py 1.11.0 (no fixed version)",
    ]


def test_skipped_dependency_is_an_incomplete_audit_named_by_package() -> None:
    data = read(asset("vulnerable.json"))
    assert data.counts == {Count.PACKAGES_AUDITED: 3, Count.PACKAGES_SKIPPED: 1}
    [problem] = data.problems
    assert (problem.slug, problem.subject, problem.path) == (
        "audit-incomplete",
        "acme-internal-lib",
        "pip-audit/vulnerable.json",
    )
    # pip-audit's reason, without the "acme-internal-lib (1.4.2)" it appends
    assert problem.message == (
        'acme-internal-lib: not audited by pip-audit ("Dependency not found on PyPI and could '
        'not be audited")'
    )
    assert "rerun the security stage with network access" in problem.hint
    assert 'evidence = "pip-audit:audit-incomplete:<package>"' in problem.hint


def test_unreachable_service_skips_everything_and_blocks() -> None:
    # pip-audit exit 0, "No known vulnerabilities found": the fail-open case
    assert "all-skipped.json 0" in (ASSETS / "exit-codes.txt").read_text()
    data = read(asset("all-skipped.json"))
    assert data.findings == []
    assert data.counts == {Count.PACKAGES_AUDITED: 0, Count.PACKAGES_SKIPPED: 4}
    assert [(p.slug, p.subject) for p in data.problems] == [
        ("audit-incomplete", "requests"),
        ("audit-incomplete", "py"),
        ("audit-incomplete", "idna"),
        ("audit-incomplete", "acme-internal-lib"),
        ("no-packages-audited", "pip-audit"),
    ]
    assert (
        data.problems[-1].message == "pip-audit audited 0 packages: all 4 dependencies were skipped"
    )
    skipped = data.problems[:-1]
    # the same reason and next step for each, so the verdict shows them as one line
    assert len({(p.message.split(": ", 1)[1], p.hint) for p in skipped}) == 1
    assert [p.message.split(": ", 1)[0] for p in skipped] == [p.subject for p in skipped]
    assert "no package waiver covers this" in data.problems[-1].hint


@pytest.mark.parametrize(
    ("reason", "why", "network"),
    [
        # pip-audit 2.10.1, _service/pypi.py: the name pip-audit canonicalises, and the version
        (
            "Dependency not found on PyPI and could not be audited: zope-interface (6.0)",
            "Dependency not found on PyPI and could not be audited",
            True,
        ),
        # _dependency_source/pip.py and requirement.py: reasons without the package
        (
            "Package has invalid version and could not be audited: Zope.Interface (6.0-local)",
            "Package has invalid version and could not be audited",
            False,
        ),
        ("requirement marked as editable", "requirement marked as editable", False),
        # another package named at the end is part of the reason, not the subject
        ("Dependency conflicts with: other (1.0)", "Dependency conflicts with: other (1.0)", False),
    ],
)
def test_each_skip_reason_is_pip_audits_without_the_package(
    reason: str, why: str, network: bool
) -> None:
    document = {"dependencies": [{"name": "Zope.Interface", "skip_reason": reason}], "fixes": []}
    [problem, _] = read(derived(document)).problems
    assert problem.message == f'Zope.Interface: not audited by pip-audit ("{why}")'
    assert ("network access" in problem.hint) is network
    assert "pip-audit:audit-incomplete:<package>" in problem.hint


def test_clean_audit() -> None:
    data = read(asset("clean.json"))
    assert (list(data.findings), list(data.problems)) == ([], [])
    assert data.counts == {Count.PACKAGES_AUDITED: 1, Count.PACKAGES_SKIPPED: 0}


def test_no_dependency_is_no_packages_audited() -> None:
    data = read(asset("no-dependencies.json"))
    assert data.counts == {Count.PACKAGES_AUDITED: 0, Count.PACKAGES_SKIPPED: 0}
    [problem] = data.problems
    assert (problem.slug, problem.message) == (
        "no-packages-audited",
        "pip-audit audited 0 packages: the report lists none",
    )


def test_osv_unreachable_writes_no_report() -> None:
    # a traceback and exit 1, which is also pip-audit's "vulnerabilities found"
    assert not (ASSETS / "osv-unreachable.json").exists()
    assert "osv-unreachable.json 1" in (ASSETS / "exit-codes.txt").read_text()
    with pytest.raises(EvidenceError) as caught:
        asset("osv-unreachable.json")
    assert caught.value.slug == "missing-report"


# ------------------------------------------------------------------ broken reports


def test_truncated_report_is_invalid_json() -> None:
    with pytest.raises(EvidenceError) as caught:
        read(asset("truncated.json"))
    assert caught.value.slug == "invalid-json"


def test_missing_dependencies_is_named() -> None:
    with pytest.raises(EvidenceError) as caught:
        read(derived({"fixes": []}))
    assert "`dependencies` is missing" in caught.value.message


_DELETE = object()


@pytest.mark.parametrize(
    ("dependency", "key", "value", "expected"),
    [
        (0, "version", _DELETE, "`dependencies[0].version` is missing"),
        (0, "name", 3, "`dependencies[0].name` should be a string, found int"),
        (0, "vulns", None, "`dependencies[0].vulns` should be a list, found null"),
        (3, "skip_reason", None, "`dependencies[3].skip_reason` should be a string, found null"),
    ],
)
def test_a_bad_dependency_field_is_named(
    dependency: int, key: str, value: object, expected: str
) -> None:
    report = recorded("vulnerable.json")
    entry = report["dependencies"][dependency]
    if value is _DELETE:
        del entry[key]
    else:
        entry[key] = value
    with pytest.raises(EvidenceError) as caught:
        read(derived(report))
    assert caught.value.slug == "malformed-report"
    assert expected in caught.value.message


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("id", _DELETE, "`dependencies[0].vulns[1].id` is missing"),
        ("fix_versions", "2.31.0", "`dependencies[0].vulns[1].fix_versions` should be a list"),
        ("fix_versions", [2.31], "`dependencies[0].vulns[1].fix_versions[0]` should be a string"),
        ("aliases", [None], "`dependencies[0].vulns[1].aliases[0]` should be a string, found null"),
        ("description", 1, "`dependencies[0].vulns[1].description` should be a string"),
    ],
)
def test_a_bad_vulnerability_field_is_named(key: str, value: object, expected: str) -> None:
    report = recorded("vulnerable.json")
    vulns = report["dependencies"][0]["vulns"]
    assert isinstance(vulns, list)
    if value is _DELETE:
        del vulns[1][key]
    else:
        vulns[1][key] = value
    with pytest.raises(EvidenceError) as caught:
        read(derived(report))
    assert caught.value.slug == "malformed-report"
    assert expected in caught.value.message
