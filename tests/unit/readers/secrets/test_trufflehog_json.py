"""trufflehog-json: TruffleHog v3's results, as findings that never hold the secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.model.reports import ReportData, Severity
from gates.readers import MAY_BE_EMPTY, reader_for
from gates.readers.interface import ReadContext
from gates.readers.secrets import trufflehog_json
from gates.untrusted.safeio import Blob
from tests.unit.readers.secrets._leak import pieces, rendered

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "trufflehog" / "3.89.1"
ROOT = "/work/project"
CONTEXT = ReadContext(root=ROOT)
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"  # AWS's documented example key
POSTGRES = "hunter2hunter2"  # the made-up password in filesystem.jsonl


def _read_bytes(data: bytes, context: ReadContext = CONTEXT) -> ReportData:
    return trufflehog_json.read(Blob("trufflehog.jsonl", data, ""), context)


def _read(name: str) -> ReportData:
    return _read_bytes((ASSETS / name).read_bytes())


def _results(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (ASSETS / name).read_text().splitlines()]


def _lines(results: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(result) + "\n" for result in results).encode()


def _refused(results: list[dict[str, object]]) -> EvidenceError:
    with pytest.raises(EvidenceError) as caught:
        _read_bytes(_lines(results))
    return caught.value


def _secrets(name: str) -> list[str]:
    keys = ("Raw", "RawV2", "Redacted")
    return [str(r[key]) for r in _results(name) for key in keys if r[key]]


def test_each_filesystem_result_is_a_finding_of_its_detector() -> None:
    data = _read("filesystem.jsonl")
    assert data.tool == "trufflehog"
    assert [(f.rule, f.path, f.line, f.severity, f.message) for f in data.findings] == [
        ("AWS", "pkg/settings.py", 3, Severity.HIGH, "potential secret: AWS"),
        ("Postgres", "pkg/db.py", 5, Severity.HIGH, "potential secret: Postgres"),
    ]
    assert (data.problems, data.counts) == ((), {})
    assert reader_for("trufflehog-json") is trufflehog_json


def test_a_verified_git_result_is_critical_and_named_from_the_work_trees_top() -> None:
    data = _read("git.jsonl")
    assert [(f.rule, f.path, f.line, f.severity) for f in data.findings] == [
        ("AWS", "pkg/keys.py", 4, Severity.CRITICAL)
    ]
    assert data.findings[0].message == "potential secret: AWS (verified live)"
    nested = ReadContext(root=f"{ROOT}/backend", git_prefix="backend/")
    results = _results("git.jsonl")
    results[0]["SourceMetadata"] = {"Data": {"Git": {"file": "backend/pkg/keys.py", "line": 4}}}
    assert _read_bytes(_lines(results), nested).findings == data.findings


def test_a_filesystem_path_under_the_root_is_made_relative() -> None:
    results = _results("filesystem.jsonl")
    results[0]["SourceMetadata"] = {"Data": {"Filesystem": {"file": f"{ROOT}/pkg/settings.py"}}}
    # an older TruffleHog names no line: the finding is on the file
    assert _read_bytes(_lines(results)).findings[0][3:5] == ("pkg/settings.py", 0)


def test_nothing_printed_is_no_finding() -> None:
    assert (ASSETS / "empty.jsonl").read_bytes() == b""
    assert trufflehog_json.FORMAT in MAY_BE_EMPTY  # the exit code vouches for the run
    data = _read("empty.jsonl")
    assert (data.findings, data.problems) == ([], ())


@pytest.mark.parametrize("name", ["filesystem.jsonl", "git.jsonl"])
def test_no_secret_is_kept_nor_shown_in_any_verdict(name: str) -> None:
    secrets = _secrets(name)
    assert AWS_KEY in secrets
    data = _read(name)
    kept = repr(data)
    shown = rendered(data, trufflehog_json.FORMAT)
    for secret in secrets:
        for piece in [secret, *pieces(secret)]:
            assert piece not in kept
            assert piece not in shown
    assert "123456789012" not in kept + shown  # nor the account ExtraData names
    assert data.findings[0].path in shown


@pytest.mark.parametrize(
    ("name", "slug", "said"),
    [
        ("truncated.jsonl", "invalid-json", "line 2"),
        ("with-log.jsonl", "malformed-report", "result 1 is not a TruffleHog result"),
    ],
)
def test_a_broken_output_is_refused_without_quoting_a_secret(
    name: str, slug: str, said: str
) -> None:
    with pytest.raises(EvidenceError) as caught:
        _read(name)
    error = caught.value
    assert (error.slug, error.path) == (slug, "trufflehog.jsonl")
    assert said in str(error)
    for secret in [AWS_KEY, POSTGRES]:
        assert all(piece not in str(error) + error.hint for piece in pieces(secret))


@pytest.mark.parametrize(
    ("change", "slug", "said"),
    [
        ({"Verified": "true"}, "malformed-report", "`result 1.Verified` should be true or false"),
        ({"Raw": 12}, "malformed-report", "`result 1.Raw` should be a string"),
        ({"DetectorName": ""}, "malformed-report", "`result 1.DetectorName`"),
        ({"DetectorName": f"AWS-{AWS_KEY}"}, "malformed-report", "holds the secret"),
        ({"SourceMetadata": {"Data": {}}}, "unsupported-format", "`none or several`"),
        (
            {"SourceMetadata": {"Data": {"Github": {"file": "a.py"}}}},
            "unsupported-format",
            "Github",
        ),
        ({"SourceMetadata": {"Data": {AWS_KEY: {}}}}, "unsupported-format", "`another`"),
        ({"SourceMetadata": {"Data": {"Git": {"file": AWS_KEY}}}}, "malformed-report", "secret"),
        (
            {"SourceMetadata": {"Data": {"Git": {"line": 3}}}},
            "malformed-report",
            "file` is missing",
        ),
        ({"SourceMetadata": []}, "malformed-report", "should be an object"),
    ],
)
def test_a_malformed_result_is_refused_naming_the_field_never_the_secret(
    change: dict[str, object], slug: str, said: str
) -> None:
    results = _results("filesystem.jsonl")
    results[0].update(change)
    error = _refused(results)
    assert (error.slug, said in str(error)) == (slug, True), str(error)
    assert all(piece not in str(error) + error.hint for piece in pieces(AWS_KEY))


def test_a_result_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(EvidenceError) as caught:
        _read_bytes(b'"' + AWS_KEY.encode() + b'"\n')
    assert caught.value.slug == "malformed-report"
    assert AWS_KEY[:8] not in str(caught.value)
