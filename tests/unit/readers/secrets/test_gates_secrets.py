"""gates-secrets-json: detect-secrets' findings as gates' runner records them, never the secrets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.model.reports import ReportData, Severity
from gates.readers.interface import ReadContext
from gates.readers.secrets import gates_secrets
from gates.untrusted.safeio import Blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "detect-secrets" / "1.5.0"
CONTEXT = ReadContext(root="/tmp/gates-secrets-fixture")  # noqa: S108 - where make.sh ran the scan
SECRETS = ("AKIAIOSFODNN7EXAMPLE", "s3cr3t-Pa55w0rd-for-prod", "ghp_16C7e42F292c6912E7710c8")


def _blob(data: bytes, name: str = "secrets.json") -> Blob:
    return Blob(name, data, "")


def _read(name: str) -> ReportData:
    return gates_secrets.read(_blob((ASSETS / name).read_bytes(), name), CONTEXT)


def test_each_potential_secret_is_a_high_finding_with_its_type_as_rule() -> None:
    data = _read("findings.json")
    assert [(f.rule, f.path, f.line, f.severity) for f in data.findings] == [
        ("github-token", "app/deploy.py", 3, Severity.HIGH),
        ("aws-access-key", "app/settings.py", 4, Severity.HIGH),
        ("secret-keyword", "app/settings.py", 5, Severity.HIGH),
        ("github-token", "app/settings.py", 6, Severity.HIGH),
    ]
    assert data.findings[1].message == "potential secret: AWS Access Key"
    assert data.counts == {}  # bandit's count is the verdict's "files scanned"
    assert data.problems == []


def test_neither_the_report_nor_the_findings_hold_a_secret() -> None:
    raw = (ASSETS / "findings.json").read_text()
    shown = repr(_read("findings.json"))
    for secret in SECRETS:
        assert secret not in raw
        assert secret not in shown
    assert "hashed_secret" not in raw


def test_a_clean_scan_has_no_finding_and_no_problem() -> None:
    data = _read("clean.json")
    assert (data.findings, data.problems) == ([], [])


def test_no_file_read_is_no_files_checked() -> None:
    data = _read("untracked.json")
    assert [p.slug for p in data.problems] == ["no-files-checked"]


def test_a_path_that_does_not_exist_is_a_scan_error_naming_it() -> None:
    data = _read("nonexistent.json")
    assert [(p.slug, p.subject) for p in data.problems] == [("scan-errors", "nothere")]


def _derived(**changes: object) -> bytes:
    document = json.loads((ASSETS / "findings.json").read_text())
    document.update(changes)
    return json.dumps(document).encode()


def test_no_detector_is_its_own_problem() -> None:
    scanner = {"name": "detect-secrets", "version": "1.5.0", "detectors": []}
    data = gates_secrets.read(_blob(_derived(scanner=scanner)), CONTEXT)
    assert [p.slug for p in data.problems] == ["no-detectors"]


def test_a_verified_secret_is_critical() -> None:
    secrets = [{"path": "a.py", "line": 1, "type": "Slack Token", "verified": True}]
    data = gates_secrets.read(_blob(_derived(secrets=secrets)), CONTEXT)
    assert data.findings[0].severity is Severity.CRITICAL
    assert data.findings[0].rule == "slack-token"


@pytest.mark.parametrize(
    ("changes", "slug"),
    [
        ({"format": "detect-secrets"}, "malformed-report"),
        ({"version": 2}, "unsupported-format"),
        ({"files_scanned": -1}, "malformed-report"),
        ({"secrets": [{"path": "a.py", "line": "4", "type": "X"}]}, "malformed-report"),
        (
            {"secrets": [{"path": "a.py", "line": 4, "type": "X", "verified": "no"}]},
            "malformed-report",
        ),
        ({"secrets": [{"path": "a.py", "line": 4, "type": "X" * 101}]}, "malformed-report"),
        ({"errors": [{"path": 3, "reason": "r"}]}, "malformed-report"),
    ],
)
def test_a_report_that_cannot_be_trusted_is_refused(changes: dict[str, object], slug: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        gates_secrets.read(_blob(_derived(**changes)), CONTEXT)
    assert caught.value.slug == slug


@pytest.mark.parametrize(
    ("kind", "rule"),
    [
        ("AWS Access Key", "aws-access-key"),
        ("Base64 High Entropy String", "base64-high-entropy-string"),
        ("", "secret"),
    ],
)
def test_a_type_becomes_a_rule_a_waiver_can_name(kind: str, rule: str) -> None:
    assert gates_secrets.rule_of(kind) == rule


def test_the_runner_scans_the_tracked_files_and_writes_no_secret(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "app").mkdir(parents=True)
    (project / "app" / "keys.py").write_text(f'AWS_KEY = "{SECRETS[0]}"\n')
    for args in (["init", "-q"], ["add", "-A"]):
        subprocess.run(["git", *args], cwd=project, check=True, timeout=60)
    report = tmp_path / "secrets.json"
    done = subprocess.run(
        [sys.executable, "-m", "gates.secrets_scan", "app", "missing", "-o", str(report)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert SECRETS[0] not in report.read_text() + done.stderr
    data = gates_secrets.read(_blob(report.read_bytes()), ReadContext(root=str(project)))
    assert [(f.rule, f.path, f.line) for f in data.findings] == [
        ("aws-access-key", "app/keys.py", 1)
    ]
    assert [(p.slug, p.subject) for p in data.problems] == [("scan-errors", "missing")]
