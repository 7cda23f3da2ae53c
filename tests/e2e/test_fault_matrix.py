"""The fault matrix: every stage's real evidence, broken every way, blocks with a named reason.

The clean project's stages ran once, for real (``clean``); each case copies
that project, breaks one report or manifest of one stage in one way, and runs
``gates check`` alone (``python -m gates check``, nothing run again). Every
case must block with exit 3 (an evidence error, never 4: no crash), the gate
that reads the broken report must error with the expected problem naming the
file, only the gates that read that stage may error, and standard error must
hold no traceback. docs/errors.md states the count of cases
(:func:`test_the_docs_count_the_cases`).

The report broken in each stage is one its gate reads, and the one a tool could
leave broken: the JSON report where there is one. A fault that changes a
report's content as a tool would (empty, truncated, another stage's report,
``NaN``, 100,000-deep JSON) also records the new content's hash and size in the
manifest, so the reader, not the hash check, has to refuse it; "hash wrong"
is the hash check's own case.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any, Final

import pytest

from gates.policy.load import load_policy
from tests.e2e.conftest import ROOT, Pipeline, Project, Verdict, read_verdict

pytestmark = pytest.mark.slow

HANG: Final = 120  # wall seconds: a check of this project ends in one or two; only a hang is longer


@dataclass(frozen=True, slots=True)
class Stage:
    """A stage of the clean project: the report broken, its gate, every gate that reads it."""

    name: str
    report: str  # relative to the stage folder
    tool: str
    gate: str
    readers: frozenset[str]  # the gates that read this stage's evidence
    json: bool = True  # the report is JSON (else a text format)


STAGES: Final = {
    stage.name: stage
    for stage in (
        Stage("lint", "ruff.json", "ruff", "lint", frozenset({"lint"})),
        Stage("type", "linecount/linecount.txt", "mypy", "types", frozenset({"types"}), json=False),
        Stage(
            "unit",
            "coverage.json",
            "coverage",
            "unit-coverage",
            frozenset({"unit-coverage", "tests"}),
        ),
        Stage("security", "bandit.json", "bandit", "code-security", frozenset({"code-security"})),
        Stage(
            "diff", "diff-cover.json", "diff-cover", "patch-coverage", frozenset({"patch-coverage"})
        ),
    )
}
# Whose report replaces each stage's in "replaced by another stage's report".
OTHER: Final = {
    "lint": "security",
    "security": "unit",
    "unit": "diff",
    "diff": "type",
    "type": "lint",
}


@dataclass(frozen=True, slots=True)
class Case:
    """One stage of one project copy, and where its files are."""

    project: Project
    stage: Stage

    @property
    def folder(self) -> Path:
        return self.project.reports / self.stage.name

    @property
    def report(self) -> Path:
        return self.folder / self.stage.report

    @property
    def shown(self) -> str:
        """The report as the verdict names it."""
        return f".gates/{self.stage.name}/{self.stage.report}"

    @property
    def manifest_shown(self) -> str:
        return f".gates/{self.stage.name}/manifest.json"

    def manifest(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads((self.folder / "manifest.json").read_text())
        return document

    def write_manifest(self, document: dict[str, Any]) -> None:
        (self.folder / "manifest.json").write_text(json.dumps(document, indent=2))

    def rewrite(self, data: bytes) -> None:
        """The report now holds ``data``, and the manifest its hash and size, as a tool would."""
        self.report.write_bytes(data)
        document = self.manifest()
        for entry in document["reports"]:
            if entry["path"] == self.stage.report:
                entry["sha256"] = sha256(data).hexdigest()
                entry["size"] = len(data)
        self.write_manifest(document)


# ---------------------------------------------------------------- the faults
# Each breaks the case and returns the problem expected of its gate: (slug, path).


def deleted(case: Case) -> tuple[str, str]:
    case.report.unlink()
    return "missing-report", case.shown


def empty(case: Case) -> tuple[str, str]:
    case.rewrite(b"")
    return "empty-report", case.shown


def truncated(case: Case) -> tuple[str, str]:
    data = case.report.read_bytes()
    case.rewrite(data[: len(data) // 2])
    return ("invalid-json" if case.stage.json else "malformed-report"), case.shown


# What each reader says of another stage's report in its place.
REPLACED: Final = {
    "lint": "malformed-report",  # ruff-json given bandit's object
    "type": "malformed-report",  # mypy-linecount given ruff's "[]"
    "unit": "malformed-report",  # coverage-json given diff-cover's report
    "security": "malformed-report",  # bandit-json given coverage.py's report
    "diff": "invalid-json",  # diff-cover-json given mypy's linecount text
}


def replaced(case: Case) -> tuple[str, str]:
    other = STAGES[OTHER[case.stage.name]]
    case.rewrite((case.project.reports / other.name / other.report).read_bytes())
    return REPLACED[case.stage.name], case.shown


def another_commit(case: Case) -> tuple[str, str]:
    """The manifest says the stage measured the base commit, before the change."""
    document = case.manifest()
    document["commit"] = case.project.git("rev-parse", "origin/main")
    case.write_manifest(document)
    return "stale-commit", case.manifest_shown


def hash_wrong(case: Case) -> tuple[str, str]:
    document = case.manifest()
    for entry in document["reports"]:
        if entry["path"] == case.stage.report:
            entry["sha256"] = sha256(b"another report").hexdigest()
    case.write_manifest(document)
    return "hash-mismatch", case.shown


def _first_number_to_nan(value: object) -> bool:
    """Replace the first number in ``value`` (depth first, in place) by NaN; whether one was."""
    if isinstance(value, dict):
        items: list[tuple[Any, object]] = list(value.items())
    elif isinstance(value, list):
        items = list(enumerate(value))
    else:
        return False
    for key, item in items:
        if isinstance(item, int | float) and not isinstance(item, bool):
            value[key] = float("nan")
            return True
        if _first_number_to_nan(item):
            return True
    return False


_TEXT_NUMBER = re.compile(rb"\d+")


def nan(case: Case) -> tuple[str, str]:
    """``NaN`` in place of the report's first number (in text, "nan")."""
    data = case.report.read_bytes()
    if case.stage.json:
        document = json.loads(data)
        if not _first_number_to_nan(document):  # ruff's clean report, "[]", holds no number
            document = [float("nan")]
        case.rewrite(json.dumps(document).encode())
        return "non-finite", case.shown
    found = _TEXT_NUMBER.search(data)
    assert found, data
    case.rewrite(data[: found.start()] + b"nan" + data[found.end() :])
    return "malformed-report", case.shown


