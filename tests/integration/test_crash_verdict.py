"""A crash still leaves a verdict: exit 4, in every format asked for, naming what crashed.

A crashing reader, stage loading, evaluation and renderer are injected into
``gates check`` run in-process on a project whose evidence is replayed (no
real tool runs). Each time, every output file holds a verdict that blocks
with the gate ``gates internal error``, which names the file or step and the
exception type; an earlier verdict in the same files is gone; standard error
holds the bug-report block, with a traceback only under ``-v``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pytest

from gates import __version__, readers
from gates.cli import check as cli_check
from gates.judge import evidence as evidence_module
from gates.judge.crash import GATE_NAME
from gates.model.reports import ReportData
from gates.model.verdict import Verdict
from gates.outputs import markdown
from gates.outputs.markdown import MARKER
from gates.readers.interface import Reader
from tests.integration.conftest import Gates, Ran

POLICY = """\
[gate.lint]
metric = "findings"
tool = "ruff"
max = 0

[gate.types]
metric = "findings"
tool = "mypy"
max = 0
"""
LINECOUNT = b"     10      10      1      1 total\n     10      10      1      1 pkg.calc\n"


@pytest.fixture
def project(bare: Gates, tmp_path: Path) -> Gates:
    """Two stages whose evidence passes: lint (ruff) and type (mypy)."""
    assert bare.replay("lint", "ruff-json=ruff.json", b"[]\n", tool="ruff", fresh=True).code == 0
    assert bare.replay("lint", "file-list=files.txt", b"/repo/pkg/calc.py\n", tool="ruff").code == 0
    assert bare.replay("type", "mypy-json=mypy.json", b"\n", tool="mypy", fresh=True).code == 0
    assert bare.replay("type", "mypy-linecount=lc.txt", LINECOUNT, tool="mypy").code == 0
    (tmp_path / "policy.toml").write_text(POLICY)
    return bare


def _check(gates: Gates, tmp_path: Path, *extra: str) -> tuple[Ran, dict[str, Any], str]:
    """``gates check`` with JSON and Markdown files and the terminal verdict on stdout."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    ran = gates(
        "check",
        "--root",
        str(gates.root),
        "--config",
        str(tmp_path / "policy.toml"),
        "--format",
        f"json:{out / 'verdict.json'}",
        "--format",
        f"markdown:{out / 'verdict.md'}",
        "--format",
        "terminal",
        *extra,
    )
    document = json.loads((out / "verdict.json").read_text(encoding="utf-8"))
    return ran, document, (out / "verdict.md").read_text(encoding="utf-8")


def _statuses(document: dict[str, Any]) -> dict[str, str]:
    return {gate["name"]: gate["status"] for gate in document["gates"]}


def _internal(document: dict[str, Any]) -> dict[str, Any]:
    [gate] = [gate for gate in document["gates"] if gate["name"] == GATE_NAME]
    return cast("dict[str, Any]", gate)


def _bug_block(ran: Ran, *, first: str) -> None:
    assert ran.err.startswith(first), ran.err
    assert "This is a bug in gates. Please report it with this block" in ran.err
    assert f"  gates {__version__}" in ran.err
    assert "  command gates check --root " in ran.err


class _Overflowing:
    @staticmethod
    def read(_blob: object, _context: object) -> ReportData:
        raise OverflowError("int too large to convert to float")


