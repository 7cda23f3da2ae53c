"""Loading a stage's evidence through its manifest: hashes, empty reports, tool exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import pytest

from gates import readers
from gates.catalog.counts import Count
from gates.catalog.tools import exit_meaning
from gates.errors import EvidenceError
from gates.judge import evidence as evidence_module
from gates.judge.evidence import load_evidence, load_stage, pin_commit
from gates.model.reports import ReportData
from gates.model.stage import Manifest, StageEvidence
from gates.readers.interface import Reader
from gates.stage import manifest as manifest_module
from gates.stage.recorder import StageRecorder
from gates.stage.runner import run_tool
from gates.system.git import TreeState, tree_state

STATE = TreeState("c" * 40, dirty=False, digest="0" * 64)
MAX = 1024 * 1024


def record(
    root: Path,
    reports: Sequence[tuple[str, str, str, bytes]],
    *,
    tool: str = "",
    exit_code: int = 0,
) -> Path:
    """Write the stage ``s`` with ``(path, format, tool, bytes)`` reports; its folder."""
    recorder = StageRecorder("s", root / ".gates" / "s", STATE, "nox -s s")
    recorder.folder.mkdir(parents=True)
    tools = {tool} if tool else {entry[2] for entry in reports}
    for name in sorted(tools):
        recorder.tool(name, version="1", argv=[name], exit_code=exit_code)
    for path, fmt, owner, data in reports:
        (recorder.folder / path).parent.mkdir(parents=True, exist_ok=True)
        (recorder.folder / path).write_bytes(data)
        recorder.report(path, format=fmt, tool=owner)
    recorder.finish()
    return recorder.folder


def ran(recorder: StageRecorder) -> StageRecorder:
    """The stage, with a run of a tool: a manifest that records none is refused."""
    recorder.tool("ruff", version="1", argv=["ruff", "check", "."], exit_code=0)
    return recorder


def stage(root: Path) -> StageEvidence:
    evidence = load_evidence(root, reports=".gates", state=STATE, max_bytes=MAX)
    assert [s.name for s in evidence.stages] == ["s"]
    return evidence.stages[0]


def slugs(found: StageEvidence) -> list[str]:
    return [p.problem.slug for p in found.problems]


LINECOUNT = b"     10      10      1      1 total\n     10      10      1      1 pkg.calc\n"


def test_a_clean_mypy_run_prints_a_lone_newline_and_is_read_as_no_error(tmp_path: Path) -> None:
    record(
        tmp_path,
        [
            ("mypy.json", "mypy-json", "mypy", b"\n"),
            ("linecount.txt", "mypy-linecount", "mypy", LINECOUNT),
        ],
    )
    found = stage(tmp_path)
    assert found.problems == ()
    assert [r.data.findings for r in found.reports] == [[], ()]
    assert found.reports[1].data.counts == {Count.FILES_TYPE_CHECKED: 1}


def test_an_empty_file_list_is_no_files_checked_not_an_empty_report(tmp_path: Path) -> None:
    record(
        tmp_path,
        [("ruff.json", "ruff-json", "ruff", b"[]\n"), ("files.txt", "file-list", "ruff", b"")],
    )
    found = stage(tmp_path)
    assert slugs(found) == ["no-files-checked"]
    assert found.problems[0].problem.path == ".gates/s/files.txt"


@pytest.mark.parametrize(
    ("fmt", "tool"),
    [("ruff-json", "ruff"), ("coverage-json", "coverage"), ("junit-xml", "pytest")],
)
def test_other_formats_are_never_empty(tmp_path: Path, fmt: str, tool: str) -> None:
    record(tmp_path, [("report", fmt, tool, b" \n")])
    found = stage(tmp_path)
    assert slugs(found)[0] == "empty-report"
    assert found.problems[0].problem.path == ".gates/s/report"
    assert found.problems[0].tool == tool


def test_a_report_emptied_after_the_stage_is_a_hash_mismatch(tmp_path: Path) -> None:
    folder = record(tmp_path, [("files.txt", "file-list", "ruff", b"/repo/a.py\n")])
    (folder / "files.txt").write_bytes(b"")
    found = stage(tmp_path)
    assert slugs(found) == ["hash-mismatch"]
    assert "nox -s s" in found.problems[0].problem.hint


@pytest.mark.parametrize(
    ("tool", "code", "meaning"),
    [
        ("pytest", 5, "no test was collected"),
        ("pytest", 2, "the run was interrupted"),
        ("pytest", 3, "pytest's internal error"),
        ("pytest", 4, "a usage error"),
        ("mypy", 2, "a fatal error"),
        ("ruff", 2, "ruff's own error"),
        ("bandit", 2, "it crashed or was misused"),
        ("pytest", -9, "killed by signal 9"),
    ],
)
def test_a_tool_outside_its_exit_codes_names_the_manifest_and_the_meaning(
    tmp_path: Path, tool: str, code: int, meaning: str
) -> None:
    record(tmp_path, [], tool=tool, exit_code=code)
    found = stage(tmp_path)
    crashed = [p for p in found.problems if p.problem.slug == "tool-crashed"]
    assert len(crashed) == 1
    problem = crashed[0].problem
    assert problem.path == ".gates/s/manifest.json"
    assert problem.message.startswith(f"{tool} exited {code} ({meaning}")
    assert "it runs fine with 0 or 1" in problem.message
    assert problem.hint == f"run `nox -s s` and read {tool}'s own output"
    assert (problem.subject, crashed[0].tool) == (tool, tool)


def test_exit_meaning() -> None:
    assert exit_meaning("pytest", 5) == "no test was collected"
    assert exit_meaning("pytest", 1) == ""
    assert exit_meaning("gitleaks", 2) == ""
    assert exit_meaning("gitleaks", -15) == "killed by signal 15"


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@e.invalid", "-c", "user.name=t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_a_commit_that_only_changes_the_policy_keeps_the_evidence_fresh(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / ".gitignore").write_text(".gates/\n")
    (tmp_path / "pkg.py").write_text("x = 1\n")
    (tmp_path / "gates.toml").write_text("# min = 90\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "code")
    ran(StageRecorder.begin("lint", root=tmp_path)).finish()

    def stale_after(change: str, text: str) -> list[str]:
        (tmp_path / change).write_text(text)
        _git(tmp_path, "commit", "-qam", f"change {change}")
        state = tree_state(tmp_path)
        loaded = load_evidence(tmp_path, reports=".gates", state=state, max_bytes=MAX)
        return [p.problem.slug for p in loaded.stages[0].problems]

    assert stale_after("gates.toml", "# min = 80\n") == []  # a threshold changed, not the code
    assert stale_after("pkg.py", "x = 2\n") == ["stale-commit"]


def test_stale_worktree_names_what_changed(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / ".gitignore").write_text(".gates/\n")
    (tmp_path / "pkg.py").write_text("x = 1\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "code")
    ran(StageRecorder.begin("lint", root=tmp_path)).finish()

    def message(state: TreeState) -> str:
        loaded = load_evidence(tmp_path, reports=".gates", state=state, max_bytes=MAX)
        [problem] = [p.problem for p in loaded.stages[0].problems]
        assert problem.slug == "stale-worktree"
        return problem.message

    for number in range(7):
        (tmp_path / f"m{number}.py").write_text("y = 1\n")
    now = tree_state(tmp_path)
    assert message(now) == (
        "files changed since the stage ran: m0.py, m1.py, m2.py, m3.py, m4.py and 2 more"
    )
    unnamed = "files changed since the stage ran (the uncommitted changes differ)"
    assert message(replace(now, changes=None)) == unnamed  # too many files to list
    # the same files and contents, but another digest (a mode change, say): no names to give
    (tmp_path / ".gates" / "lint" / "manifest.json").unlink()
    for number in range(7):
        (tmp_path / f"m{number}.py").unlink()
    ran(StageRecorder.begin("lint", root=tmp_path)).finish()
    assert message(replace(tree_state(tmp_path), digest="f" * 64)) == unnamed


@pytest.mark.parametrize(
    ("recorded", "given", "pinned"),
    [
        ("c" * 40, "c" * 40, True),
        ("c" * 40, "C" * 12, True),
        ("c" * 40, "c" * 7, True),
        ("c" * 40, "c" * 6, False),  # too short to name one commit
        ("c" * 40, "d" * 40, False),
        ("", "c" * 40, False),  # a manifest without a commit proves nothing
        ("c" * 7, "c" * 40, False),  # nor one with an abbreviation
        ("e" * 64, "e" * 10, True),  # a SHA-256 repository
    ],
)
def test_pin_commit(tmp_path: Path, recorded: str, given: str, pinned: bool) -> None:
    record(tmp_path, [], tool="ruff")
    evidence = load_evidence(tmp_path, reports=".gates", state=None, max_bytes=MAX)
    forged = replace(
        evidence,
        stages=tuple(
            replace(s, manifest=replace(s.manifest, commit=recorded)) if s.manifest else s
            for s in evidence.stages
        ),
    )
    stage_ = pin_commit(forged, given).stages[0]
    assert ("stale-commit" not in slugs(stage_)) is pinned
    if not pinned:
        assert stage_.problems[0].problem.path == ".gates/s/manifest.json"


def test_a_copied_stage_folder_is_not_read_as_a_second_stage(tmp_path: Path) -> None:
    folder = record(tmp_path, [("files.txt", "file-list", "ruff", b"/r/a.py\n")])
    shutil.copytree(folder, tmp_path / ".gates" / "s-old")
    loaded = load_evidence(tmp_path, reports=".gates", state=STATE, max_bytes=MAX)
    copied = next(s for s in loaded.stages if s.name == "s-old")
    assert copied.manifest is None
    assert copied.reports == ()
    assert slugs(copied) == ["malformed-manifest"]
    assert "folder of 's-old'" in copied.problems[0].problem.message


def test_a_report_that_links_outside_its_stage_folder_is_not_read(tmp_path: Path) -> None:
    folder = record(tmp_path, [("files.txt", "file-list", "ruff", b"/r/a.py\n")])
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"/r/a.py\n")
    (folder / "files.txt").unlink()
    (folder / "files.txt").symlink_to(secret)
    found = stage(tmp_path)
    assert found.reports == ()
    assert slugs(found) == ["link-outside"]
    assert found.problems[0].problem.path == ".gates/s/files.txt"


def test_a_manifest_that_links_outside_its_stage_folder_is_not_read(tmp_path: Path) -> None:
    folder = record(tmp_path, [("files.txt", "file-list", "ruff", b"/r/a.py\n")])
    elsewhere = tmp_path / "elsewhere.json"
    (folder / "manifest.json").rename(elsewhere)
    (folder / "manifest.json").symlink_to(elsewhere)
    found = stage(tmp_path)
    assert (found.manifest, found.reports) == (None, ())
    assert slugs(found) == ["link-outside"]
    problem = found.problems[0].problem
    assert problem.path == ".gates/s/manifest.json"
    assert "out of its stage folder" in problem.message


def test_a_stage_folder_that_links_out_of_the_repository_is_not_read(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    elsewhere = record(tmp_path / "other", [("files.txt", "file-list", "ruff", b"/r/a.py\n")])
    (root / ".gates").mkdir(parents=True)
    (root / ".gates" / "s").symlink_to(elsewhere)
    [found] = load_evidence(root, reports=".gates", state=STATE, max_bytes=MAX).stages
    assert (found.manifest, found.reports) == (None, ())
    assert slugs(found) == ["link-outside"]
    assert found.problems[0].problem.path == ".gates/s"
    assert "out of the reports folder" in found.problems[0].problem.message


def test_a_stage_folder_the_caller_names_outside_the_repository_is_read(tmp_path: Path) -> None:
    """`gates comment` reads the stages of a downloaded artifact: real folders, elsewhere."""
    folder = record(tmp_path / "artifact", [("files.txt", "file-list", "ruff", b"/r/a.py\n")])
    (tmp_path / "repo").mkdir()
    found = load_stage(folder, root=tmp_path / "repo", reports=".gates", state=STATE, max_bytes=MAX)
    assert "link-outside" not in slugs(found)
    assert [report.path for report in found.reports] == [".gates/s/files.txt"]


def test_a_reports_folder_that_links_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    record(tmp_path / "other", [("files.txt", "file-list", "ruff", b"/r/a.py\n")])
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / ".gates").symlink_to(tmp_path / "other" / ".gates")
    with pytest.raises(EvidenceError) as raised:
        load_evidence(tmp_path / "repo", reports=".gates", state=STATE, max_bytes=MAX)
    assert raised.value.slug == "link-outside"
    assert raised.value.path == ".gates"


def test_a_manifest_without_a_tool_run_is_refused(tmp_path: Path) -> None:
    """No tool run, no exit code: nothing vouches for the reports it lists."""
    folder = record(tmp_path, [("ruff.json", "ruff-json", "ruff", b"[]\n")])
    edit_manifest(folder, tools=[])
    found = stage(tmp_path)
    assert (slugs(found), found.reports) == (["malformed-manifest"], ())
    assert "records no tool run" in found.problems[0].problem.message


def test_a_report_of_a_tool_the_manifest_records_no_run_of_is_refused(tmp_path: Path) -> None:
    folder = record(
        tmp_path,
        [("ruff.json", "ruff-json", "ruff", b"[]\n"), ("files.txt", "file-list", "ruff", b"")],
    )
    edit_manifest(folder, reports=lambda entries: [{**e, "tool": "mypy"} for e in entries[:1]])
    found = stage(tmp_path)
    assert slugs(found) == ["malformed-manifest"]
    assert "no run of 'mypy'" in found.problems[0].problem.message


def test_a_failed_stage_without_a_tool_run_says_it_failed(tmp_path: Path) -> None:
    folder = record(tmp_path, [])
    edit_manifest(folder, tools=[], error="the install failed", planned=["ruff"])
    assert slugs(stage(tmp_path)) == ["stage-failed"]


@pytest.mark.parametrize("bad", ["\x00", "\n", "\x1b", "\x85"])
@pytest.mark.parametrize("field", ["path", "format", "tool", "role"])
def test_a_control_character_in_a_report_entry_is_malformed(
    tmp_path: Path, field: str, bad: str
) -> None:
    """A NUL byte reached the file system as a ValueError (exit 4); now it is a named problem."""
    folder = record(tmp_path, [("ruff.json", "ruff-json", "ruff", b"[]\n")])
    edit_manifest(
        folder, reports=lambda entries: [{**e, field: f"ruff{bad}.json"} for e in entries]
    )
    found = stage(tmp_path)
    assert slugs(found) == ["malformed-manifest"]
    assert f"`reports[0].{field}` holds the control character U+{ord(bad):04X}" in (
        found.problems[0].problem.message
    )


def test_a_control_character_in_a_tool_name_is_malformed(tmp_path: Path) -> None:
    folder = record(tmp_path, [("ruff.json", "ruff-json", "ruff", b"[]\n")])
    edit_manifest(folder, tools=[{**t, "name": "ruff\n"} for t in manifest_of(folder)["tools"]])
    assert slugs(stage(tmp_path)) == ["malformed-manifest"]


def test_a_control_character_in_the_stage_name_is_malformed(tmp_path: Path) -> None:
    """Even in a folder of that name, where the name alone would match."""
    name = "s\x1b[2J"
    folder = record(tmp_path, [("ruff.json", "ruff-json", "ruff", b"[]\n")])
    edit_manifest(folder, stage=name)
    folder.rename(folder.with_name(name))
    [found] = load_evidence(tmp_path, reports=".gates", state=STATE, max_bytes=MAX).stages
    assert slugs(found) == ["malformed-manifest"]
    assert "`stage` holds the control character U+001B" in found.problems[0].problem.message


def manifest_of(folder: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
    return document


def edit_manifest(
    folder: Path,
    *,
    reports: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
    **fields: object,
) -> None:
    """Rewrite fields of the stage's manifest, as a hand or a hostile pull request could."""
    document = manifest_of(folder)
    document.update(fields)
    if reports is not None:
        document["reports"] = reports(document["reports"])
    (folder / "manifest.json").write_text(json.dumps(document))


