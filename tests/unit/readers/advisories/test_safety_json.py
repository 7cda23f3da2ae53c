"""safety-json: ``safety check --output json`` reports a project supplies, recorded from safety 2.3.5."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import ReportData, Severity
from gates.readers.advisories import safety_json
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "safety" / "2.3.5"
CONTEXT = ReadContext(root="/project")


def _read_bytes(data: bytes) -> ReportData:
    return safety_json.read(Blob("safety.json", data, ""), CONTEXT)


def _read(name: str) -> ReportData:
    return _read_bytes((ASSETS / name).read_bytes())


def _edited(**changes: object) -> bytes:
    document = json.loads((ASSETS / "vulnerable.json").read_text())
    for key, value in changes.items():
        if key.startswith("meta_"):
            document["report_meta"][key.removeprefix("meta_")] = value
        else:
            document[key] = value
    return json.dumps(document).encode()


def test_each_vulnerability_is_a_finding_with_its_cvss_severity() -> None:
    data = _read("vulnerable.json")
    assert [(f.tool, f.rule, f.severity) for f in data.findings] == [
        ("safety", "36546", Severity.CRITICAL),
        ("safety", "36758", Severity.HIGH),
        ("safety", "51457", Severity.HIGH),  # no CVE, no score: high
    ]
    assert data.findings[0].message.startswith(
        "requests 2.19.1 (affected <2.20.0; CVE-2018-18074): Requests before 2.20.0 sends"
    )
    assert data.counts == {Count.PACKAGES_AUDITED: 4}
    assert data.problems == []


def test_a_clean_report_has_no_finding() -> None:
    data = _read("clean.json")
    assert (data.findings, data.problems, data.counts) == ([], [], {Count.PACKAGES_AUDITED: 3})


def test_nothing_scanned_never_passes() -> None:
    data = _read("empty.json")
    assert [(p.slug, p.subject) for p in data.problems] == [("no-packages-audited", "safety")]


def test_an_unpinned_requirement_safety_dropped_is_not_in_the_report() -> None:
    # safety says nothing of `requests>=2.0`: the documented limit (pin what safety reads)
    assert _read("unpinned.json").counts == {Count.PACKAGES_AUDITED: 1}


def test_a_vulnerability_safetys_policy_ignores_is_still_a_finding() -> None:
    document = json.loads(_edited().decode())
    ignored = document["vulnerabilities"].pop(0)
    document["ignored_vulnerabilities"] = [ignored]
    document["report_meta"]["vulnerabilities_found"] = 2
    data = _read_bytes(json.dumps(document).encode())
    assert [f.rule for f in data.findings] == ["36758", "51457", "36546"]
    assert data.findings[2].message.startswith(
        "requests 2.19.1 (affected <2.20.0; CVE-2018-18074; ignored by safety's policy)"
    )


@pytest.mark.parametrize(
    ("data", "slug"),
    [
        (_edited(meta_json_version=2), "unsupported-format"),
        (_edited(meta_vulnerabilities_found=4), "malformed-report"),  # cut short
        (
            _edited(vulnerabilities=[{"package_name": "x"}], meta_vulnerabilities_found=1),
            "malformed-report",
        ),
        (_edited(scanned_packages=[]), "malformed-report"),
        (b'{"vulnerabilities": []}', "malformed-report"),
    ],
)
def test_a_report_gates_cannot_trust_is_refused(data: bytes, slug: str) -> None:
    with pytest.raises(EvidenceError) as raised:
        _read_bytes(data)
    assert raised.value.slug == slug


def test_an_unknown_cvss_level_is_refused() -> None:
    document = json.loads(_edited().decode())
    document["vulnerabilities"][0]["severity"]["cvssv3"]["base_severity"] = "SEVERE"
    with pytest.raises(EvidenceError, match="base_severity"):
        _read_bytes(json.dumps(document).encode())
