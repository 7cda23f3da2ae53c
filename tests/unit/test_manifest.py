"""Stage provenance: the recorder, the manifest file, the working-tree state."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gates import cli
from gates.errors import EvidenceError, UsageError
from gates.stage.manifest import MANIFEST_NAME, load_manifest
from gates.stage.recorder import StageRecorder
from gates.stage.runner import ReportSpec, run_tool, tool_version
from gates.system.atomic import atomic_write
from gates.system.git import (
    DELETED,
    MAX_CHANGES,
    TreeState,
    changed_since,
    differing,
    same_code,
    tree_state,
)
from gates.system.gitnames import ref


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.invalid")
    git(tmp_path, "config", "user.name", "t")
    (tmp_path / "pkg.py").write_text("x = 1\n")
    (tmp_path / ".gitignore").write_text(".gates/\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "init")
    return tmp_path


def test_tree_state_tracks_commit_and_local_changes(repo: Path) -> None:
    clean = tree_state(repo)
    assert len(clean.commit) == 40
    assert not clean.dirty
    (repo / "pkg.py").write_text("x = 2\n")
    edited = tree_state(repo)
    assert edited.dirty
    assert edited.digest != clean.digest
    assert edited.commit == clean.commit
    (repo / "new.py").write_text("y = 1\n")
    assert tree_state(repo).digest != edited.digest  # untracked sources count
    before = tree_state(repo).digest
    (repo / "notes.log").write_text("not a source file\n")
    (repo / ".gates").mkdir()
    (repo / ".gates" / "r.py").write_text("reports never count\n")
    assert tree_state(repo).digest == before


def test_the_policy_is_not_part_of_what_the_evidence_measured(repo: Path) -> None:
    before = tree_state(repo)
    (repo / "gates.toml").write_text("[gate.a]\nmetric = 'findings'\nmax = 0\n")
    assert tree_state(repo) == before  # written after the stages ran: still fresh
    git(repo, "add", "gates.toml")
    git(repo, "commit", "-qm", "policy")
    (repo / "gates.toml").write_text("[gate.a]\nmetric = 'findings'\nmax = 1\n")
    committed = tree_state(repo)
    assert not committed.dirty  # a threshold edited: the code measured is unchanged
    (repo / "sub").mkdir()
    (repo / "sub" / "gates.toml").write_text("x = 1\n")
    assert tree_state(repo).dirty  # only the policy at the root is left out


@pytest.mark.parametrize(
    "generated",
    [
        "pkg.egg-info/SOURCES.txt",
        ".nox/unit/lib/site.py",
        "build/lib/pkg.py",
        "src/__pycache__/x.py",
        ".mypy_cache/3.11/x.txt",
    ],
)
def test_files_that_installing_and_running_stages_create_do_not_make_a_tree_stale(
    repo: Path, generated: str
) -> None:
    before = tree_state(repo)
    (repo / generated).parent.mkdir(parents=True)
    (repo / generated).write_text("made by a stage\n")
    assert tree_state(repo) == before


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_tree_state_lists_each_changed_file_and_its_content(repo: Path) -> None:
    assert tree_state(repo).changes == {}
    (repo / "pkg.py").write_text("x = 2\n")
    (repo / "new.py").write_text("y = 1\n")
    (repo / "notes.log").write_text("not a source\n")
    assert tree_state(repo).changes == {"new.py": _sha("y = 1\n"), "pkg.py": _sha("x = 2\n")}
    (repo / "pkg.py").unlink()
    assert tree_state(repo).changes == {"new.py": _sha("y = 1\n"), "pkg.py": DELETED}


def test_changed_since_tells_whether_a_commit_holds_what_was_measured(repo: Path) -> None:
    first = tree_state(repo)
    (repo / "pkg.py").write_text("x = 2\n")
    (repo / "new.py").write_text("y = 1\n")
    measured = tree_state(repo)  # a stage runs on the uncommitted change
    assert measured.changes is not None
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "the change")
    now = changed_since(repo, first.commit)
    assert now is not None
    assert differing(measured.changes, now) == []
    (repo / "new.py").write_text("y = 2\n")
    assert differing(measured.changes, changed_since(repo, first.commit) or {}) == ["new.py"]
    assert changed_since(repo, "0" * 40) is None  # a commit this clone does not have


def test_a_commit_from_a_manifest_is_never_an_option_to_git(repo: Path) -> None:
    hostile = f"--output={repo / 'written'}"
    assert changed_since(repo, hostile) is None
    assert not same_code(repo, hostile, "HEAD")
    assert not (repo / "written").exists()


def test_tree_state_outside_git_is_an_evidence_error(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError) as caught:
        tree_state(tmp_path)
    assert caught.value.slug == "no-git"


def test_recorder_writes_a_manifest_that_loads_back(repo: Path) -> None:
    recorder = StageRecorder.begin("unit", root=repo, reproduce="nox -s unit")
    (recorder.folder / "junit.xml").write_text("<testsuite/>")
    recorder.tool("pytest", version="9.2.0", argv=["pytest", "-q"], exit_code=1)
    recorder.report("junit.xml", format="junit-xml", tool="pytest")
    written = recorder.finish()
    loaded = load_manifest(recorder.folder, display=".gates/unit")
    assert loaded == written
    assert loaded.commit == tree_state(repo).commit
    assert loaded.reports[0].size == len("<testsuite/>")
    assert loaded.tools[0].exit_code == 1
    assert not list(recorder.folder.glob("*.tmp"))


def test_begin_clears_the_stage_folder(repo: Path) -> None:
    folder = repo / ".gates" / "unit"
    folder.mkdir(parents=True)
    (folder / "old.xml").write_text("from the last run")
    StageRecorder.begin("unit", root=repo)
    assert not (folder / "old.xml").exists()


@pytest.mark.parametrize("stage", ["..", ".", "", "../evil", "/var/victim", "a/b", "-rf"])
def test_a_stage_name_that_is_not_a_plain_folder_name_touches_nothing(
    repo: Path, stage: str
) -> None:
    precious = repo / ".gates" / "unit" / "keep.txt"
    precious.parent.mkdir(parents=True)
    precious.write_text("evidence")
    with pytest.raises(UsageError) as caught:
        StageRecorder.begin(stage, root=repo)
    assert caught.value.exit_code == 2
    assert precious.read_text() == "evidence"
    assert (repo / ".git").is_dir()
    assert not (repo / "evil").exists()


@pytest.mark.parametrize("reports", ["", ".", "..", "../out", "/var/gates-reports"])
def test_a_reports_folder_outside_the_repository_is_refused(repo: Path, reports: str) -> None:
    with pytest.raises(UsageError, match="inside the repository"):
        StageRecorder.begin("unit", root=repo, reports_dir=reports)


def test_a_reports_folder_that_links_outside_the_repository_is_refused(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (repo / "linked").symlink_to(outside)
    with pytest.raises(UsageError, match="outside the repository"):
        StageRecorder.begin("unit", root=repo, reports_dir="linked")


def test_resume_continues_and_refuses_a_changed_tree(repo: Path) -> None:
    first = StageRecorder.begin("lint", root=repo)
    first.tool("ruff", version="1", argv=["ruff"], exit_code=0)
    first.fail("something went wrong")
    first.finish()
    second = StageRecorder.resume("lint", root=repo)
    second.tool("ruff", version="1", argv=["ruff", "format"], exit_code=0)
    manifest = second.finish()
    assert [t.argv for t in manifest.tools] == [("ruff",), ("ruff", "format")]
    assert manifest.error == "something went wrong"
    (repo / "pkg.py").write_text("x = 3\n")
    with pytest.raises(EvidenceError, match="changed since the stage began"):
        StageRecorder.resume("lint", root=repo)


def _write_manifest(folder: Path, document: object) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST_NAME).write_text(json.dumps(document))


def _valid(folder: Path) -> dict[str, object]:
    recorder = StageRecorder(
        stage="s", folder=folder, state=TreeState("a" * 40, False, "0" * 64), reproduce="x"
    )
    recorder.folder.mkdir(parents=True, exist_ok=True)
    recorder.finish()
    document: dict[str, object] = json.loads((folder / MANIFEST_NAME).read_text())
    return document


@pytest.mark.parametrize(
    ("change", "slug", "words"),
    [
        ({"schema": "other"}, "malformed-manifest", "not a gates manifest"),
        ({"version": 99}, "unsupported-format", "version 99"),
        ({"dirty": "no"}, "malformed-manifest", "true or false"),
        ({"commit": 5}, "malformed-report", "`commit` should be a string"),
        (
            {"reports": [{"path": "../x", "format": "f", "tool": "t", "sha256": "0", "size": 1}]},
            "malformed-manifest",
            "leaves",
        ),
        (
            {
                "reports": [
                    {"path": "/etc/passwd", "format": "f", "tool": "t", "sha256": "0", "size": 1}
                ]
            },
            "malformed-manifest",
            "leaves",
        ),
        (
            {"tools": [{"name": "t", "version": "1", "argv": [1], "exit_code": 0}]},
            "malformed-manifest",
            "strings",
        ),
        (
            {"tools": [{"name": "t", "version": "1", "argv": [], "exit_code": "0"}]},
            "malformed-report",
            "integer",
        ),
        ({"commit": "--output=/tmp/x"}, "malformed-manifest", "should be a full commit SHA"),
        ({"commit": "abc1234"}, "malformed-manifest", "should be a full commit SHA"),
        ({"commit": ""}, "malformed-manifest", "should be a full commit SHA"),
        ({"changes": ["pkg.py"]}, "malformed-manifest", "`changes` should map"),
        ({"changes": {"pkg.py": "abc"}}, "malformed-manifest", "`changes` should map"),
        ({"changes": {"pkg.py": 1}}, "malformed-manifest", "`changes` should map"),
        (
            {"changes": {f"f{n}.py": DELETED for n in range(MAX_CHANGES + 1)}},
            "malformed-manifest",
            "at most 10,000 paths",
        ),
    ],
)
def test_malformed_manifests_are_evidence_errors(
    tmp_path: Path, change: dict[str, object], slug: str, words: str
) -> None:
    folder = tmp_path / "s"
    document = {**_valid(folder), **change}
    _write_manifest(folder, document)
    with pytest.raises(EvidenceError) as caught:
        load_manifest(folder, display=".gates/s")
    assert caught.value.slug == slug
    assert words in caught.value.message
    assert ".gates/s/manifest.json" in caught.value.message


def test_missing_manifest_says_the_stage_did_not_finish(tmp_path: Path) -> None:
    (tmp_path / "unit").mkdir()
    with pytest.raises(EvidenceError) as caught:
        load_manifest(tmp_path / "unit", display=".gates/unit")
    assert caught.value.slug == "missing-manifest"
    assert "nox -s unit" in caught.value.hint


def test_atomic_write_replaces_whole_files(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "f.json"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["f.json"]


def test_atomic_writes_get_the_usual_permissions(tmp_path: Path) -> None:
    atomic_write(tmp_path / "verdict.json", b"{}")
    previous = os.umask(0o022)
    os.umask(previous)
    assert (tmp_path / "verdict.json").stat().st_mode & 0o777 == 0o666 & ~previous


def test_run_tool_records_stdout_report_and_exit_code(repo: Path) -> None:
    recorder = StageRecorder.begin("lint", root=repo)
    script = "import sys; print('[]'); sys.exit(1)"
    outcome = run_tool(
        recorder,
        [sys.executable, "-c", script],
        tool="ruff",
        stdout=ReportSpec("ruff-json", "ruff.json"),
        version="0.17.6",
    )
    assert outcome.evidence_produced
    assert outcome.exit_code == 1
    assert (recorder.folder / "ruff.json").read_text() == "[]\n"
    assert recorder.reports[0].format == "ruff-json"
    assert recorder.tools[0].version == "0.17.6"


def test_run_tool_reports_crash_and_missing_report(repo: Path) -> None:
    recorder = StageRecorder.begin("unit", root=repo)
    outcome = run_tool(
        recorder,
        [sys.executable, "-c", "raise SystemExit(3)"],
        tool="pytest",
        reports=[ReportSpec("junit-xml", "junit.xml")],
        version="9",
    )
    assert not outcome.ran_fine
    assert outcome.missing == ("junit.xml",)
    assert not outcome.evidence_produced
    assert "exited 3" in outcome.describe("pytest")


def test_a_failing_tool_says_why_in_its_own_words_and_still_shows_its_output(
    repo: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    recorder = StageRecorder.begin("diff", root=repo)
    script = (
        "import sys; print('partial', flush=True); "
        "sys.stderr.write('warning: first\\nfatal: bad revision origin/main...HEAD\\n\\n'); "
        "raise SystemExit(128)"
    )
    outcome = run_tool(recorder, [sys.executable, "-c", script], tool="git", version="2")
    reason = outcome.describe("git")
    assert "exited 128" in reason
    assert reason.endswith("it said: fatal: bad revision origin/main...HEAD")
    shown = capfd.readouterr()
    assert "warning: first" in shown.err  # standard error still reaches the person
    assert "partial" in shown.out


def test_a_failing_tool_is_quoted_by_its_last_message_and_the_details_under_it(
    repo: Path,
) -> None:
    recorder = StageRecorder.begin("integration", root=repo)
    warning = "/venv/coverage/control.py:915: CoverageWarning: No data was collected. (no-data)"
    script = (
        f"import sys; sys.stderr.write({warning!r} + '\\n  self._warn(\"No data\")\\n'); "
        "raise SystemExit(5)"
    )
    outcome = run_tool(recorder, [sys.executable, "-c", script], tool="pytest", version="9")
    assert outcome.describe("pytest").endswith(f"it said: {warning}")
    warning = "/venv/pytest_cov/plugin.py:366: CovReportWarning: Failed to generate report."
    script = (  # the message ends with a newline: a blank line before the source line
        f"import sys; sys.stderr.write({warning!r} + '\\n\\n  warnings.warn(w)\\n\\n'); "
        "raise SystemExit(3)"
    )
    outcome = run_tool(recorder, [sys.executable, "-c", script], tool="pytest", version="9")
    assert outcome.describe("pytest").endswith(f"it said: {warning}")
    indented = "import sys; sys.stderr.write('ruff failed\\n  Cause: bad config\\n'); exit(2)"
    outcome = run_tool(recorder, [sys.executable, "-c", indented], tool="ruff", version="1")
    assert outcome.describe("ruff").endswith("it said: ruff failed (Cause: bad config)")
    usage = (
        "import sys; sys.stderr.write('ERROR: usage: pytest [options]\\n"
        "pytest: error: unrecognized arguments: --today\\n  inifile: pyproject.toml\\n"
        "  rootdir: /src\\n\\n'); exit(4)"
    )
    outcome = run_tool(recorder, [sys.executable, "-c", usage], tool="pytest", version="9")
    assert outcome.describe("pytest").endswith(
        "it said: pytest: error: unrecognized arguments: --today "
        "(inifile: pyproject.toml; rootdir: /src)"
    )


def test_coverage_saying_it_collected_nothing_does_not_hide_pytests_error(repo: Path) -> None:
    """`coverage run -m pytest` warns as it exits after pytest stopped: pytest's error says why."""
    recorder = StageRecorder.begin("unit", root=repo)
    warning = "/venv/coverage/control.py:964: CoverageWarning: No data was collected. (no-data)"
    script = (
        "import sys; sys.stderr.write('ERROR: file or directory not found: tests/unit\\n\\n' + "
        f"{warning!r} + '\\n  self._warn(\"No data\")\\n'); raise SystemExit(4)"
    )
    outcome = run_tool(recorder, [sys.executable, "-c", script], tool="pytest", version="9")
    assert outcome.describe("pytest").endswith(
        "it said: ERROR: file or directory not found: tests/unit"
    )


