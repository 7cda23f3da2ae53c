"""The history record: built from a verdict, valid against its schema, read back; corrupt ones refused."""

from __future__ import annotations

import json
from importlib.resources import files

import jsonschema
import pytest

from gates.errors import EvidenceError
from gates.history.parse import MAX_RECORD_BYTES, corrupt, parse_record
from gates.history.record import RunInfo, record_text
from tests.unit._build import COMMIT, cov_file, coverage, evidence, judge, junit, stage

SCHEMA = json.loads(files("gates").joinpath("data/history.schema.json").read_text("utf-8"))
RUN = RunInfo(
    run_id="1234-1",
    commit=COMMIT,
    parent="b" * 40,
    branch="main",
    recorded="2026-11-25T00:00:00Z",
    gates_version="0.1.0",
    policy_sha256="c" * 64,
)
POLICY = """
[gate.cov]
metric = "coverage.percent"
stage = "unit"
min = 50

[gate.tests]
metric = "tests.failed"
max = 0
"""


def _text() -> str:
    ev = evidence(
        stage(
            "unit",
            coverage("unit", cov_file("a.py", [1, 2, 3], [4])),
            junit("unit", passed=2, failed=1),
        )
    )
    return record_text(judge(POLICY, ev), ev, RUN)


def test_a_record_is_valid_against_its_schema_and_reads_back() -> None:
    text = _text()
    assert text.endswith("\n") and text.count("\n") == 1
    document = json.loads(text)
    jsonschema.validate(document, SCHEMA)
    record = parse_record(text.encode(), path="runs/x.json", commit=COMMIT)
    assert record.commit == COMMIT and record.parent == "b" * 40 and record.branch == "main"
    cov = record.gate("cov")
    assert cov is not None and cov.value == 75.0 and cov.measured == 75.0 and cov.base is None
    assert record.status == "fail" and record.exit_code == 1
    assert [t.outcome for t in record.tests] == ["failed", "passed", "passed"]
    assert record.counts["tests_run"] == 3


def test_the_same_verdict_gives_the_same_bytes() -> None:
    assert _text() == _text()


def _refused(data: bytes, *, commit: str = COMMIT) -> EvidenceError:
    with pytest.raises(EvidenceError) as raised:
        parse_record(data, path="runs/aa/x/1.json", commit=commit)
    assert raised.value.slug == "history-corrupt"
    assert raised.value.path == "runs/aa/x/1.json"
    return raised.value


def _edited(**changes: object) -> bytes:
    document = json.loads(_text())
    document.update(changes)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"{",
        b"\xff\xfe",
        b"[]",
        b'{"schema": "gates.history", "schema": "x"}',
        _edited(schema="gates.verdict"),
        _edited(version=2),
        _edited(status="green"),
        _edited(gates=[{"name": "x"}]),
        _edited(
            tests=[{"stage": "u", "id": "t", "outcome": "passed", "duration": -1, "reruns": 0}]
        ),
        _edited(tests=[{"stage": "u", "id": "t", "outcome": "flaky", "duration": 1, "reruns": 0}]),
        _edited(counts={"tests_run": -3}),
        _text().encode()[:-20],
        _text().replace('"value": 75.0', '"value": NaN', 1).encode(),
    ],
)
def test_a_corrupt_record_is_refused_by_name(data: bytes) -> None:
    error = _refused(data)
    problem = corrupt(error)
    assert problem.slug == "history-corrupt" and problem.path == "runs/aa/x/1.json"
    assert "not trusted" in problem.message


def test_the_nan_case_really_holds_a_nan() -> None:
    assert '"value": 75.0' in _text()


def test_a_record_filed_under_another_commit_is_refused() -> None:
    error = _refused(_text().encode(), commit="d" * 40)
    assert "filed under" in error.detail


def test_a_gigantic_record_is_refused_before_parsing() -> None:
    error = _refused(b" " * (MAX_RECORD_BYTES + 1))
    assert "over the limit" in error.detail
