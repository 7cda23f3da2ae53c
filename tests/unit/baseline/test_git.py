"""Renames since the baseline, and the lines a change touched, as git tells them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gates.baseline.git import changed_lines, renames
from gates.errors import EvidenceError

BODY = "".join(f"line_{n} = {n}\n" for n in range(1, 21))


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "pkg").mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.email", "gates@example.invalid")
    _git(root, "config", "user.name", "gates tests")
    _git(root, "config", "commit.gpgsign", "false")
    (root / "pkg" / "old.py").write_text(BODY)
    (root / "pkg" / "kept.py").write_text(BODY)
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    return root


def _head(root: Path) -> str:
    return _git(root, "rev-parse", "HEAD").strip()


def test_a_file_renamed_and_edited_since_the_commit_is_followed(repo: Path) -> None:
    base = _head(repo)
    _git(repo, "mv", "pkg/old.py", "pkg/new.py")
    (repo / "pkg" / "new.py").write_text("import os\n" + BODY)
    _git(repo, "commit", "-qam", "rename")
    (repo / "pkg" / "kept.py").write_text(BODY + "more = 1\n")  # an uncommitted edit
    assert renames(repo, base) == {"pkg/old.py": "pkg/new.py"}


def test_a_commit_not_in_the_clone_cannot_be_followed(repo: Path) -> None:
    with pytest.raises(EvidenceError) as caught:
        renames(repo, "f" * 40)
    assert caught.value.slug == "no-git"
    assert "fetch-depth: 0" in caught.value.hint


def test_the_changed_lines_are_the_branchs_and_the_working_trees(repo: Path) -> None:
    _git(repo, "checkout", "-qb", "feature")
    (repo / "pkg" / "kept.py").write_text(BODY.replace("line_3 = 3", "line_3 = 33"))
    _git(repo, "commit", "-qam", "edit")
    (repo / "pkg" / "kept.py").write_text(
        BODY.replace("line_3 = 3", "line_3 = 33") + "line_21 = 21\n"
    )
    _git(repo, "mv", "pkg/old.py", "pkg/moved.py")
    (repo / "pkg" / "fresh.py").write_text("x = 1\n")  # untracked
    changes = changed_lines(repo, "main")
    assert changes.lines == {"pkg/kept.py": frozenset({3, 21})}
    assert changes.new_files == {"pkg/fresh.py"}
    assert changes.touches("pkg/kept.py", 21)
    assert not changes.touches("pkg/kept.py", 4)
    assert changes.touches("pkg/kept.py", 0)  # a finding of the whole file: the file changed
    assert not changes.touches("pkg/moved.py", 5)  # moved, not changed
    assert changes.touches("pkg/fresh.py", 1)
    assert changes.against.startswith("main (merge base ")


def test_a_base_that_is_not_there_is_wrong_base(repo: Path) -> None:
    with pytest.raises(EvidenceError) as caught:
        changed_lines(repo, "origin/nope")
    assert caught.value.slug == "wrong-base"
    assert "origin/nope" in caught.value.message
