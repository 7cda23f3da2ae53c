"""The history store (plumbing writes, compare-and-swap) and the base history read back, in a real git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.history.base import load_base_history
from gates.history.record import RunInfo, record_text
from gates.history.store import (
    DEFAULT_BRANCH,
    RecordFile,
    append,
    read_files,
    record_files,
    record_path,
    resolve,
)
from tests.unit._build import cov_file, coverage, evidence, judge, junit, stage

POLICY = """
[gate.cov]
metric = "coverage.percent"
stage = "unit"
min = 50

[gate.tests]
metric = "tests.failed"
max = 0
"""


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, timeout=60
    )
    return done.stdout


def _repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "gates@example.invalid")
    git(root, "config", "user.name", "gates tests")
    git(root, "config", "commit.gpgsign", "false")
    return root


def _commit(root: Path, name: str) -> str:
    (root / f"{name}.txt").write_text(name + "\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", name)
    return git(root, "rev-parse", "HEAD").strip()


def _record(
    commit: str, run_id: str, *, failed: int = 0, recorded: str = "2026-11-25T00:00:00Z"
) -> bytes:
    run = RunInfo(
        run_id=run_id,
        commit=commit,
        parent="",
        branch="main",
        recorded=recorded,
        gates_version="0.1.0",
        policy_sha256="c" * 64,
    )
    ev = evidence(
        stage(
            "unit",
            coverage("unit", cov_file("a.py", [1, 2, 3], [4])),
            junit("unit", passed=2, failed=failed),
        )
    )
    return record_text(judge(POLICY, ev), ev, run).encode("utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return _repo(tmp_path / "repo")


# ---------------------------------------------------------------- record_path


def test_record_path_files_a_run_under_its_commit() -> None:
    commit = "ab" + "c" * 38
    assert record_path(commit, "123-1") == f"runs/ab/{commit}/123-1.json"
    sha256 = "0f" + "1" * 62
    assert record_path(sha256, "x") == f"runs/0f/{sha256}/x.json"


@pytest.mark.parametrize("commit", ["abc", "A" * 40, "g" * 40, "a" * 41])
def test_record_path_refuses_what_is_not_a_full_sha(commit: str) -> None:
    with pytest.raises(EvidenceError, match="not a full commit SHA") as raised:
        record_path(commit, "1")
    assert raised.value.slug == "history-write-failed"


@pytest.mark.parametrize("run_id", ["", "../x", "a/b", ".hidden", "x" * 129, "a b"])
def test_record_path_refuses_a_run_id_that_is_not_a_file_name(run_id: str) -> None:
    with pytest.raises(EvidenceError, match="is not a file name") as raised:
        record_path("a" * 40, run_id)
    assert raised.value.slug == "history-write-failed"
    assert "GITHUB_RUN_ID" in (raised.value.hint or "")


# ---------------------------------------------------------------- append / resolve


def test_append_creates_the_orphan_branch_then_adds_one_file_a_run(repo: Path) -> None:
    head = _commit(repo, "one")
    assert resolve(repo, DEFAULT_BRANCH) == ""
    first = record_path(head, "run-1")
    assert append(repo, DEFAULT_BRANCH, path=first, data=b"one\n") is True
    tip = resolve(repo, DEFAULT_BRANCH)
    assert tip and git(repo, "rev-parse", f"refs/heads/{DEFAULT_BRANCH}").strip() == tip
    assert git(repo, "rev-list", "--count", tip).strip() == "1"  # orphan: no parent
    second = record_path(head, "run-2")
    assert append(repo, DEFAULT_BRANCH, path=second, data=b"two\n") is True
    assert git(repo, "ls-tree", "-r", "--name-only", DEFAULT_BRANCH).split() == [first, second]
    assert git(repo, "show", f"{DEFAULT_BRANCH}:{first}") == "one\n"
    assert git(repo, "show", f"{DEFAULT_BRANCH}:{second}") == "two\n"
    log = git(repo, "log", "--format=%an <%ae>|%s", DEFAULT_BRANCH).splitlines()
    assert log == [
        f"gates history <gates-history@localhost>|gates history: {second}",
        f"gates history <gates-history@localhost>|gates history: {first}",
    ]
    # the working tree, the index and HEAD are untouched
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "rev-parse", "HEAD").strip() == head


def test_append_of_the_same_record_again_changes_nothing(repo: Path) -> None:
    head = _commit(repo, "one")
    path = record_path(head, "run-1")
    assert append(repo, "hist", path=path, data=b"same\n") is True
    tip = resolve(repo, "hist")
    assert append(repo, "hist", path=path, data=b"same\n") is False
    assert resolve(repo, "hist") == tip


def test_append_refuses_a_run_id_used_twice_with_other_content(repo: Path) -> None:
    head = _commit(repo, "one")
    path = record_path(head, "run-1")
    append(repo, "hist", path=path, data=b"first\n")
    tip = resolve(repo, "hist")
    with pytest.raises(EvidenceError, match="already recorded, with other content") as raised:
        append(repo, "hist", path=path, data=b"second\n")
    assert raised.value.slug == "history-write-failed"
    assert "--run-id" in (raised.value.hint or "")
    assert resolve(repo, "hist") == tip
    assert git(repo, "show", f"hist:{path}") == "first\n"


def test_append_outside_a_repository_fails_with_a_hint(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(EvidenceError, match=r"`git hash-object` failed") as raised:
        append(plain, "hist", path=record_path("a" * 40, "1"), data=b"x")
    assert raised.value.slug == "history-write-failed"
    assert "inside the git repository" in (raised.value.hint or "")


def test_append_replaces_a_file_where_a_folder_is_needed(repo: Path) -> None:
    """A blob where the record's folder goes is not descended into: a folder replaces it."""
    head = _commit(repo, "one")
    append(repo, "hist", path="runs", data=b"a stray file\n")
    path = record_path(head, "r")
    assert append(repo, "hist", path=path, data=b"rec\n") is True
    assert git(repo, "ls-tree", "-r", "--name-only", "hist").split() == [path]


