"""A stage session: up-to-date evidence is kept; a failure, even of the install, is recorded.

The recipes run with a stand-in for ``nox.Session`` in a real git repository,
so the manifests, the tree state and ``gates check`` are the real ones; the
end-to-end tests (tests/e2e/test_verdict_always.py) run the same through Nox.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import nox
import nox.command
import pytest

from gates.cli import main as gates_main
from gates.nox import Pipeline, forget_verdict
from gates.stage import sessions
from gates.stage.recorder import StageRecorder
from gates.stage.reuse import INPUTS_NAME

INSTALL_OUTPUT = """Using Python 3.11.7 environment at: .nox/type
  × No solution found when resolving dependencies:
  ╰─▶ Because no-such-dependency was not found in the package registry and you
      require no-such-dependency, we can conclude that your requirements are
      unsatisfiable."""  # noqa: RUF001 - uv's own output


class Session:
    """Records what a recipe asks of Nox; an install or a run can fail as Nox fails it."""

    def __init__(
        self, name: str, *, posargs: tuple[str, ...] = (), fail_install: bool = False
    ) -> None:
        self.name = name
        self.posargs = list(posargs)
        self.fail_install = fail_install
        self.installs: list[tuple[str, ...]] = []
        self.runs: list[tuple[str, ...]] = []
        self.warnings: list[str] = []
        self.logs: list[str] = []
        self.run_fails_with: int | None = None
        self.env: dict[str, str] = {}
        self.venv_backend = "uv"
        self.virtualenv = SimpleNamespace(location=str(Path(".nox") / name))

    def install(self, *args: str) -> None:
        self.installs.append(args)
        if self.fail_install:
            _nox_fails(f"uv pip install {' '.join(args)}", 1, INSTALL_OUTPUT)

    def run(self, *args: str, **_: Any) -> str | None:
        self.runs.append(args)
        if args[:2] == ("python", "-c"):
            return "3.11.7 (test interpreter)\n"
        if self.run_fails_with is not None:
            _nox_fails(" ".join(args), self.run_fails_with, "")
        return None

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def log(self, message: str) -> None:
        self.logs.append(message)


def _nox_fails(command: str, code: int, output: str) -> None:
    """What nox.command.run does when a silent command fails."""
    logger = logging.getLogger("nox")
    logger.error(f"Command {command} failed with exit code {code}{':' if output else ''}")
    if output:
        logger.error(output)
    raise nox.command.CommandFailed(f"Returned code {code}", return_code=code)


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GATES_INSTALL", "gates==9.9")
    monkeypatch.delenv("GATES_FRESH", raising=False)
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / ".gitignore").write_text(".gates/\n")
    (tmp_path / "pkg.py").write_text("x = 1\n")
    (tmp_path / "README.md").write_text("# pkg\n")
    (tmp_path / "gates.toml").write_text(
        '[gates]\nunaffected = ["*.md"]\n\n'
        '[gate.types]\nmetric = "findings"\ntool = "mypy"\nmax = 0\n\n'
        '[gate.lint]\nmetric = "findings"\ntool = "ruff"\nmax = 0\n'
    )
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "code")
    return tmp_path


class Recording:
    """A stage recipe that writes real evidence (a ruff report and its file list)."""

    def __init__(self, stage: str = "lint", *, exit_code: int = 0) -> None:
        self.stage = stage
        self.exit_code = exit_code
        self.calls = 0

    def __call__(self, _session: nox.Session) -> None:
        self.calls += 1
        recorder = StageRecorder.begin(self.stage, root=Path(), unaffected=["*.md"])
        (recorder.folder / "ruff.json").write_text("[]")
        (recorder.folder / "files.txt").write_text(str(Path("pkg.py").resolve()) + "\n")
        recorder.tool("ruff", version="0.17.6", argv=["ruff", "check"], exit_code=self.exit_code)
        recorder.report("ruff.json", format="ruff-json", tool="ruff")
        recorder.report("files.txt", format="file-list", tool="ruff")
        recorder.finish()


def _stage(
    recipe: Callable[[nox.Session], None],
    session: Session,
    *,
    stage: str = "lint",
    pipeline: Pipeline | None = None,
) -> None:
    step = sessions.StageRecipe(pipeline or Pipeline(package="pkg.py"), stage, recipe)
    step(cast(nox.Session, session))


def _verdict(root: Path) -> dict[str, Any]:
    code = gates_main(["check", "--root", str(root), "--format", "json:v.json"])
    document = json.loads((root / "v.json").read_text())
    assert document["exit_code"] == code
    return cast(dict[str, Any], document)


def _gate(verdict: dict[str, Any], name: str) -> dict[str, Any]:
    return next(gate for gate in verdict["gates"] if gate["name"] == name)


# ---------------------------------------------------------------- failures are recorded


def test_an_install_that_fails_is_recorded_with_its_last_lines(project: Path) -> None:
    pipeline = Pipeline(package="pkg.py")
    session = Session("type", fail_install=True)
    _stage(pipeline.run_type, session, stage="type", pipeline=pipeline)  # does not raise
    manifest = json.loads((project / ".gates" / "type" / "manifest.json").read_text())
    assert manifest["error"].startswith("`uv pip install -c .nox/type/gates-constraints.txt ")
    assert (
        " exited 1; it said: Using Python 3.11.7 environment at: .nox/type | " in manifest["error"]
    )
    assert manifest["error"].endswith("we can conclude that your requirements are | unsatisfiable.")
    assert manifest["planned"] == ["mypy"]
    assert manifest["tools"] == []
    assert session.warnings
    assert "gates check` blocks on it" in session.warnings[0]
    assert not (project / ".gates" / "type" / INPUTS_NAME).exists()  # never "up to date"


def test_the_verdict_names_the_stage_that_could_not_install_and_judges_the_rest(
    project: Path,
) -> None:
    pipeline = Pipeline(package="pkg.py")
    _stage(pipeline.run_type, Session("type", fail_install=True), stage="type", pipeline=pipeline)
    _stage(Recording(), Session("lint"))
    verdict = _verdict(project)
    types = _gate(verdict, "types")
    assert types["status"] == "error"
    [problem] = types["problems"]
    assert problem["slug"] == "stage-failed"
    assert problem["path"] == ".gates/type/manifest.json"
    assert "unsatisfiable" in problem["message"]
    assert _gate(verdict, "lint")["status"] == "pass"  # judged on its own evidence
    assert verdict["exit_code"] == 3


def test_a_failure_after_some_evidence_keeps_that_evidence(project: Path) -> None:
    def recipe(session: nox.Session) -> None:
        Recording()(session)
        session.run("gates", "run", "lint", "--append", "--", "zizmor")  # fails as Nox fails it

    session = Session("lint")
    session.run_fails_with = 2
    _stage(recipe, session)
    manifest = json.loads((project / ".gates" / "lint" / "manifest.json").read_text())
    assert [report["path"] for report in manifest["reports"]] == ["ruff.json", "files.txt"]
    assert manifest["error"] == "`gates run lint --append -- zizmor` exited 2"


def test_a_stage_starts_by_removing_the_earlier_verdict_and_evidence(project: Path) -> None:
    reports = project / ".gates"
    (reports / "lint").mkdir(parents=True)
    (reports / "lint" / "stray.json").write_text("{}")
    for name in ("verdict.json", "verdict.md", "verdict.exit"):
        (reports / name).write_text("from an earlier run")
    _stage(Recording(), Session("lint"))
    assert sorted(path.name for path in reports.iterdir()) == ["lint"]
    assert not (reports / "lint" / "stray.json").exists()


# ---------------------------------------------------------------- up to date


def test_a_rerun_with_nothing_changed_keeps_the_evidence(project: Path) -> None:
    recipe = Recording()
    _stage(recipe, Session("lint"))
    manifest = (project / ".gates" / "lint" / "manifest.json").read_bytes()
    again = Session("lint")
    _stage(recipe, again)
    assert recipe.calls == 1
    assert (project / ".gates" / "lint" / "manifest.json").read_bytes() == manifest
    assert again.logs == [
        "lint: up to date, its evidence kept (`GATES_FRESH=1 nox -s lint` runs it again)"
    ]


def test_an_unaffected_edit_keeps_the_evidence_and_a_code_edit_runs_it(project: Path) -> None:
    recipe = Recording()
    _stage(recipe, Session("lint"))
    (project / "README.md").write_text("# pkg, edited\n")
    _stage(recipe, Session("lint"))
    assert recipe.calls == 1
    assert _gate(_verdict(project), "lint")["status"] == "pass"  # and gates check agrees
    (project / "pkg.py").write_text("x = 2\n")
    session = Session("lint")
    _stage(recipe, session)
    assert recipe.calls == 2
    assert (
        session.logs[0]
        == "lint: runs (.gates/lint/manifest.json: files changed since the stage ran: pkg.py)"
    )


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ("fresh", "GATES_FRESH is set"),
        ("posargs", "arguments were given"),
        ("pins", "files changed since the stage ran: gates-tools.txt"),
        ("pipeline", "its inputs changed: pipeline"),
        ("report", "does not match the hash its stage recorded"),
        ("inputs", "its manifest is not the one its inputs were recorded with"),
        ("no inputs", "no record of its inputs"),
        ("policy", "[gates] unaffected was ['*.md'], it is []"),
    ],
)
def test_anything_else_that_changed_runs_the_stage(
    project: Path, monkeypatch: pytest.MonkeyPatch, change: str, why: str
) -> None:
    recipe = Recording()
    _stage(recipe, Session("lint"))
    folder = project / ".gates" / "lint"
    pipeline = Pipeline(package="pkg.py")
    posargs: tuple[str, ...] = ()
    if change == "fresh":
        monkeypatch.setenv("GATES_FRESH", "1")
    elif change == "posargs":
        posargs = ("--select", "E")
    elif change == "pins":
        (project / "gates-tools.txt").write_text("ruff==0.1.0\n")
    elif change == "pipeline":
        pipeline = Pipeline(package="pkg.py", lint=["src"])
    elif change == "report":
        (folder / "ruff.json").write_text('[{"edited": true}]')
    elif change == "inputs":
        (folder / "manifest.json").write_text((folder / "manifest.json").read_text() + " ")
    elif change == "no inputs":
        (folder / INPUTS_NAME).unlink()
    elif change == "policy":
        (project / "gates.toml").write_text('[gate.lint]\nmetric = "findings"\nmax = 0\n')
    session = Session("lint", posargs=posargs)
    _stage(recipe, session, pipeline=pipeline)
    assert recipe.calls == 2
    assert why in session.logs[0]


def test_a_tool_that_crashed_is_run_again(project: Path) -> None:
    crashed = Recording(exit_code=2)  # ruff's own error
    _stage(crashed, Session("lint"))
    session = Session("lint")
    _stage(crashed, session)
    assert crashed.calls == 2
    assert "ruff exited 2" in session.logs[0]


def test_what_a_report_says_is_evidence_not_a_reason_to_run_again(project: Path) -> None:
    """No tests collected, failed tests, an incomplete audit: running again would say the same."""
    calls = []

    def no_tests(_session: nox.Session) -> None:
        calls.append(1)
        recorder = StageRecorder.begin("unit", root=Path(), unaffected=["*.md"])
        (recorder.folder / "junit.xml").write_text(
            '<testsuites><testsuite name="pytest" tests="0"/></testsuites>'
        )
        recorder.tool("pytest", version="9.2.0", argv=["pytest"], exit_code=0)
        recorder.report("junit.xml", format="junit-xml", tool="pytest")
        recorder.finish()

    _stage(no_tests, Session("unit"), stage="unit")
    _stage(no_tests, Session("unit"), stage="unit")
    assert len(calls) == 1
    (project / "gates.toml").write_text(
        '[gates]\nunaffected = ["*.md"]\n[gate.tests]\nmetric = "tests.failed"\nmax = 0\n'
    )
    [problem] = _gate(_verdict(project), "tests")["problems"]
    assert problem["slug"] == "no-tests"  # gates check still blocks on what the report says


def test_the_diff_stage_runs_again_when_the_coverage_it_reads_changed(
    project: Path,
) -> None:
    pipeline = Pipeline(package="pkg.py")
    first = pipeline.inputs(cast(nox.Session, Session("diff")), "diff")
    (project / ".gates" / "unit").mkdir(parents=True)
    (project / ".gates" / "unit" / "manifest.json").write_text("{}")
    second = pipeline.inputs(cast(nox.Session, Session("diff")), "diff")
    assert first["unit evidence"] != second["unit evidence"]
    assert first["base"] == "origin/main (not a commit)"
    _git(project, "update-ref", "refs/remotes/origin/main", "HEAD")
    assert len(pipeline.inputs(cast(nox.Session, Session("diff")), "diff")["base"]) == 40


# ---------------------------------------------------------------- the verdict session


def test_the_verdict_session_records_gates_checks_exit_code(project: Path) -> None:
    reports = project / ".gates"
    reports.mkdir()
    (reports / "verdict.json").write_text("from an earlier run")
    session = Session("gates")
    session.run_fails_with = 3
    with pytest.raises(nox.command.CommandFailed):
        Pipeline(package="pkg.py").run_gates(cast(nox.Session, session))
    assert (reports / "verdict.exit").read_text() == "3\n"
    assert not (reports / "verdict.json").exists()
    assert sessions.verdict_exit(reports) == 3
    Pipeline(package="pkg.py").run_gates(cast(nox.Session, Session("gates")))
    assert (reports / "verdict.exit").read_text() == "0\n"
    assert sessions.verdict_exit(reports) == 0


def test_an_exit_code_from_before_this_process_is_not_used(project: Path) -> None:
    reports = project / ".gates"
    reports.mkdir()
    (reports / "verdict.exit").write_text("3\n")
    old = sessions.STARTED - 60
    os.utime(reports / "verdict.exit", (old, old))
    assert sessions.verdict_exit(reports) == 0
    (reports / "verdict.exit").write_text("not a number\n")
    assert sessions.verdict_exit(reports) == 0


def test_the_verdict_install_failing_leaves_no_old_verdict(project: Path) -> None:
    reports = project / ".gates"
    reports.mkdir()
    for name in ("verdict.json", "verdict.md", "verdict.exit"):
        (reports / name).write_text("from an earlier run")
    with pytest.raises(nox.command.CommandFailed):
        Pipeline(package="pkg.py").run_gates(cast(nox.Session, Session("gates", fail_install=True)))
    assert list(reports.iterdir()) == []


def test_forget_verdict_tolerates_a_missing_folder(tmp_path: Path) -> None:
    forget_verdict(tmp_path / "nowhere")


def test_an_install_gates_stops_is_recorded_with_its_reason(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No uv for a project's uv.lock: the stage says what to do, and the verdict still comes."""
    (project / "uv.lock").write_text("version = 1\n")
    pipeline = Pipeline(package="pkg.py")
    session = Session("type")
    session.venv_backend = "virtualenv"
    monkeypatch.setattr("shutil.which", lambda *_args, **_kwargs: None)
    _stage(pipeline.run_type, session, stage="type", pipeline=pipeline)  # does not raise
    manifest = json.loads((project / ".gates" / "type" / "manifest.json").read_text())
    assert (
        "the project has a uv.lock, and installing exactly its versions needs uv"
        in (manifest["error"])
    )
    assert manifest["planned"] == ["mypy"]
    assert not session.installs


