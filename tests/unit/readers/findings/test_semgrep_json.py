"""semgrep-json: semgrep's findings, and the incomplete scans it reports with exit 0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.model.reports import ReportData, Severity
from gates.readers.findings import semgrep_json
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "semgrep" / "1.185.0"
CONTEXT = ReadContext(root="/tmp/gates-semgrep-fixture/project")  # noqa: S108 - where make.sh ran


def _read_bytes(data: bytes, name: str = "semgrep.json") -> ReportData:
    return semgrep_json.read(Blob(name, data, ""), CONTEXT)


def _read(name: str) -> ReportData:
    return _read_bytes((ASSETS / name).read_bytes(), name)


def _doc(name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((ASSETS / name).read_text())
    return loaded


def _exit_code(name: str) -> int:
    codes = dict(line.split() for line in (ASSETS / "exit-codes.txt").read_text().splitlines())
    return int(codes[name])


def test_each_result_is_a_finding_named_by_the_rule_files_id() -> None:
    data = _read("findings.json")
    assert [(f.rule, f.path, f.line, f.severity) for f in data.findings] == [
        ("eval-dynamic", "app/calc.py", 2, Severity.HIGH),
        ("eval-dynamic", "app/calc.py", 6, Severity.HIGH),
        ("unsafe-deserialization", "app/store.py", 11, Severity.HIGH),
        ("yaml-unsafe-load", "app/store.py", 15, Severity.HIGH),
        ("sql-string-built", "app/store.py", 19, Severity.HIGH),
        ("shell-injection", "app/store.py", 24, Severity.HIGH),
        ("weak-hash", "app/store.py", 28, Severity.MEDIUM),
    ]
    assert data.findings[0].message.startswith("eval() or exec() of a value that is not a literal")
    assert (data.problems, data.counts) == ([], {})
    # the count equals semgrep's own: "Ran 8 rules on 3 files: 7 findings."
    assert "Ran 8 rules on 3 files: 7 findings." in (ASSETS / "stderr.txt").read_text()


def test_the_rule_is_the_same_wherever_the_pack_is_installed() -> None:
    raw = (ASSETS / "findings.json").read_text()
    moved = raw.replace("tmp.gates-semgrep-fixture.pack.", "home.ci.venv.lib.gates.data.semgrep.")
    assert moved != raw
    assert _read_bytes(moved.encode()).findings == _read("findings.json").findings


def test_a_clean_scan_has_no_finding_and_no_problem() -> None:
    data = _read("clean.json")
    assert (data.findings, data.problems) == ([], [])


@pytest.mark.parametrize(
    ("name", "slugs", "subjects"),
    [
        ("unparsable.json", ["scan-errors"], ["app/broken.py"]),
        ("broken-rule.json", ["scan-errors"], ["broken-pattern"]),
        ("no-files.json", ["no-files-checked"], ["semgrep"]),
        ("no-rules.json", ["no-files-checked"], ["semgrep"]),
        ("too-big.json", ["files-skipped"], ["app/store.py"]),
        (
            "missing-path.json",
            ["scan-errors", "no-files-checked", "completeness-unknown"],
            ["semgrep"] * 3,
        ),
    ],
)
def test_an_incomplete_scan_is_a_problem_whatever_semgrep_exited_with(
    name: str, slugs: list[str], subjects: list[str]
) -> None:
    data = _read(name)
    assert [p.slug for p in data.problems] == slugs
    assert [p.subject for p in data.problems] == subjects
    assert all(p.path == name and p.hint for p in data.problems)


def test_semgrep_exits_0_on_the_incomplete_scans() -> None:
    for name in ("unparsable.json", "no-files.json", "no-rules.json", "too-big.json"):
        assert _exit_code(name) == 0, name
    assert _read("unparsable.json").findings[0].path == "app/ok.py"  # the rest was scanned


def test_a_report_without_time_or_verbose_cannot_show_a_whole_scan() -> None:
    doc = _doc("clean.json")
    del doc["time"]
    paths = doc["paths"]
    assert isinstance(paths, dict)
    del paths["skipped"]
    data = _read_bytes(json.dumps(doc).encode())
    assert [p.slug for p in data.problems] == ["completeness-unknown"]
    assert "--time" in data.problems[0].message
    assert "--verbose" in data.problems[0].message


def test_files_scanned_but_no_rule_run_is_no_rules_loaded() -> None:
    doc = _doc("clean.json")
    timing = doc["time"]
    assert isinstance(timing, dict)
    timing["rules"] = []
    assert [p.slug for p in _read_bytes(json.dumps(doc).encode()).problems] == ["no-rules-loaded"]


def test_a_skipped_rule_is_a_scan_error_and_a_chosen_skip_is_not() -> None:
    doc = _doc("clean.json")
    doc["skipped_rules"] = [{"rule_id": "x.y.needs-pro", "details": "", "position": {}}]
    paths = doc["paths"]
    assert isinstance(paths, dict)
    paths["skipped"] = [{"path": "app/x.js", "reason": "wrong_language"}]
    data = _read_bytes(json.dumps(doc).encode())
    assert [(p.slug, p.subject) for p in data.problems] == [("scan-errors", "needs-pro")]


@pytest.mark.parametrize(
    ("level", "severity"),
    [
        ("ERROR", Severity.HIGH),
        ("WARNING", Severity.MEDIUM),
        ("INFO", Severity.LOW),
        ("CRITICAL", Severity.CRITICAL),
        ("HIGH", Severity.HIGH),
        ("MEDIUM", Severity.MEDIUM),
        ("LOW", Severity.LOW),
        ("INVENTORY", Severity.INFO),
        ("EXPERIMENT", Severity.INFO),
    ],
)
def test_severities(level: str, severity: Severity) -> None:
    raw = (ASSETS / "findings.json").read_text().replace('"WARNING"', f'"{level}"')
    assert _read_bytes(raw.encode()).findings[-1].severity is severity


@pytest.mark.parametrize(
    "mutate",
    [
        lambda raw: raw.replace('"WARNING"', '"SEVERE"'),
        lambda raw: raw.replace('"results":', '"results_":', 1),
        lambda raw: raw.replace('"paths":', '"paths_":', 1),
        lambda raw: raw.replace(
            '"check_id":"tmp.gates-semgrep-fixture.pack.weak-hash"', '"check_id":""'
        ),
        lambda raw: raw.replace('"line":28', '"line":-1', 1),
        lambda raw: raw[: len(raw) // 2],
    ],
)
def test_a_report_gates_cannot_trust_is_refused_with_a_named_error(mutate: object) -> None:
    assert callable(mutate)
    raw = (ASSETS / "findings.json").read_text()
    changed = mutate(raw)
    assert changed != raw
    with pytest.raises(EvidenceError) as caught:
        _read_bytes(changed.encode())
    assert caught.value.path == "semgrep.json"