def test_resolve_falls_back_to_origins_branch(repo: Path, tmp_path: Path) -> None:
    head = _commit(repo, "one")
    append(repo, "hist", path=record_path(head, "r"), data=b"x\n")
    tip = resolve(repo, "hist")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-single-branch", str(repo), str(clone))
    git(clone, "fetch", "-q", "origin", "hist:refs/remotes/origin/hist")
    assert git(clone, "branch", "--list", "hist") == ""
    assert resolve(clone, "hist") == tip
    assert resolve(clone, "nothing") == ""


# ---------------------------------------------------------------- record_files / read_files


def test_record_files_lists_the_records_of_the_commits_asked_for(repo: Path) -> None:
    one = _commit(repo, "one")
    two = _commit(repo, "two")
    three = _commit(repo, "three")
    append(repo, "hist", path=record_path(one, "a"), data=b"1a\n")
    append(repo, "hist", path=record_path(one, "b"), data=b"1bb\n")
    append(repo, "hist", path=record_path(two, "a"), data=b"2a\n")
    append(repo, "hist", path=f"runs/{one[:2]}/{one}/notes.txt", data=b"not a record\n")
    append(repo, "hist", path=f"runs/{one[:2]}/{one}/sub/c.json", data=b"too deep\n")
    tip = resolve(repo, "hist")
    found = record_files(repo, tip, [one, three])
    assert set(found) == {one}
    files = sorted(found[one], key=lambda f: f.path)
    assert [(f.path, f.commit, f.size) for f in files] == [
        (record_path(one, "a"), one, 3),
        (record_path(one, "b"), one, 4),
    ]
    assert files[0].oid == git(repo, "rev-parse", f"hist:{record_path(one, 'a')}").strip()
    contents = read_files(repo, files)
    assert dict(contents) == {record_path(one, "a"): b"1a\n", record_path(one, "b"): b"1bb\n"}
    assert record_files(repo, tip, []) == {}


def test_read_files_of_nothing_runs_no_git(tmp_path: Path) -> None:
    assert read_files(tmp_path / "missing", []) == {}


def test_read_files_refuses_an_object_git_does_not_have(repo: Path) -> None:
    _commit(repo, "one")
    ghost = RecordFile("runs/aa/x.json", "a" * 40, "f" * 40, 3)
    with pytest.raises(EvidenceError, match=r"git cannot read runs/aa/x\.json") as raised:
        read_files(repo, [ghost])
    assert raised.value.slug == "history-read-failed"