def test_ruff_format_json_exits_2_on_an_unparsable_file_and_that_is_no_crash(
    tmp_path: Path,
) -> None:
    recorder = StageRecorder("s", tmp_path / ".gates" / "s", STATE, "nox -s s")
    recorder.folder.mkdir(parents=True)
    json_form = ["ruff", "format", "--check", "--output-format", "json"]
    recorder.tool("ruff", version="0.17.6", argv=json_form, exit_code=2)
    recorder.tool("ruff", version="0.17.6", argv=["ruff", "check", "."], exit_code=2)
    recorder.tool("ruff", version="0.15.12", argv=["ruff", "format", "--check"], exit_code=2)
    recorder.finish()
    found = stage(tmp_path)
    crashed = [p.problem for p in found.problems if p.problem.slug == "tool-crashed"]
    # `ruff check` exiting 2 is ruff's own error; the text form says "did not parse" only so
    assert len(crashed) == 2
    assert all("ruff exited 2" in problem.message for problem in crashed)


def test_a_tool_that_is_not_installed_is_recorded_as_such(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    _git(tmp_path, "commit", "-q", "--allow-empty", "-m", "x")
    recorder = StageRecorder.begin("lint", root=tmp_path)
    outcome = run_tool(recorder, ["no-such-linter-here", "."], tool="ruff", version="1")
    assert (outcome.exit_code, outcome.ran_fine) == (127, False)
    assert "command not found" in outcome.describe("ruff")
    assert "the command was not found" in outcome.describe("ruff")


class _Crashing:
    """A reader with a bug: it raises what no reader should (an ``OverflowError``)."""

    @staticmethod
    def read(_blob: object, _context: object) -> ReportData:
        raise OverflowError("int too large to convert to float")


def test_a_reader_that_crashes_is_a_problem_of_its_report_and_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(
        tmp_path,
        [
            ("ruff.json", "ruff-json", "ruff", b"[]\n"),
            ("files.txt", "file-list", "ruff", b"/r/a\n"),
        ],
    )
    real = readers.reader_for
    monkeypatch.setattr(
        evidence_module,
        "reader_for",
        lambda fmt: cast("Reader", _Crashing) if fmt == "ruff-json" else real(fmt),
    )
    loaded = load_evidence(tmp_path, reports=".gates", state=STATE, max_bytes=MAX)
    [found] = loaded.stages
    assert [r.path for r in found.reports] == [".gates/s/files.txt"]  # the other one is read
    [problem] = [p.problem for p in found.problems]
    assert (problem.slug, problem.path) == ("internal-error", ".gates/s/ruff.json")
    assert problem.message == (
        "gates crashed in the ruff-json reader: OverflowError: int too large to convert to float"
    )
    assert "bug in gates" in problem.hint
    [crash] = loaded.crashes
    assert (crash.path, crash.error.partition(":")[0]) == (".gates/s/ruff.json", "OverflowError")
    assert 'raise OverflowError("int too large' in crash.trace


def test_a_crash_loading_a_stage_is_that_stage_s_problem_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(tmp_path, [("ruff.json", "ruff-json", "ruff", b"[]\n")])
    shutil.copytree(tmp_path / ".gates" / "s", tmp_path / ".gates" / "t")
    edit_manifest(tmp_path / ".gates" / "t", stage="t")

    def load_manifest(folder: Path, *, display: str) -> Manifest:
        if folder.name == "t":
            raise ValueError("embedded null byte")
        return manifest_module.load_manifest(folder, display=display)

    monkeypatch.setattr(evidence_module, "load_manifest", load_manifest)
    loaded = load_evidence(tmp_path, reports=".gates", state=STATE, max_bytes=MAX)
    s_stage, t_stage = loaded.stages
    assert [r.path for r in s_stage.reports] == [".gates/s/ruff.json"]
    assert "internal-error" not in slugs(s_stage)
    assert slugs(t_stage) == ["internal-error"]
    assert t_stage.problems[0].problem.path == ".gates/t"
    assert "loading the stage folder: ValueError: embedded null byte" in (
        t_stage.problems[0].problem.message
    )
    assert [crash.step for crash in loaded.crashes] == ["loading the stage folder"]