def crashed(case: Case) -> tuple[str, str]:
    """The tool that wrote the report was killed (exit -11, SIGSEGV) in the manifest."""
    document = case.manifest()
    for run in document["tools"]:
        if run["name"] == case.stage.tool:
            run["exit_code"] = -11
    case.write_manifest(document)
    return "tool-crashed", case.manifest_shown


def manifest_missing(case: Case) -> tuple[str, str]:
    (case.folder / "manifest.json").unlink()
    return "missing-manifest", case.manifest_shown


def link_outside(case: Case) -> tuple[str, str]:
    """The report is a link to a file outside the repository, with the same content."""
    outside = case.project.root.parent / "outside" / case.stage.report
    outside.parent.mkdir(parents=True)
    outside.write_bytes(case.report.read_bytes())
    case.report.unlink()
    case.report.symlink_to(outside)
    return "link-outside", case.shown


def fifo(case: Case) -> tuple[str, str]:
    """A named pipe in place of the report, with no writer: a read would wait forever."""
    case.report.unlink()
    os.mkfifo(case.report)
    return "unreadable", case.shown


def deep(case: Case) -> tuple[str, str]:
    case.rewrite(b"[" * 100_000 + b"]" * 100_000 + b"\n")
    return ("invalid-json" if case.stage.json else "malformed-report"), case.shown


FAULTS: Final[dict[str, Callable[[Case], tuple[str, str]]]] = {
    "deleted": deleted,
    "empty": empty,
    "truncated": truncated,
    "replaced": replaced,
    "another-commit": another_commit,
    "hash-wrong": hash_wrong,
    "nan": nan,
    "tool-crashed": crashed,
    "manifest-missing": manifest_missing,
    "link-outside": link_outside,
    "fifo": fifo,
    "deep-json": deep,
}
CASES: Final = [(stage, fault) for stage in STAGES for fault in FAULTS]


# ---------------------------------------------------------------- the matrix


def _unscoped(project: Project) -> set[str]:
    """The policy's gates that name no ``stage``: they read every stage."""
    return {gate.name for gate in load_policy(project.root / "gates.toml").gates if not gate.stages}


def _check(project: Project) -> tuple[int, Verdict, str]:
    """``python -m gates check`` alone: the exit code, the JSON verdict, standard error."""
    out = project.root.parent / "verdict.json"
    done = subprocess.run(
        [sys.executable, "-m", "gates", "check", "--format", f"json:{out}"],
        cwd=project.root,
        env=dict(project.nox_runner.env),
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert out.is_file(), done.stdout + done.stderr
    return done.returncode, read_verdict(out), done.stderr


@pytest.mark.parametrize(("stage", "fault"), CASES, ids=[f"{s}-{f}" for s, f in CASES])
def test_a_broken_stage_blocks_with_a_named_reason(
    clean: Pipeline, tmp_path: Path, stage: str, fault: str
) -> None:
    case = Case(clean.project.copy(tmp_path / "project"), STAGES[stage])
    slug, path = FAULTS[fault](case)
    code, verdict, stderr = _check(case.project)
    assert (code, verdict.exit_code) == (3, 3), verdict.document["summary"]
    assert "Traceback" not in stderr, stderr
    statuses = verdict.statuses()
    assert statuses[case.stage.gate] == "error", statuses
    broken = {gate for gate, status in statuses.items() if status != "pass"}
    # a stage without a manifest may be any stage: every gate that names none reads it
    readers = case.stage.readers | (
        _unscoped(case.project) if fault == "manifest-missing" else set()
    )
    assert broken <= readers, f"gates of other stages did not pass: {statuses}"
    named = [
        problem
        for problem in verdict.gate(case.stage.gate)["problems"]
        if (problem["slug"], problem["path"]) == (slug, path)
    ]
    assert named, f"no [{slug}] {path} in: {verdict.messages(case.stage.gate)}"
    assert named[0]["message"] and named[0]["hint"]


def test_the_clean_evidence_passes_unbroken(clean: Pipeline, tmp_path: Path) -> None:
    """The matrix's baseline: the copy, judged alone, passes; each case's block is its fault's."""
    code, verdict, stderr = _check(clean.project.copy(tmp_path / "project"))
    assert (code, stderr) == (0, "")
    assert set(verdict.statuses()) >= {stage.gate for stage in STAGES.values()}
    assert set(verdict.statuses().values()) == {"pass"}


def test_the_docs_count_the_cases() -> None:
    errors = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    stated = f"{len(STAGES)} stages x {len(FAULTS)} faults = {len(CASES)} cases"
    assert stated in errors, f"docs/errors.md should say: {stated}"
    for fault in FAULTS:
        assert f"`{fault}`" in errors, f"docs/errors.md does not list the fault {fault}"