def test_read_files_outside_a_repository_fails(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    ghost = RecordFile("runs/aa/x.json", "a" * 40, "f" * 40, 3)
    with pytest.raises(EvidenceError, match=r"`git cat-file` failed") as raised:
        read_files(plain, [ghost])
    assert raised.value.slug == "history-read-failed"
    assert "git fsck" in (raised.value.hint or "")


# ---------------------------------------------------------------- load_base_history


def _feature(repo: Path) -> tuple[list[str], str]:
    """main: c1-c2-c3; feature branched at c3 with one commit. Returns main's commits and the head."""
    mains = [_commit(repo, f"main{i}") for i in range(1, 4)]
    git(repo, "checkout", "-q", "-b", "feature")
    head = _commit(repo, "feature")
    return mains, head


def test_base_history_without_the_base_ref_is_unknown(repo: Path) -> None:
    _commit(repo, "one")
    history = load_base_history(repo, base="nowhere", branch="hist")
    assert history.base == "nowhere" and history.merge_base == ""
    assert "'nowhere' is not in this clone" in history.unknown
    assert history.entries == ()


def test_base_history_without_the_history_branch_is_unknown(repo: Path) -> None:
    mains, _ = _feature(repo)
    history = load_base_history(repo, base="main", branch="hist")
    assert history.merge_base == mains[-1]
    assert "no history branch 'hist'" in history.unknown
    assert "gates history record" in history.unknown
    assert history.entries == ()


def test_base_history_takes_the_nearest_recorded_commit_and_its_newest_record(repo: Path) -> None:
    mains, _ = _feature(repo)
    c1, c2, c3 = mains
    append(repo, "hist", path=record_path(c1, "old"), data=_record(c1, "old"))
    append(
        repo,
        "hist",
        path=record_path(c2, "r1"),
        data=_record(c2, "r1", recorded="2026-11-25T00:00:00Z"),
    )
    append(
        repo,
        "hist",
        path=record_path(c2, "r2"),
        data=_record(c2, "r2", failed=1, recorded="2026-11-26T00:00:00Z"),
    )
    history = load_base_history(repo, base="main", branch="hist")
    assert history.unknown == ""
    assert history.merge_base == c3
    assert [e.commit for e in history.entries] == [c2, c1]
    assert history.skipped == 1  # c3 has no record
    nearest = history.entries[0]
    assert nearest.record is not None and nearest.record.run_id == "r2"
    assert nearest.record.status == "fail"
    assert nearest.corrupt == ()
    assert history.entries[1].record is not None
    assert history.entries[1].record.run_id == "old"


def test_base_history_leaves_out_the_commit_judged(repo: Path) -> None:
    c1 = _commit(repo, "one")
    c2 = _commit(repo, "two")
    append(repo, "hist", path=record_path(c2, "here"), data=_record(c2, "here"))
    append(repo, "hist", path=record_path(c1, "before"), data=_record(c1, "before"))
    history = load_base_history(repo, base="main", branch="hist")
    assert history.merge_base == c2
    assert [e.commit for e in history.entries] == [c1]
    assert history.skipped == 0


def test_base_history_with_no_record_in_the_window_is_unknown(repo: Path) -> None:
    mains, _ = _feature(repo)
    c1 = mains[0]
    append(repo, "hist", path=record_path(c1, "r"), data=_record(c1, "r"))
    history = load_base_history(repo, base="main", branch="hist", depth=2)
    assert history.entries == ()
    assert history.skipped == 2
    assert history.unknown == "no record of the 2 latest commits of main"


def test_base_history_names_a_corrupt_record_and_does_not_trust_it(repo: Path) -> None:
    mains, _ = _feature(repo)
    c2, c3 = mains[1], mains[2]
    append(repo, "hist", path=record_path(c3, "bad"), data=b"{not json\n")
    append(repo, "hist", path=record_path(c2, "good"), data=_record(c2, "good"))
    history = load_base_history(repo, base="main", branch="hist")
    assert [e.commit for e in history.entries] == [c3, c2]
    assert history.skipped == 0
    bad = history.entries[0]
    assert bad.record is None
    assert len(bad.corrupt) == 1 and bad.corrupt[0].slug == "history-corrupt"
    assert history.corrupt  # the whole history knows one record was refused
    assert history.entries[1].record is not None


def test_base_history_from_a_separate_store(repo: Path, tmp_path: Path) -> None:
    mains, _ = _feature(repo)
    c3 = mains[-1]
    store = _repo(tmp_path / "store")
    append(store, "hist", path=record_path(c3, "s"), data=_record(c3, "s"))
    history = load_base_history(repo, base="main", branch="hist", store=store)
    assert [e.commit for e in history.entries] == [c3]
    assert resolve(repo, "hist") == ""  # nothing written to the project itself


def test_base_history_does_not_trust_a_record_over_the_size_limit(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mains, _ = _feature(repo)
    c3 = mains[-1]
    data = _record(c3, "big")
    append(repo, "hist", path=record_path(c3, "big"), data=data)
    monkeypatch.setattr("gates.history.base.MAX_RECORD_BYTES", len(data) - 1)
    history = load_base_history(repo, base="main", branch="hist")
    assert [e.commit for e in history.entries] == [c3]
    entry = history.entries[0]
    assert entry.record is None
    assert len(entry.corrupt) == 1
    assert entry.corrupt[0].slug == "history-corrupt"
    assert f"history record of {len(data):,} bytes was not read" in entry.corrupt[0].describe()


def test_base_history_reads_the_newest_records_of_a_commit_by_name(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mains, _ = _feature(repo)
    c3 = mains[-1]
    append(repo, "hist", path=record_path(c3, "run-a"), data=_record(c3, "run-a"))
    append(repo, "hist", path=record_path(c3, "run-b"), data=_record(c3, "run-b", failed=1))
    monkeypatch.setattr("gates.history.base._PER_COMMIT", 1)
    history = load_base_history(repo, base="main", branch="hist")
    entry = history.entries[0]
    assert entry.record is not None and entry.record.run_id == "run-b"
    assert len(entry.corrupt) == 1
    assert "run-a.json" in entry.corrupt[0].describe()
    assert "1 records a commit" in entry.corrupt[0].describe()