def test_run_tool_replaces_stage_dir_placeholder(repo: Path) -> None:
    recorder = StageRecorder.begin("unit", root=repo)
    script = "import sys, pathlib; pathlib.Path(sys.argv[1]).write_text('ok')"
    outcome = run_tool(
        recorder,
        [sys.executable, "-c", script, "{stage_dir}/out.txt"],
        tool="custom",
        reports=[ReportSpec("file-list", "out.txt")],
        version="1",
    )
    assert outcome.evidence_produced
    assert (recorder.folder / "out.txt").read_text() == "ok"


def test_tool_version_asks_the_tool() -> None:
    assert tool_version([sys.executable, "-m", "pytest", "-q"]) == pytest.__version__
    assert tool_version(["/nonexistent/tool"]) == "unknown"


def test_tool_version_asks_the_named_tool_when_the_command_is_something_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the pytest on PATH is this environment's, as in a stage session
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    git = subprocess.run(["git", "--version"], capture_output=True, text=True, check=True)
    assert tool_version(["sh", "-c", "git diff"], tool="git") == git.stdout.split()[-1]
    assert tool_version(["true"], tool="pytest") == pytest.__version__  # not coreutils' version
    # a plugin without a --version of its own: its installed distribution
    assert tool_version([sys.executable, "-m", "pytest"], tool="pytest-benchmark") == (
        importlib.metadata.version("pytest-benchmark")
    )
    assert tool_version(["true"], tool="no-such-tool-anywhere") == "unknown"