def test_a_crashing_reader_blocks_its_gate_and_the_verdict_names_the_file(
    project: Gates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = readers.reader_for
    monkeypatch.setattr(
        evidence_module,
        "reader_for",
        lambda fmt: cast("Reader", _Overflowing) if fmt == "ruff-json" else real(fmt),
    )
    ran, document, comment = _check(project, tmp_path)
    assert ran.code == 4
    assert (document["exit_code"], document["status"], document["blocked"]) == (4, "error", True)
    assert _statuses(document) == {GATE_NAME: "error", "lint": "error", "types": "pass"}
    gate = _internal(document)
    assert gate["reason"].startswith(
        "gates crashed in the ruff-json reader at .gates/lint/ruff.json: OverflowError"
    )
    assert gate["evidence"] == [".gates/lint/ruff.json"]
    [lint] = [g for g in document["gates"] if g["name"] == "lint"]
    assert [(p["slug"], p["path"]) for p in lint["problems"]] == [
        ("internal-error", ".gates/lint/ruff.json")
    ]
    assert document["summary"].startswith("BLOCKED — internal error, 1 evidence error, 1 gate")
    assert comment.startswith(MARKER)
    assert "internal error" in comment
    assert ".gates/lint/ruff.json" in comment
    assert "gates internal error" in ran.out  # the terminal verdict too
    _bug_block(ran, first="internal error: OverflowError: int too large to convert to float\n")
    assert "gates crashed in the ruff-json reader at .gates/lint/ruff.json" in ran.err
    assert "Traceback" not in ran.err


def test_with_v_the_crash_comes_with_its_traceback(
    project: Gates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evidence_module, "reader_for", lambda _fmt: cast("Reader", _Overflowing))
    ran, _, _ = _check(project, tmp_path, "-v")
    assert ran.code == 4
    assert "Traceback (most recent call last)" in ran.err
    assert 'raise OverflowError("int too large to convert to float")' in ran.err


def _boom(*_args: object, **_kwargs: object) -> Verdict:
    raise RuntimeError("boom")


def test_a_crashing_evaluation_replaces_every_earlier_verdict(
    project: Gates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files left by an earlier, passing run must not stand for this one."""
    _check(project, tmp_path)  # a passing verdict in both files
    monkeypatch.setattr(cli_check, "evaluate", _boom)
    ran, document, comment = _check(project, tmp_path)
    assert ran.code == 4
    assert _statuses(document) == {GATE_NAME: "error"}
    assert _internal(document)["reason"].startswith(
        "gates crashed evaluating the evidence against the policy: RuntimeError"
    )
    assert [stage["name"] for stage in document["stages"]] == ["lint", "type"]
    assert document["summary"] == "BLOCKED — internal error (exit 4)"
    assert "PASSED" not in comment
    assert "BLOCKED — internal error (exit 4)" in comment
    _bug_block(ran, first="internal error: RuntimeError: boom\n")


def _fails_on_a_verdict_of_gates(verdict: Verdict, **_options: object) -> str:
    """A Markdown renderer with a bug that only the policy's gates trigger."""
    if any(gate.name != GATE_NAME for gate in verdict.gates):
        raise KeyError("offenders")
    return REAL_MARKDOWN(verdict, **_options)  # type: ignore[arg-type]


REAL_MARKDOWN = markdown.render


def test_a_crashing_renderer_leaves_the_crash_verdict_in_every_format(
    project: Gates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(markdown, "render", _fails_on_a_verdict_of_gates)
    ran, document, comment = _check(project, tmp_path)
    assert ran.code == 4
    assert _statuses(document) == {GATE_NAME: "error"}  # not the real verdict beside the crash
    gate = _internal(document)
    assert gate["reason"].startswith(
        f"gates crashed rendering the markdown verdict at {tmp_path / 'out' / 'verdict.md'}: KeyError"
    )
    assert comment.startswith(MARKER)
    assert "BLOCKED — internal error (exit 4)" in comment
    _bug_block(ran, first="internal error: KeyError: 'offenders'\n")


def _always_fails(_verdict: Verdict, **_options: object) -> str:
    raise KeyError("offenders")


def test_a_renderer_that_cannot_render_even_the_crash_writes_a_notice(
    project: Gates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(markdown, "render", _always_fails)
    ran, document, comment = _check(project, tmp_path)
    assert ran.code == 4
    assert _statuses(document) == {GATE_NAME: "error"}
    assert comment.startswith(MARKER + "\ngates: BLOCKED — internal error (exit 4)\n")
    assert "(KeyError)" in comment
