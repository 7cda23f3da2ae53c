"""``gates history record|add|show`` in process, on a real git repository."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest

from gates.cli.history import _sha256, show_text
from gates.cli.main import main
from gates.errors import EvidenceError
from gates.history.model import BaseEntry, BaseHistory
from gates.history.parse import corrupt
from gates.history.record import RunInfo, record_text
from gates.history.store import append, record_path
from tests.unit._build import cov_file, coverage, evidence, judge, junit, stage

POLICY = '[gate.lint]\nmetric = "findings"\ntool = "ruff"\nmax = 0\n'
UNIT_POLICY = """
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


def _commit(root: Path, name: str) -> str:
    (root / f"{name}.txt").write_text(name + "\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", name)
    return git(root, "rev-parse", "HEAD").strip()


def _repo(root: Path) -> Path:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "gates@example.invalid")
    git(root, "config", "user.name", "gates tests")
    git(root, "config", "commit.gpgsign", "false")
    return root


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("GITHUB_RUN_ID", "GITHUB_RUN_ATTEMPT", "CI_JOB_ID", "GATES_HISTORY_STORE"):
        monkeypatch.delenv(name, raising=False)
    root = _repo(tmp_path / "project")
    (root / "gates.toml").write_text(POLICY)
    (root / ".gitignore").write_text(".gates/\n")
    _commit(root, "base")
    monkeypatch.chdir(root)  # --config is read relative to the working folder first
    return root


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _unit_record(commit: str, run_id: str, *, failed: int) -> bytes:
    run = RunInfo(
        run_id=run_id,
        commit=commit,
        parent="",
        branch="main",
        recorded="2026-11-25T00:00:00Z",
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
    return record_text(judge(UNIT_POLICY, ev), ev, run).encode("utf-8")


# ---------------------------------------------------------------- record


def test_record_adds_the_runs_record_to_the_history_branch(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = git(project, "rev-parse", "HEAD").strip()
    output = tmp_path / "out" / "record.json"
    code, out, err = _run(
        capsys,
        "history",
        "record",
        "--root",
        str(project),
        "--run-id",
        "r1",
        "--output",
        str(output),
    )
    assert code == 0, err
    path = record_path(head, "r1")
    assert out == f"recorded gates-history:{path} (error, 1 gates, 0 tests)\n"
    stored = git(project, "show", f"gates-history:{path}")
    assert output.read_text() == stored
    record = json.loads(stored)
    assert record["run"]["id"] == "r1"
    assert record["run"]["commit"] == head
    assert record["run"]["branch"] == "main"
    assert record["run"]["parent"] is None  # the first commit has none
    assert record["run"]["policy_sha256"] == hashlib.sha256(POLICY.encode()).hexdigest()
    assert [g["name"] for g in record["gates"]] == ["lint"]
    assert record["status"] == "error"
    assert git(project, "status", "--porcelain") == ""


def test_record_names_the_parent_the_branch_and_a_separate_store(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parent = git(project, "rev-parse", "HEAD").strip()
    head = _commit(project, "second")
    store = _repo(tmp_path / "store")
    code, out, err = _run(
        capsys,
        "history",
        "record",
        "--root",
        str(project),
        "--run-id",
        "r2",
        "--branch",
        "release",
        "--store",
        str(store),
        "--history-branch",
        "runs-log",
    )
    assert code == 0, err
    path = record_path(head, "r2")
    assert out.startswith(f"recorded runs-log:{path} ")
    record = json.loads(git(store, "show", f"runs-log:{path}"))
    assert record["run"]["parent"] == parent
    assert record["run"]["branch"] == "release"
    assert git(project, "branch", "--list", "runs-log", "gates-history") == ""


def test_record_hashes_the_policy_given_by_its_absolute_path(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    policy = tmp_path / "elsewhere.toml"
    text = POLICY + '\n[gate.lint2]\nmetric = "findings"\ntool = "mypy"\nmax = 0\n'
    policy.write_text(text)
    head = git(project, "rev-parse", "HEAD").strip()
    code, out, err = _run(
        capsys,
        "history",
        "record",
        "--root",
        str(project),
        "--run-id",
        "a",
        "--config",
        str(policy),
    )
    assert code == 0, err
    assert out.endswith("(error, 2 gates, 0 tests)\n")
    record = json.loads(git(project, "show", f"gates-history:{record_path(head, 'a')}"))
    assert record["run"]["policy_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert [g["name"] for g in record["gates"]] == ["lint", "lint2"]


def test_record_takes_the_history_branch_from_the_policy(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "gates.toml").write_text('[gates]\nhistory = "verdicts"\n\n' + POLICY)
    head = _commit(project, "policy")
    code, out, err = _run(capsys, "history", "record", "--root", str(project), "--run-id", "p")
    assert code == 0, err
    assert out.startswith(f"recorded verdicts:{record_path(head, 'p')} ")
    assert git(project, "ls-tree", "-r", "--name-only", "verdicts").split() == [
        record_path(head, "p")
    ]


def test_record_refuses_a_dirty_working_tree(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "base.txt").write_text("changed\n")
    code, out, err = _run(capsys, "history", "record", "--root", str(project), "--run-id", "r")
    assert code == 2
    assert out == ""
    assert "the working tree has local changes" in err
    assert "commit the changes, or record from CI" in err
    assert (
        subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "gates-history"],
            cwd=project,
            capture_output=True,
            check=False,
        ).returncode
        != 0
    )


def test_record_refuses_a_run_id_used_twice(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = _run(capsys, "history", "record", "--root", str(project), "--run-id", "same")
    assert code == 0, err
    tip = git(project, "rev-parse", "gates-history").strip()
    monkeypatch.setattr("gates.cli.history.__version__", "9.9.9")  # other content, same path
    code, out, err = _run(capsys, "history", "record", "--root", str(project), "--run-id", "same")
    assert code == 3
    assert out == ""
    assert "already recorded, with other content" in err
    assert "--run-id" in err
    assert git(project, "rev-parse", "gates-history").strip() == tip


def test_record_refuses_a_run_id_that_is_not_a_file_name(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(capsys, "history", "record", "--root", str(project), "--run-id", "../x")
    assert code == 3
    assert "is not a file name" in err


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"GITHUB_RUN_ID": "4242", "GITHUB_RUN_ATTEMPT": "3"}, r"4242-3"),
        ({"GITHUB_RUN_ID": "4242"}, r"4242-1"),
        ({"GITHUB_RUN_ID": "not-a-number", "CI_JOB_ID": "77"}, r"gitlab-77"),
        ({}, r"local-\d{8}T\d{12}Z-\d+"),
    ],
)
def test_record_takes_a_default_run_id_from_the_ci(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    expected: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    head = git(project, "rev-parse", "HEAD").strip()
    code, out, err = _run(capsys, "history", "record", "--root", str(project))
    assert code == 0, err
    files = git(project, "ls-tree", "-r", "--name-only", "gates-history").split()
    assert len(files) == 1
    assert re.fullmatch(rf"runs/{head[:2]}/{head}/{expected}\.json", files[0]), files[0]
    assert files[0] in out


# ---------------------------------------------------------------- add


def test_add_puts_a_written_record_on_a_branch_once(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = git(project, "rev-parse", "HEAD").strip()
    output = tmp_path / "record.json"
    store = _repo(tmp_path / "store")
    code, _, err = _run(
        capsys,
        "history",
        "record",
        "--root",
        str(project),
        "--run-id",
        "r1",
        "--output",
        str(output),
    )
    assert code == 0, err
    path = record_path(head, "r1")
    code, out, err = _run(
        capsys, "history", "add", "--root", str(project), "--store", str(store), str(output)
    )
    assert code == 0, err
    assert out == f"added gates-history:{path}\n"
    assert git(store, "show", f"gates-history:{path}") == output.read_text()
    code, out, _ = _run(
        capsys, "history", "add", "--root", str(project), "--store", str(store), str(output)
    )
    assert code == 0
    assert out == f"already recorded gates-history:{path}\n"
    code, out, _ = _run(  # on the project's own branch, the record is already there
        capsys, "history", "add", "--root", str(project), str(output)
    )
    assert code == 0 and out.startswith("already recorded ")


def test_add_refuses_a_file_it_cannot_read(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.json"
    code, out, err = _run(capsys, "history", "add", "--root", str(project), str(missing))
    assert code == 2
    assert out == ""
    assert f"cannot read {missing}: No such file or directory" in err
    assert "pass a record file" in err


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"[1, 2]",
        b'{"run": "not an object"}',
        b'{"run": {"commit": 42}}',
        b'{"schema": "gates.history", "run": {"commit": "' + b"a" * 40 + b'"}}',
    ],
)
def test_add_refuses_a_corrupt_record(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, out, err = _run(capsys, "history", "add", "--root", str(project), str(bad))
    assert code == 3
    assert out == ""
    assert "evidence error" in err
    assert (
        subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "gates-history"],
            cwd=project,
            capture_output=True,
            check=False,
        ).returncode
        != 0
    )


# ---------------------------------------------------------------- show


def _feature(project: Path) -> list[str]:
    mains = [git(project, "rev-parse", "HEAD").strip(), _commit(project, "m2")]
    git(project, "checkout", "-q", "-b", "feature")
    _commit(project, "f1")
    return mains


def test_show_lists_the_records_nearest_first(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m1, m2 = _feature(project)
    append(
        project, "gates-history", path=record_path(m1, "ok"), data=_unit_record(m1, "ok", failed=0)
    )
    append(
        project,
        "gates-history",
        path=record_path(m2, "bad"),
        data=_unit_record(m2, "bad", failed=1),
    )
    code, out, err = _run(capsys, "history", "show", "--root", str(project), "--base", "main")
    assert code == 0, err
    assert out.splitlines() == [
        f"history of main (merge base {m2[:12]})",
        f"  {m2[:12]}  fail   run bad  2 gates, 3 tests; failing: tests",
        f"  {m1[:12]}  pass   run ok  2 gates, 2 tests",
    ]
    code, out, _ = _run(
        capsys, "history", "show", "--root", str(project), "--base", "main", "--limit", "0"
    )
    assert code == 0
    assert out.splitlines()[1:] == [
        f"  {m2[:12]}  fail   run bad  2 gates, 3 tests; failing: tests"
    ]


def test_show_names_a_corrupt_record_and_exits_3(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, m2 = _feature(project)
    append(project, "gates-history", path=record_path(m2, "broken"), data=b"{oops\n")
    code, out, _ = _run(capsys, "history", "show", "--root", str(project), "--base", "main")
    assert code == 3
    lines = out.splitlines()
    assert lines[1] == f"  {m2[:12]}  unknown: every record is corrupt"
    assert lines[2].startswith("    [history-corrupt] ")
    assert "broken.json" in lines[2]


def test_show_without_history_says_why(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "history", "show", "--root", str(project), "--base", "nowhere")
    assert code == 0
    assert out.splitlines() == [
        "history of nowhere (merge base ?)",
        (
            "  trend unknown: the base ref 'nowhere' is not in this clone: fetch it "
            "(actions/checkout with fetch-depth: 0)"
        ),
    ]


def test_show_text_keeps_each_line_on_one_line() -> None:
    problem = corrupt(EvidenceError("bad\nrecord", slug="history-corrupt", path="runs/x.json"))
    history = BaseHistory(
        base="main",
        merge_base="f" * 40,
        entries=(BaseEntry(commit="e" * 40, record=None, corrupt=(problem,)),),
    )
    text = show_text(history)
    lines = text.splitlines()
    assert text.endswith("\n") and len(lines) == 3
    assert lines[0] == f"history of main (merge base {'f' * 12})"
    assert lines[1] == f"  {'e' * 12}  unknown: every record is corrupt"
    assert lines[2].startswith("    [history-corrupt] ") and "bad" in lines[2]


def test_the_policy_hash_of_a_missing_file_is_empty(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_bytes(b"x")
    assert _sha256(tmp_path / "p.toml") == hashlib.sha256(b"x").hexdigest()
    assert _sha256(tmp_path / "missing.toml") == ""


def test_record_from_another_folder_judges_and_hashes_the_policy_under_root(
    project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--config is read from here when it is here, else under --root: one file, judged and hashed."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, _out, err = _run(capsys, "history", "record", "--root", str(project), "--run-id", "r9")
    assert code == 0, err
    head = git(project, "rev-parse", "HEAD").strip()
    record = json.loads(git(project, "show", f"gates-history:{record_path(head, 'r9')}"))
    assert record["run"]["policy_sha256"] == hashlib.sha256(POLICY.encode()).hexdigest()
    assert [g["name"] for g in record["gates"]] == ["lint"]
    # a gates.toml here too: it is the one judged, and the one whose digest is recorded
    here = '[gate.tests]\nmetric = "tests.failed"\nmax = 0\n'
    (elsewhere / "gates.toml").write_text(here)
    code, _out, err = _run(capsys, "history", "record", "--root", str(project), "--run-id", "r10")
    assert code == 0, err
    record = json.loads(git(project, "show", f"gates-history:{record_path(head, 'r10')}"))
    assert record["run"]["policy_sha256"] == hashlib.sha256(here.encode()).hexdigest()
    assert [g["name"] for g in record["gates"]] == ["tests"]