def test_a_step_run_again_replaces_its_report_entry(repo: Path) -> None:
    recorder = StageRecorder.begin("lint", root=repo)
    for text in ("[]", "[ ]"):
        (recorder.folder / "ruff.json").write_text(text)
        recorder.report("ruff.json", format="ruff-json", tool="ruff")
    manifest = recorder.finish()
    assert [entry.size for entry in manifest.reports] == [3]


def test_gates_run_writes_where_the_policy_says_evidence_lives(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "gates.toml").write_text(
        '[gates]\nreports = "build/evidence"\n[gate.t]\nmetric = "tests.failed"\nmax = 0\n'
    )
    monkeypatch.chdir(repo)
    assert cli.main(["run", "lint", "--tool", "ruff", "--", "true"]) == 0
    assert (repo / "build" / "evidence" / "lint" / MANIFEST_NAME).is_file()
    assert not (repo / ".gates").exists()


@pytest.mark.parametrize("value", ["origin/main", "main", "HEAD~1", "v1.2", "a" * 40, "refs/x/y"])
def test_refs_git_can_only_read_as_refs(value: str) -> None:
    assert ref(value) == value


@pytest.mark.parametrize("value", ["", "--output=x", "-x", "main x", "main\n", "ma\x1bin"])
def test_what_git_could_read_as_an_option_is_not_a_ref(value: str) -> None:
    with pytest.raises(ValueError, match="is not a git ref"):
        ref(value)


