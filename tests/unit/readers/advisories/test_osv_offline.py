"""gates-osv-json: the offline audit's report, made from the real OSV fixtures, and fail closed."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from packaging.version import Version

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import ReportData, Severity
from gates.osv.advisories import read_folder
from gates.osv.audit import report
from gates.osv.deps import Dependency, Skipped
from gates.readers.advisories import osv_offline
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

ADVISORIES = Path(__file__).resolve().parents[3] / "assets" / "osv" / "advisories"
CONTEXT = ReadContext(root="/project")
NOW = datetime(2025, 7, 1, tzinfo=UTC)  # 29 days after the fixtures' newest advisory
VULNERABLE = [
    Dependency("Jinja2", Version("2.10")),
    Dependency("py", Version("1.11.0")),
    Dependency("requests", Version("2.19.1")),
    Dependency("urllib3", Version("1.26.18")),
]


def _audit(
    deps: list[Dependency],
    skipped: tuple[Skipped, ...] = (),
    *,
    folder: Path = ADVISORIES,
    now: datetime = NOW,
    max_age_days: int = 90,
) -> dict[str, object]:
    found = read_folder(folder, now=now)
    return report(
        folder="osv",
        advisories=found,
        deps=deps,
        skipped=skipped,
        max_age_days=max_age_days,
        now=now,
    )


def _read(document: object) -> ReportData:
    return osv_offline.read(Blob("osv.json", json.dumps(document).encode(), ""), CONTEXT)


def test_each_affecting_advisory_is_a_finding_with_its_severity() -> None:
    data = _read(_audit(VULNERABLE))
    assert [(f.rule, f.severity) for f in data.findings] == [
        ("GHSA-462w-v97r-4m45", Severity.HIGH),
        ("GHSA-w596-4wvx-j9j6", Severity.MEDIUM),
        ("GHSA-j8r2-6x86-q33q", Severity.MEDIUM),
        ("PYSEC-2018-28", Severity.HIGH),
    ]
    assert data.findings[3].message == (
        "requests 2.19.1 (fixed in 2.20.0; also CVE-2018-18074, GHSA-x84v-xcm2-53pg): Requests "
        "sends an HTTP Authorization header to an http URI after a same-host https-to-http redirect"
    )
    assert data.findings[1].message.startswith("py 1.11.0 (no fixed version; also CVE-2022-42969")
    assert {f.tool for f in data.findings} == {"osv-offline"}
    assert data.problems == []
    assert data.counts == {Count.PACKAGES_AUDITED: 4, Count.PACKAGES_SKIPPED: 0}


def test_fixed_versions_give_no_finding() -> None:
    fixed = [Dependency("requests", Version("2.31.0")), Dependency("jinja2", Version("3.1.4"))]
    data = _read(_audit(fixed))
    assert (data.findings, data.problems) == ([], [])


def test_a_critical_advisory_is_a_critical_finding(tmp_path: Path) -> None:
    folder = tmp_path / "osv"
    folder.mkdir()
    advisory = json.loads((ADVISORIES / "GHSA-462w-v97r-4m45.json").read_text())
    advisory["database_specific"]["severity"] = "CRITICAL"
    (folder / "a.json").write_text(json.dumps(advisory))
    data = _read(_audit(VULNERABLE, folder=folder))
    assert [(f.rule, f.severity) for f in data.findings] == [
        ("GHSA-462w-v97r-4m45", Severity.CRITICAL)
    ]


def test_a_missing_folder_blocks_and_examined_packages_still_count(tmp_path: Path) -> None:
    data = _read(_audit(VULNERABLE, folder=tmp_path / "nowhere"))
    assert data.findings == []  # nothing read: no finding, and never a pass
    assert [(p.slug, p.subject) for p in data.problems] == [
        ("advisories-unusable", str(tmp_path / "nowhere")),
        ("advisories-unusable", "osv"),
    ]
    assert "does not exist" in data.problems[0].message
    assert "holds no OSV advisory" in data.problems[1].message
    assert "all.zip" in data.problems[0].hint


def test_an_empty_folder_blocks(tmp_path: Path) -> None:
    (tmp_path / "osv").mkdir()
    data = _read(_audit(VULNERABLE, folder=tmp_path / "osv"))
    assert [p.slug for p in data.problems] == ["advisories-unusable"]


def test_one_unreadable_advisory_blocks_beside_the_findings(tmp_path: Path) -> None:
    folder = tmp_path / "osv"
    folder.mkdir()
    for path in ADVISORIES.glob("*.json"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "PYSEC-2099-1.json").write_text('{"id": "PYSEC-2099-1"')
    data = _read(_audit(VULNERABLE, folder=folder))
    assert len(data.findings) == 4
    assert [(p.slug, Path(p.subject or "").name) for p in data.problems] == [
        ("advisories-unusable", "PYSEC-2099-1.json")
    ]


@pytest.mark.parametrize(("days", "stale"), [(90, False), (91, True)])
def test_a_folder_older_than_its_max_age_is_stale(days: int, stale: bool) -> None:
    newest = datetime(2025, 6, 2, 9, 11, 8, tzinfo=UTC)
    now = datetime.fromtimestamp(newest.timestamp() + days * 86400, tz=UTC)
    data = _read(_audit(VULNERABLE, now=now))
    assert [p.slug for p in data.problems] == (["advisories-stale"] if stale else [])
    assert len(data.findings) == 4  # what it found still shows
    if stale:
        assert data.problems[0].message.startswith(
            "the advisories in osv are 91 days old (newest modified 2025-06-02T09:11:08Z; 5 read)"
        )


def test_skipped_packages_and_none_audited() -> None:
    skipped = (Skipped("acme-lib", "not pinned (==) and not installed in the audit's environment"),)
    some = _read(_audit(VULNERABLE[:1], skipped))
    assert [(p.slug, p.subject) for p in some.problems] == [("audit-incomplete", "acme-lib")]
    assert some.counts == {Count.PACKAGES_AUDITED: 1, Count.PACKAGES_SKIPPED: 1}
    none = _read(_audit([], skipped))
    assert [(p.slug, p.subject) for p in none.problems] == [
        ("audit-incomplete", "acme-lib"),
        ("no-packages-audited", "osv-offline"),
    ]
    assert "all 1 dependencies were skipped" in none.problems[1].message
    empty = _read(_audit([]))
    assert [p.slug for p in empty.problems] == ["no-packages-audited"]


@pytest.mark.parametrize(
    ("change", "slug"),
    [
        ({"format": "pip-audit"}, "malformed-report"),
        ({"version": 2}, "unsupported-format"),
        ({"audited_at": "yesterday"}, "malformed-report"),
        ({"advisories": {"folder": "osv", "read": -1}}, "malformed-report"),
        (
            {
                "dependencies": [
                    {"name": "x", "version": "1", "vulns": [{"id": "A", "severity": "urgent"}]}
                ]
            },
            "malformed-report",
        ),
        (
            {
                "dependencies": [
                    {
                        "name": "x",
                        "version": "1",
                        "vulns": [{"id": "A", "severity": "high", "fixed": [2]}],
                    }
                ]
            },
            "malformed-report",
        ),
    ],
)
def test_a_report_gates_cannot_trust_is_refused(change: dict[str, object], slug: str) -> None:
    document = {**_audit(VULNERABLE), **change}
    with pytest.raises(EvidenceError) as raised:
        _read(document)
    assert raised.value.slug == slug


RECORDED = ADVISORIES.parent / "reports"


@pytest.mark.parametrize(
    ("name", "findings", "slugs"),
    [
        ("vulnerable.json", 5, []),
        ("clean.json", 0, []),
        ("skipped.json", 0, ["audit-incomplete", "audit-incomplete"]),
        ("stale.json", 0, ["advisories-stale"]),
        ("missing-folder.json", 0, ["advisories-unusable", "advisories-unusable"]),
    ],
)
def test_the_recorded_reports(name: str, findings: int, slugs: list[str]) -> None:
    data = osv_offline.read(Blob(name, (RECORDED / name).read_bytes(), ""), CONTEXT)
    assert (len(data.findings), [p.slug for p in data.problems]) == (findings, slugs)
