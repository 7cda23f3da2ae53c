"""The JSON verdict read back exactly, and the verdict of an evidence artifact judged again."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gates.ci.verdict_file import load_artifact_evidence, parse_verdict, recompute
from gates.errors import EvidenceError
from gates.model.verdict import Verdict
from gates.outputs import OutputFormat, render
from gates.policy.load import parse_policy
from gates.stage.recorder import StageRecorder
from gates.system.git import TreeState
from gates.untrusted.safeio import Blob
from tests.unit.outputs import _verdicts

COMMIT = _verdicts.COMMIT
PASSING = (Path(__file__).resolve().parents[1] / "assets/pytest/9.2.0/passing.xml").read_bytes()


def _blob(text: str) -> Blob:
    return Blob(".gates/verdict.json", text.encode("utf-8"), "")


def _json(verdict: Verdict) -> str:
    return render(verdict, OutputFormat.JSON)


@pytest.mark.parametrize(
    "make", [_verdicts.passing, _verdicts.mixed, _verdicts.hostile, lambda: _verdicts.huge(500, 50)]
)
def test_the_json_verdict_reads_back_to_the_same_outputs(make: Callable[[], Verdict]) -> None:
    verdict = make()
    parsed = parse_verdict(_blob(_json(verdict)))
    assert _json(parsed) == _json(verdict)
    assert render(parsed, OutputFormat.MARKDOWN) == render(verdict, OutputFormat.MARKDOWN)
    # (not SARIF: its fingerprints hash lone surrogates, which no JSON file can hold)


def test_a_verdict_without_surrogates_reads_back_equal() -> None:
    verdict = _verdicts.mixed()
    parsed = parse_verdict(_blob(_json(verdict)))
    assert parsed.gates == verdict.gates
    assert parsed.findings == verdict.findings
    assert parsed.counts == verdict.counts
    assert (parsed.status, parsed.exit_code, parsed.stages) == (
        verdict.status,
        verdict.exit_code,
        verdict.stages,
    )


def _edited(change: Callable[[dict[str, Any]], None]) -> str:
    document: dict[str, Any] = json.loads(_json(_verdicts.mixed()))
    change(document)
    return json.dumps(document)


@pytest.mark.parametrize(
    ("change", "slug"),
    [
        (lambda d: d.update(version=2), "unsupported-format"),
        (lambda d: d.update(schema="other"), "unsupported-format"),
        (lambda d: d.update(status="great"), "malformed-report"),
        (lambda d: d.update(exit_code=9), "malformed-report"),
        (lambda d: d.update(summary="PASSED — 9 gates passed"), "verdict-artifact"),
        (lambda d: d.update(blocked=False), "verdict-artifact"),
        (lambda d: d["gates"][0].update(level="maybe"), "malformed-report"),
        (lambda d: d["gates"][0].update(observed="90"), "malformed-report"),
        (lambda d: d["gates"][0].pop("reason"), "malformed-report"),
        (lambda d: d["findings"][0].update(severity="urgent"), "malformed-report"),
        (lambda d: d["findings"][0].update(line=-1), "malformed-report"),
        (lambda d: d["findings"][0].update(waived="no"), "malformed-report"),
        (lambda d: d["counts"].update(lines_of_poetry=3), "malformed-report"),
        (lambda d: d["waivers"][0].update(status="maybe"), "malformed-report"),
        (lambda d: d.update(notes=[1]), "malformed-report"),
    ],
)
def test_what_gates_never_writes_is_refused(
    change: Callable[[dict[str, Any]], None], slug: str
) -> None:
    with pytest.raises(EvidenceError) as caught:
        parse_verdict(_blob(_edited(change)))
    assert caught.value.slug == slug
    assert caught.value.exit_code == 3


def test_hostile_json_is_refused_by_the_strict_parser() -> None:
    for text, slug in (
        ('{"a": 1, "a": 2}', "invalid-json"),
        ('{"schema": NaN}', "non-finite"),
        ("[" * 100_000, "invalid-json"),
    ):
        with pytest.raises(EvidenceError) as caught:
            parse_verdict(_blob(text))
        assert caught.value.slug == slug


# ---------------------------------------------------------------- the evidence artifact, judged again

DAY = dt.date(2026, 11, 25)
POLICY = parse_policy(
    tomllib.loads(
        '[gates]\nreports = "build/gates"\n[gate.tests]\nmetric = "tests.failed"\nmax = 0\n'
    )
)


def _stage(folder: Path, name: str, *, commit: str = COMMIT) -> None:
    recorder = StageRecorder(name, folder / name, TreeState(commit, False, "0" * 64), "x")
    recorder.folder.mkdir(parents=True)
    recorder.tool("pytest", version="9", argv=["pytest"], exit_code=0)
    (recorder.folder / "junit.xml").write_bytes(PASSING)
    recorder.report("junit.xml", format="junit-xml", tool="pytest")
    recorder.finish()


def test_the_stage_folders_are_read_and_shown_under_the_policys_reports(tmp_path: Path) -> None:
    folder = tmp_path / "downloaded"
    _stage(folder, "unit")
    _stage(folder, "integration")
    verdict = recompute(folder, POLICY, commit=COMMIT, root=tmp_path, today=DAY)
    assert verdict.exit_code == 0
    assert [name for name, _, _ in verdict.stages] == ["integration", "unit"]
    assert verdict.gates[0].evidence == (
        "build/gates/integration/junit.xml",
        "build/gates/unit/junit.xml",
    )


def test_every_stage_is_pinned_to_the_commit_and_the_notes_go_first(tmp_path: Path) -> None:
    folder = tmp_path / "downloaded"
    _stage(folder, "unit", commit="b" * 40)
    verdict = recompute(folder, POLICY, commit=COMMIT, root=tmp_path, today=DAY, notes=("first",))
    assert verdict.exit_code == 3
    [problem] = verdict.gates[0].problems
    assert (problem.slug, problem.path) == ("stale-commit", "build/gates/unit/manifest.json")
    assert verdict.notes[0] == "first"


def test_no_folder_is_no_evidence(tmp_path: Path) -> None:
    evidence = load_artifact_evidence(
        tmp_path / "none", root=tmp_path, reports=".gates", max_bytes=1000
    )
    assert evidence.stages == ()
    verdict = recompute(tmp_path / "none", POLICY, commit=COMMIT, root=tmp_path, today=DAY)
    assert verdict.exit_code == 3  # every gate's evidence is missing


def test_links_files_and_hidden_folders_are_no_stages(tmp_path: Path) -> None:
    folder = tmp_path / "downloaded"
    _stage(folder, "unit")
    _stage(tmp_path / "elsewhere", "lint")
    (folder / "lint").symlink_to(tmp_path / "elsewhere" / "lint")
    _stage(folder, ".hidden")
    (folder / "verdict.json").write_text("{}")
    evidence = load_artifact_evidence(folder, root=tmp_path, reports=".gates", max_bytes=10**6)
    assert [stage.name for stage in evidence.stages] == ["unit"]


@pytest.mark.parametrize("kind", ["link", "file"])
def test_an_artifact_that_is_no_folder_is_refused(tmp_path: Path, kind: str) -> None:
    given = tmp_path / "given"
    if kind == "link":
        (tmp_path / "real").mkdir()
        given.symlink_to(tmp_path / "real")
    else:
        given.write_text("x")
    with pytest.raises(EvidenceError, match="is not a folder") as caught:
        load_artifact_evidence(given, root=tmp_path, reports=".gates", max_bytes=1000)
    assert caught.value.slug == "evidence-artifact"


def test_a_coverage_figure_reads_back_at_the_precision_it_was_shown() -> None:
    """The verdict read back renders as it did: a project's precision 1 stays 90.5 %."""
    verdict = _verdicts.passing()
    gates = tuple(
        replace(gate, observed=90.4977, precision=1) if gate.metric == "coverage.percent" else gate
        for gate in verdict.gates
    )
    shown = replace(verdict, gates=gates)
    parsed = parse_verdict(_blob(_json(shown)))
    assert [gate.precision for gate in parsed.gates] == [None, 1, None]
    assert "90.5%" in render(parsed, OutputFormat.MARKDOWN)