@pytest.mark.parametrize("command", ["check", "bench", "annotate"])
def test_a_base_that_is_not_a_ref_is_a_usage_error(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = ["verdict.json"] if command == "annotate" else []
    assert cli.main([command, "--base=--output=x", *extra]) == 2
    assert "argument --base: invalid ref value: '--output=x'" in capsys.readouterr().err
    monkeypatch.setenv("GATES_BASE", "--output=x")  # the default of --base
    assert cli.main([command, *extra]) == 2
    assert "argument --base: invalid ref value: '--output=x'" in capsys.readouterr().err


def test_gates_run_records_where_the_tool_version_came_from(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stage session says it in $GATES_TOOL_SOURCES; --tool-source says it explicitly."""
    monkeypatch.chdir(repo)
    sources = {"ruff": "locked: uv.lock (ruff==0.6.9)", "mypy": "gates: gates' pins (mypy==2.4.1)"}
    monkeypatch.setenv("GATES_TOOL_SOURCES", json.dumps(sources))
    assert cli.main(["run", "lint", "--tool", "ruff", "--tool-version", "0.6.9", "--", "true"]) == 0
    assert cli.main(["run", "lint", "--append", "--tool", "zizmor", "--", "true"]) == 0
    command = ["run", "lint", "--append", "--tool", "ruff", "--tool-source", "mine", "--", "true"]
    assert cli.main(command) == 0
    tools = load_manifest(repo / ".gates" / "lint", display=".gates/lint").tools
    assert [tool.source for tool in tools] == ["locked: uv.lock (ruff==0.6.9)", "", "mine"]
    document = json.loads((repo / ".gates" / "lint" / MANIFEST_NAME).read_text())
    assert document["tools"][0]["source"] == "locked: uv.lock (ruff==0.6.9)"
    monkeypatch.setenv("GATES_TOOL_SOURCES", "{not json")
    assert cli.main(["run", "lint", "--tool", "ruff", "--", "true"]) == 0
    assert load_manifest(repo / ".gates" / "lint", display=".gates/lint").tools[0].source == ""


def test_a_manifest_without_tool_sources_still_loads(repo: Path) -> None:
    """Manifests of an earlier gates have no `source`: the field reads as unknown."""
    recorder = StageRecorder.begin("lint", root=repo)
    recorder.tool("ruff", version="0.17.6", argv=["ruff"], exit_code=0)
    recorder.finish()
    path = recorder.folder / MANIFEST_NAME
    document = json.loads(path.read_text())
    del document["tools"][0]["source"]
    path.write_text(json.dumps(document))
    assert load_manifest(recorder.folder, display=".gates/lint").tools[0].source == ""
