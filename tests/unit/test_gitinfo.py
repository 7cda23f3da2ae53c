"""The tree state evidence is tied to: what changes count, and what never does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest.mock import ANY

import pytest

from gates.judge.evidence import load_evidence
from gates.stage.recorder import StageRecorder
from gates.system.git import DELETED, commit_of, same_code, tree_state
from gates.system.gitnames import pathspec

MAX = 1 << 24
ANY_DIGEST = ANY


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / ".gitignore").write_text(".gates/\nenv/\n")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text("x = 1\n")
    (tmp_path / "README.md").write_text("# pkg\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text("guide\n")
    (tmp_path / "docs" / "conf.py").write_text("project = 'pkg'\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "code")
    return tmp_path


def ran(recorder: StageRecorder) -> StageRecorder:
    """The stage, with a run of a tool: a manifest that records none is refused."""
    recorder.tool("ruff", version="1", argv=["ruff", "check", "."], exit_code=0)
    return recorder


def _clean_digest(root: Path) -> str:
    return tree_state(root).digest


def test_files_git_ignores_never_change_the_state(repo: Path) -> None:
    clean = tree_state(repo)
    (repo / "env" / "lib").mkdir(parents=True)
    (repo / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (repo / "env" / "lib" / "site.py").write_text("y = 2\n")
    assert tree_state(repo) == clean


def test_an_environment_git_does_not_ignore_is_still_not_code(repo: Path) -> None:
    """A virtualenv or conda environment under any name is an installation: never judged."""
    clean = tree_state(repo)
    for top, marker in (("py311", "pyvenv.cfg"), ("conda", "conda-meta/history")):
        (repo / top / "lib" / "site-packages").mkdir(parents=True)
        (repo / top / marker).parent.mkdir(parents=True, exist_ok=True)
        (repo / top / marker).write_text("marker\n")
        (repo / top / "lib" / "site-packages" / "dep.py").write_text("z = 3\n")
    assert tree_state(repo) == clean
    (repo / "loose.py").write_text("w = 4\n")  # an untracked module is code
    assert tree_state(repo).digest != clean.digest


def test_unaffected_globs_leave_out_their_changes(repo: Path) -> None:
    clean = tree_state(repo)
    (repo / "README.md").write_text("# pkg, edited\n")
    (repo / "docs" / "guide.md").write_text("guide, edited\n")
    (repo / "docs" / "new.md").write_text("new\n")
    edited = tree_state(repo)
    assert edited.dirty
    assert sorted(edited.changes or {}) == ["README.md", "docs/guide.md"]
    assert tree_state(repo, unaffected=["*.md"]) == clean
    assert tree_state(repo, unaffected=["docs/", "/README.md"]) == clean
    assert tree_state(repo, unaffected=["docs/"]).changes.keys() == {"README.md"}  # type: ignore[union-attr]
    (repo / "docs" / "conf.py").write_text("project = 'other'\n")  # code, even under docs/
    assert tree_state(repo, unaffected=["*.md"]).changes.keys() == {"docs/conf.py"}  # type: ignore[union-attr]


def test_a_rooted_glob_matches_only_at_the_top(repo: Path) -> None:
    (repo / "docs" / "README.md").write_text("nested\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "nested readme")
    (repo / "docs" / "README.md").write_text("nested, edited\n")
    assert tree_state(repo, unaffected=["/README.md"]).dirty
    assert not tree_state(repo, unaffected=["README.md"]).dirty


def test_commits_that_touch_only_unaffected_files_hold_the_same_code(repo: Path) -> None:
    first = commit_of(repo, "HEAD")
    (repo / "README.md").write_text("# pkg 2\n")
    _git(repo, "commit", "-qam", "docs")
    second = commit_of(repo, "HEAD")
    assert not same_code(repo, first, second)
    assert same_code(repo, first, second, unaffected=["*.md"])


def test_commit_of_names_a_commit_or_nothing(repo: Path) -> None:
    assert len(commit_of(repo, "HEAD")) == 40
    assert commit_of(repo, "no-such-branch") == ""
    assert commit_of(repo, "--output=/tmp/x") == ""  # never an option to git


def test_pathspec_reads_globs_as_gitignore_does() -> None:
    assert pathspec("*.md", exclude=True) == ":(exclude,top,glob)**/*.md"
    assert pathspec("docs/") == ":(top,glob)**/docs/**"
    assert pathspec("/CHANGES.rst") == ":(top,glob)CHANGES.rst"
    assert pathspec("docs/**/*.rst") == ":(top,glob)docs/**/*.rst"


def test_evidence_stays_fresh_across_an_unaffected_edit_and_its_commit(repo: Path) -> None:
    ran(StageRecorder.begin("lint", root=repo, unaffected=["*.md"])).finish()

    def slugs(*, unaffected: tuple[str, ...] = ("*.md",)) -> list[str]:
        state = tree_state(repo, unaffected=unaffected)
        loaded = load_evidence(
            repo, reports=".gates", state=state, max_bytes=MAX, unaffected=unaffected
        )
        return [p.problem.slug for p in loaded.stages[0].problems]

    (repo / "README.md").write_text("# pkg, edited after the stage ran\n")
    assert slugs() == []
    _git(repo, "commit", "-qam", "readme")
    assert slugs() == []
    (repo / "pkg" / "mod.py").write_text("x = 2\n")
    assert slugs() == ["stale-worktree"]


def test_evidence_made_leaving_out_fewer_files_is_judged_by_its_own_globs(repo: Path) -> None:
    """A policy that names more globs after the stages ran keeps their evidence, as strictly."""
    ran(StageRecorder.begin("lint", root=repo)).finish()  # before the policy named any

    def problems() -> list[tuple[str, str]]:
        state = tree_state(repo, unaffected=["*.md"])
        loaded = load_evidence(
            repo, reports=".gates", state=state, max_bytes=MAX, unaffected=["*.md"]
        )
        return [(p.problem.slug, p.problem.message) for p in loaded.stages[0].problems]

    assert problems() == []
    (repo / "README.md").write_text("# edited\n")  # it measured the README: now stale
    assert problems() == [("stale-worktree", "files changed since the stage ran: README.md")]


def test_evidence_made_leaving_out_more_files_than_the_policy_is_stale(repo: Path) -> None:
    ran(StageRecorder.begin("lint", root=repo, unaffected=["*.md"])).finish()
    loaded = load_evidence(repo, reports=".gates", state=tree_state(repo), max_bytes=MAX)
    [problem] = [p.problem for p in loaded.stages[0].problems]
    assert problem.slug == "stale-worktree"
    assert "[gates] unaffected was ['*.md'], it is []" in problem.message


# ---------------------------------------------------------------- links, pipes and devices

_CHILD = """
import json, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (256 << 20, 256 << 20))
from gates.system.git import tree_state
state = tree_state(Path(sys.argv[1]))
print(json.dumps({"digest": state.digest, "changes": state.changes}))
"""


def _state_in_a_child(root: Path) -> dict[str, object]:
    """``tree_state`` in a process of 256 MiB: a read of /dev/zero there fails, not this one.

    The wall-clock timeout only catches a hang (a read of a pipe with no writer).
    """
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_an_untracked_link_to_a_device_is_hashed_as_a_link(repo: Path) -> None:
    clean = _state_in_a_child(repo)
    (repo / "x.py").symlink_to("/dev/zero")
    linked = _state_in_a_child(repo)
    assert linked["digest"] != clean["digest"]  # a new link is a change
    assert isinstance(linked["changes"], dict)
    assert set(linked["changes"]) == {"x.py"}
    (repo / "x.py").unlink()
    (repo / "x.py").symlink_to("/dev/null")
    assert _state_in_a_child(repo)["digest"] != linked["digest"]  # so is another target


def test_an_untracked_link_to_a_pipe_is_not_opened(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    pipe = tmp_path_factory.mktemp("elsewhere") / "pipe"
    os.mkfifo(pipe)
    (repo / "x.py").symlink_to(pipe)
    assert _state_in_a_child(repo)["changes"] == {"x.py": ANY_DIGEST}


def test_a_tracked_file_turned_into_a_link_to_a_device_is_not_read(repo: Path) -> None:
    (repo / "pkg" / "mod.py").unlink()
    (repo / "pkg" / "mod.py").symlink_to("/dev/zero")
    changes = _state_in_a_child(repo)["changes"]
    assert isinstance(changes, dict)
    assert set(changes) == {"pkg/mod.py"}


def test_a_link_out_of_the_tree_is_its_name_not_the_content_outside(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.py").write_text("a = 1\n")
    (repo / "x.py").symlink_to(outside / "secret.py")
    before = tree_state(repo)
    (outside / "secret.py").write_text("a = 2\n")
    assert tree_state(repo) == before


def test_a_folder_turned_into_a_link_out_of_the_tree_is_not_followed(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Past a link, git sees no file: ``pkg/mod.py`` is deleted, whatever lies outside."""
    outside = tmp_path_factory.mktemp("outside")
    (outside / "mod.py").write_text("x = 1\n")  # the same content as the tracked file
    shutil.rmtree(repo / "pkg")
    (repo / "pkg").symlink_to(outside, target_is_directory=True)
    state = tree_state(repo)
    assert state.changes is not None
    assert state.changes.get("pkg/mod.py") == DELETED
    (outside / "mod.py").write_text("x = 2\n")
    assert tree_state(repo) == state


def test_a_large_untracked_file_is_hashed_in_chunks(repo: Path) -> None:
    """512 MiB of source, hashed by a process limited to 256 MiB: never read whole."""
    with (repo / "big.py").open("wb") as handle:
        handle.truncate(512 * 1024 * 1024)  # sparse: no disk written
    digest = _state_in_a_child(repo)["changes"]
    assert isinstance(digest, dict)
    assert set(digest) == {"big.py"}
