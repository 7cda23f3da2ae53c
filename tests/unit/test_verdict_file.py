"""The JSON verdict read back: every field, exactly, and nothing it should not accept."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gates.errors import EvidenceError
from gates.model import Verdict
from gates.outputs import OutputFormat, render
from gates.safeio import Blob
from gates.verdict_file import load_artifact, parse_verdict
from tests.unit.outputs import _verdicts

COMMIT = _verdicts.COMMIT


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


# ---------------------------------------------------------------- the artifact folder


def _artifact(folder: Path, verdict: Verdict) -> Path:
    folder.mkdir()
    (folder / "verdict.json").write_text(_json(verdict), encoding="utf-8")
    return folder


def _at(verdict: Verdict, commit: str) -> Verdict:
    return replace(verdict, stages=tuple((s, commit, d) for s, _, d in verdict.stages))


def test_an_artifact_at_the_commit_loads(tmp_path: Path) -> None:
    folder = _artifact(tmp_path / "a", _at(_verdicts.mixed(), COMMIT))
    assert load_artifact(folder, commit=COMMIT).gates == _verdicts.mixed().gates
    assert load_artifact(folder, commit=COMMIT[:7].upper()).exit_code == 3


@pytest.mark.parametrize(
    ("stages", "commit", "words"),
    [
        ((("unit", "b" * 40, False),), COMMIT, "judged stage 'unit' at commit bbbbbbbbbbbb"),
        ((("unit", COMMIT, False), ("lint", "", False)), COMMIT, r"at commit \(none\)"),
        ((), COMMIT, "judged no stage"),
        ((("unit", COMMIT, False),), "HEAD", "is not a commit SHA"),
        ((("unit", COMMIT, False),), COMMIT[:6], "is not a commit SHA"),
    ],
)
def test_an_artifact_from_another_commit_is_refused(
    tmp_path: Path, stages: tuple[tuple[str, str, bool], ...], commit: str, words: str
) -> None:
    folder = _artifact(tmp_path / "a", replace(_verdicts.passing(), stages=stages))
    with pytest.raises(EvidenceError, match=words) as caught:
        load_artifact(folder, commit=commit)
    assert caught.value.slug == "verdict-commit"


def test_an_artifact_over_the_size_bound_is_refused(tmp_path: Path) -> None:
    folder = _artifact(tmp_path / "a", _at(_verdicts.huge(2_000, 10), COMMIT))
    with pytest.raises(EvidenceError, match="over the 10,000-byte bound") as caught:
        load_artifact(folder, commit=COMMIT, max_bytes=10_000)
    assert caught.value.slug == "verdict-artifact"


def test_an_artifact_that_is_a_link_is_refused(tmp_path: Path) -> None:
    folder = _artifact(tmp_path / "a", _at(_verdicts.passing(), COMMIT))
    link = tmp_path / "link"
    link.symlink_to(folder)
    with pytest.raises(EvidenceError, match="is not a folder") as caught:
        load_artifact(link, commit=COMMIT)
    assert caught.value.slug == "verdict-artifact"


def test_an_artifact_with_a_strange_name_is_refused_and_named_safely(tmp_path: Path) -> None:
    folder = _artifact(tmp_path / "a", _at(_verdicts.passing(), COMMIT))
    (folder / "..\x1b[31m").write_text("x")
    with pytest.raises(EvidenceError) as caught:
        load_artifact(folder, commit=COMMIT)
    assert "\x1b" not in caught.value.message
    assert "no part of a verdict" in caught.value.message


def test_a_coverage_figure_reads_back_at_the_precision_it_was_shown() -> None:
    """`gates comment` renders the Markdown again: a project's precision 1 stays 90.5 %."""
    verdict = _verdicts.passing()
    gates = tuple(
        replace(gate, observed=90.4977, precision=1) if gate.metric == "coverage.percent" else gate
        for gate in verdict.gates
    )
    shown = replace(verdict, gates=gates)
    parsed = parse_verdict(_blob(_json(shown)))
    assert [gate.precision for gate in parsed.gates] == [None, 1, None]
    assert "90.5%" in render(parsed, OutputFormat.MARKDOWN)
