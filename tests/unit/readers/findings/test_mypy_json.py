"""The mypy-json reader against `mypy -O json`'s real output (tests/assets/mypy/2.4.1/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.model.reports import Finding, ReportData, Severity
from gates.readers import Reader
from gates.readers.findings import mypy_json
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "mypy" / "2.4.1"
ROOT = "/tmp/gates-mypy-fixture"  # noqa: S108 - where make.sh ran mypy; never written here
CONTEXT = ReadContext(ROOT)
READER: Reader = mypy_json


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"mypy/{name}")


def raw(name: str) -> Blob:
    """The file as mypy wrote it, without read_blob's refusal of empty reports."""
    return Blob(f"mypy/{name}", (ASSETS / name).read_bytes(), "")


def derived(text: str) -> Blob:
    return Blob("derived/mypy.jsonl", text.encode(), "")


def lines(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (ASSETS / name).read_text().splitlines()]


def read(blob: Blob) -> ReportData:
    return READER.read(blob, CONTEXT)


def test_module_names_its_format_and_tool() -> None:
    assert (mypy_json.FORMAT, mypy_json.TOOL) == ("mypy-json", "mypy")


# ------------------------------------------------------------------ real reports


def test_clean_run_is_a_lone_newline_and_reads_as_nothing() -> None:
    assert (ASSETS / "clean.jsonl").read_bytes() == b"\n"
    data = read(raw("clean.jsonl"))
    assert (data.tool, list(data.findings), list(data.problems), data.counts) == (
        "mypy",
        [],
        [],
        {},
    )


def test_crash_writes_nothing_so_only_the_exit_code_can_tell() -> None:
    # INTERNAL ERROR goes to stderr and mypy exits 2 (exit-codes.txt): the manifest decides
    assert (ASSETS / "crash.jsonl").read_bytes() == b""
    assert "crash.jsonl 2" in (ASSETS / "exit-codes.txt").read_text()
    data = read(raw("crash.jsonl"))
    assert (list(data.findings), list(data.problems)) == ([], [])


def test_errors_are_medium_findings_with_their_code() -> None:
    findings = read(asset("errors.jsonl")).findings
    assert [(f.rule, f.line) for f in findings] == [
        ("import-untyped", 1),
        ("no-untyped-def", 6),
        ("arg-type", 7),
        ("call-arg", 8),
        ("call-arg", 9),
        ("arg-type", 12),
    ]
    assert {f.severity for f in findings} == {Severity.MEDIUM}
    assert findings[2] == Finding(
        "mypy",
        "arg-type",
        Severity.MEDIUM,
        "project/errors/app.py",
        7,
        'Argument 1 to "append" of "list" has incompatible type "str"; expected "int"',
    )


def test_standalone_notes_are_dropped_and_attached_ones_kept_in_the_message() -> None:
    findings = read(asset("errors.jsonl")).findings
    assert not any("Revealed type" in f.message for f in findings)  # reveal_type note
    by_line = {f.line: f.message for f in findings}
    assert by_line[9] == 'Unexpected keyword argument "loud" for "greet" ("greet" defined in "lib")'
    assert by_line[1].startswith('Library stubs not installed for "yaml" (Hint: "python3 -m pip')
    assert "\n" not in by_line[1]


def test_type_ignore_lines_are_absent() -> None:
    findings = read(asset("errors.jsonl")).findings
    assert 11 not in [f.line for f in findings]  # value: int = "x"  # type: ignore[assignment]


def test_absolute_paths_become_repository_relative() -> None:
    relative = read(asset("errors.jsonl")).findings
    absolute = read(asset("errors-absolute.jsonl")).findings
    assert list(absolute) == list(relative)