def test_a_tool_that_could_not_run_blocks_its_own_gates_only(project: Path) -> None:
    """jmespath: pip-audit found no project file; bandit's report is fine and is judged."""
    recorder = StageRecorder.begin("security", root=Path(), unaffected=["*.md"])
    clean = Path(__file__).parents[1] / "assets" / "bandit" / "1.9.4" / "clean.json"
    (recorder.folder / "bandit.json").write_bytes(clean.read_bytes())  # bandit's own, clean
    recorder.tool("bandit", version="1.9.4", argv=["bandit"], exit_code=0)
    recorder.report("bandit.json", format="bandit-json", tool="bandit")
    recorder.tool("pip-audit", version="2.10.1", argv=["pip-audit", "."], exit_code=1)
    recorder.fail(
        "pip-audit did not write pip-audit.json; it said: no project file", tool="pip-audit"
    )
    recorder.finish()
    (project / "gates.toml").write_text(
        '[gates]\nunaffected = ["*.md"]\n'
        '[gate.code-security]\nmetric = "findings"\ntool = "bandit"\nmax = 0\n'
        '[gate.dependencies]\nmetric = "findings"\ntool = "pip-audit"\non-missing = "warn"\nmax = 0\n'
    )
    verdict = _verdict(project)
    assert _gate(verdict, "code-security")["status"] == "pass", _gate(verdict, "code-security")[
        "problems"
    ]
    dependencies = _gate(verdict, "dependencies")
    assert dependencies["status"] == "error"  # a failed tool is not "missing": on-missing is moot
    [problem] = dependencies["problems"]
    assert problem["slug"] == "stage-failed"
    assert problem["message"].startswith("pip-audit could not produce evidence: ")
