"""gitleaks-json: the leaks gitleaks found, as findings that never hold the secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.model.reports import ReportData, Severity
from gates.readers import MAY_BE_EMPTY, reader_for
from gates.readers.interface import ReadContext
from gates.readers.secrets import gitleaks_json
from gates.untrusted.safeio import Blob
from tests.unit.readers.secrets._leak import pieces, rendered

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "gitleaks" / "8.30.1"
ROOT = "/work/project"
CONTEXT = ReadContext(root=ROOT)
TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"  # GitHub's documented fake format
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"  # AWS's documented example key
KEY_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDgatesFAKEkey0"


def _read_bytes(data: bytes, context: ReadContext = CONTEXT) -> ReportData:
    return gitleaks_json.read(Blob("gitleaks.json", data, ""), context)


def _read(name: str) -> ReportData:
    return _read_bytes((ASSETS / name).read_bytes())


def _doc(name: str) -> list[dict[str, object]]:
    loaded: list[dict[str, object]] = json.loads((ASSETS / name).read_text())
    return loaded


def _refused(doc: object) -> EvidenceError:
    with pytest.raises(EvidenceError) as caught:
        _read_bytes(json.dumps(doc).encode())
    return caught.value


def test_gitleaks_own_expected_report_is_one_high_finding() -> None:
    data = _read("json_simple.json")
    assert data.tool == "gitleaks"
    assert [(f.rule, f.path, f.line, f.end, f.severity) for f in data.findings] == [
        ("test-rule", "auth.py", 1, 2, Severity.HIGH)
    ]
    # its rule has no description: the message names the rule, never "a secret"
    assert data.findings[0].message == "potential secret: test-rule"
    assert (data.problems, data.counts) == ((), {})


def test_an_empty_list_is_no_finding_and_no_problem() -> None:
    assert (ASSETS / "empty.json").read_text().strip() == "[]"
    data = _read("empty.json")
    assert (data.findings, data.problems) == ([], ())
    # gitleaks writes `[]`: a zero-byte file is not a scan that found nothing
    assert gitleaks_json.FORMAT not in MAY_BE_EMPTY


def test_each_leak_is_a_finding_of_its_rule_with_the_rules_description() -> None:
    data = _read("derived-git.json")
    assert [(f.rule, f.path, f.line, f.end) for f in data.findings] == [
        ("github-pat", "pkg/settings.py", 3, 0),
        ("aws-access-token", "pkg/deploy.py", 8, 0),
    ]
    assert data.findings[0].message.startswith(
        "potential secret: Uncovered a GitHub Personal Access Token"
    )
    assert reader_for("gitleaks-json") is gitleaks_json


def test_a_git_scan_names_files_from_the_top_of_the_work_tree() -> None:
    nested = ReadContext(root=f"{ROOT}/backend", git_prefix="backend/")
    doc = _doc("derived-git.json")
    doc[0]["File"] = "backend/pkg/settings.py"
    data = _read_bytes(json.dumps(doc).encode(), nested)
    assert [f.path for f in data.findings] == ["pkg/settings.py", "pkg/deploy.py"]


def test_a_folder_scan_names_files_as_given_and_keeps_a_secrets_span() -> None:
    data = _read("derived-dir.json")
    assert [(f.rule, f.path, f.line, f.end) for f in data.findings] == [
        ("private-key", "pkg/keys.py", 4, 8)
    ]
    doc = _doc("derived-dir.json")
    doc[0]["File"] = f"{ROOT}/pkg/keys.py"
    assert _read_bytes(json.dumps(doc).encode()).findings == data.findings


@pytest.mark.parametrize("name", ["json_simple.json", "derived-git.json", "derived-dir.json"])
def test_no_secret_is_kept_nor_shown_in_any_verdict(name: str) -> None:
    secrets = [str(item["Secret"]) for item in _doc(name)]
    matches = [str(item["Match"]) for item in _doc(name)]
    data = _read(name)
    kept = repr(data)
    shown = rendered(data, gitleaks_json.FORMAT)
    assert all(len(secret) >= 8 for secret in secrets)  # the report holds them
    for secret in secrets + matches:
        for piece in [secret, *pieces(secret)]:
            assert piece not in kept
            assert piece not in shown
    assert data.findings[0].path in shown  # the verdict does show where


def test_a_description_holding_the_secret_is_left_out() -> None:
    doc = _doc("derived-git.json")
    doc[0]["Description"] = f"token {TOKEN[4:20]} found"
    doc[1]["Description"] = f"matched {doc[1]['Match']}"
    data = _read_bytes(json.dumps(doc).encode())
    assert [f.message for f in data.findings] == [
        "potential secret: github-pat",
        "potential secret: aws-access-token",
    ]


@pytest.mark.parametrize(
    ("name", "index", "field", "value"),
    [
        ("derived-git.json", 0, "RuleID", f"rule-{TOKEN}"),
        ("derived-git.json", 1, "File", f"pkg/{AWS_KEY[:10]}.py"),
        ("derived-dir.json", 0, "RuleID", KEY_BODY[5:20]),
    ],
)
def test_a_rule_or_file_holding_the_secret_is_refused_without_quoting_it(
    name: str, index: int, field: str, value: str
) -> None:
    doc = _doc(name)
    doc[index][field] = value
    error = _refused(doc)
    assert error.slug == "malformed-report"
    assert f"[{index}].{field}` holds the secret" in str(error)
    assert all(piece not in str(error) + error.hint for piece in pieces(value))


@pytest.mark.parametrize(
    ("doc", "where"),
    [
        ({"findings": []}, "`(document)` should be a list of findings, found dict"),
        (None, "`(document)` should be a list of findings, found null"),
        ([TOKEN], "`[0]` should be an object, found str"),
        ([{"RuleID": "github-pat", "Secret": TOKEN}], "`[0].File` is missing"),
        ([{"RuleID": "x", "File": TOKEN, "StartLine": 1, "Secret": 7}], "`[0].Secret` should be"),
        ([{"RuleID": "", "File": "a.py", "StartLine": 1, "Secret": TOKEN}], "`[0].RuleID`"),
        ([{"RuleID": "r", "File": "a.py", "StartLine": "3", "Match": TOKEN}], "`[0].StartLine`"),
        ([{"RuleID": "r", "File": "a.py", "StartLine": -1, "Secret": TOKEN}], "`[0].StartLine`"),
        ([{"RuleID": "r", "File": "a.py", "StartLine": 1, "Secret": "x" * 70_000}], "64 KiB"),
    ],
)
def test_a_malformed_report_is_refused_naming_the_field_never_the_secret(
    doc: object, where: str
) -> None:
    error = _refused(doc)
    assert error.slug == "malformed-report"
    assert where in str(error)
    assert error.path == "gitleaks.json"
    assert TOKEN[:8] not in str(error) + error.hint


def test_a_truncated_report_is_refused_without_quoting_the_secret() -> None:
    raw = (ASSETS / "derived-truncated.json").read_text()
    assert TOKEN[:10] in raw  # cut inside the secret
    with pytest.raises(EvidenceError) as caught:
        _read("derived-truncated.json")
    assert caught.value.slug == "invalid-json"
    assert "truncated" in str(caught.value)
    assert TOKEN[:8] not in str(caught.value) + caught.value.hint


def test_a_redacted_report_reads_the_same() -> None:
    doc = _doc("derived-git.json")
    for item in doc:
        item["Secret"] = item["Match"] = "REDACTED"  # gitleaks --redact
    assert _read_bytes(json.dumps(doc).encode()).findings == _read("derived-git.json").findings