def test_syntax_error_blocks_the_whole_check() -> None:
    data = read(asset("syntax-error.jsonl"))
    assert [(f.rule, f.severity, f.location) for f in data.findings] == [
        ("syntax", Severity.HIGH, "project/syntax/bad.py:1"),
        ("syntax", Severity.HIGH, "project/syntax/bad.py:1"),
    ]
    [problem] = data.problems
    assert (problem.slug, problem.subject) == ("type-check-incomplete", "mypy")
    assert problem.message.startswith(
        "mypy stopped at a blocking error in project/syntax/bad.py:1 (Expected a parameter"
    )


def test_error_without_code_is_a_blocking_error() -> None:
    data = read(asset("duplicate-module.jsonl"))
    [finding] = data.findings
    assert (finding.rule, finding.severity, finding.path, finding.line) == (
        "blocking-error",
        Severity.HIGH,
        "project/dup/b/m.py",
        0,  # mypy says line -1
    )
    assert finding.message.startswith('Duplicate module named "m" (also at "project/dup/a/m.py")')
    assert [p.slug for p in data.problems] == ["type-check-incomplete"]


def test_plain_text_summary_of_an_unreadable_file_is_an_incomplete_check() -> None:
    data = read(asset("nonexistent.jsonl"))
    assert data.findings == []
    [problem] = data.problems
    assert problem.slug == "type-check-incomplete"
    assert "'Found 1 error in 1 file (errors prevented further checking)'" in problem.message


def test_summary_among_json_lines_keeps_the_findings_and_line_numbers() -> None:
    text = (ASSETS / "errors.jsonl").read_text()
    summary = "Found 3 errors in 1 file (checked 2 source files)\n"
    data = read(derived(summary + text))
    assert len(data.findings) == 6
    assert [p.slug for p in data.problems] == ["type-check-incomplete"]
    with pytest.raises(EvidenceError) as caught:
        read(derived(summary + text + "{broken\n"))
    assert "at line 9" in caught.value.message


# ------------------------------------------------------------------ broken reports


def test_a_line_that_is_not_json_is_refused() -> None:
    with pytest.raises(EvidenceError) as caught:
        read(derived("project/errors/app.py:1: error: Library stubs not installed\n"))
    assert caught.value.slug == "invalid-json"


def test_truncated_last_line_is_refused() -> None:
    text = (ASSETS / "errors.jsonl").read_text()
    with pytest.raises(EvidenceError) as caught:
        read(derived(text[: len(text) - 40]))
    assert caught.value.slug == "invalid-json"
    assert "truncated" in caught.value.message


_DELETE = object()


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("severity", "warning", '`[2].severity` should be "error" or "note", found str'),
        ("severity", _DELETE, "`[2].severity` is missing"),
        ("file", None, "`[2].file` should be a string, found null"),
        ("line", "7", "`[2].line` should be an integer, found str"),
        ("message", _DELETE, "`[2].message` is missing"),
        ("code", 7, "`[2].code` should be a string, found int"),
        ("code", _DELETE, "`[2].code` is missing"),
        ("hint", ["a"], "`[2].hint` should be a string, found list"),
        ("hint", _DELETE, "`[2].hint` is missing"),
    ],
)
def test_a_bad_field_is_named(key: str, value: object, expected: str) -> None:
    items = lines("errors.jsonl")
    if value is _DELETE:
        del items[2][key]
    else:
        items[2][key] = value
    with pytest.raises(EvidenceError) as caught:
        read(derived("\n".join(json.dumps(item) for item in items)))
    assert caught.value.slug == "malformed-report"
    assert expected in caught.value.message


def test_a_line_that_is_not_an_object_is_named() -> None:
    with pytest.raises(EvidenceError) as caught:
        read(derived('["error"]\n'))
    assert "`[0]` should be an object, found list" in caught.value.message


def test_a_configuration_note_printed_as_text_is_not_a_broken_report() -> None:
    """more-itertools: `warn_unused_configs` puts a plain-text note on stdout after the JSON."""
    noted = read(asset("unused-section.jsonl"))
    assert noted.findings == read(asset("errors.jsonl")).findings
    assert noted.problems == []
