"""``gates dashboard`` end to end: a folder of runs, the history branch, a corrupt input."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from gates.history.store import append, record_path
from gates.outputs import json_out
from gates.outputs.interface import RenderOptions
from tests.integration.conftest import Gates, commit_all, git
from tests.unit.dashboard._fixtures import record, write
from tests.unit.outputs._verdicts import mixed


def _verdict(path: Path, commit: str = "") -> Path:
    verdict = mixed()
    if commit:
        verdict = replace(verdict, stages=tuple((s, commit, False) for s, _, _ in verdict.stages))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json_out.render(verdict, options=RenderOptions()), encoding="utf-8")
    return path


@pytest.fixture
def gates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Gates:
    root = tmp_path / "project"
    root.mkdir()
    return Gates(root, capsys)


def test_a_folder_of_runs_corrupt_files_named_not_trusted(gates: Gates, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    for number in range(1, 6):
        write(runs, record(number, coverage=85.0 + number), f"r{number}.json")
    write(runs, record(6), "nan.json").write_text(
        json.dumps(record(6)).replace('"measured": 90.0', '"measured": NaN'), encoding="utf-8"
    )
    (runs / "truncated.json").write_text(json.dumps(record(7))[:50], encoding="utf-8")
    (runs / "other.json").write_text('{"schema": "something.else"}', encoding="utf-8")
    _verdict(runs / "old-verdict.json")  # an earlier JSON verdict is a run too
    verdict = _verdict(gates.root / ".gates" / "verdict.json")
    out = tmp_path / "dashboard.html"
    ran = gates(
        "dashboard", "--root", str(gates.root), "--verdict", str(verdict),
        "--history", str(runs), "-o", str(out), "--today", "2026-12-01",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    assert "wrote" in ran.out and "6 earlier runs" in ran.out
    for name in ("nan.json", "truncated.json", "other.json"):
        assert name in ran.err
    page = out.read_text(encoding="utf-8")
    assert page.count('<svg class="trend"') >= 1
    assert "History not trusted" in page and "truncated.json" in page


def test_the_history_branch_along_the_base_and_the_runs_own_record(
    gates: Gates, tmp_path: Path
) -> None:
    root = gates.root
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "gates@example.invalid")
    git(root, "config", "user.name", "gates tests")
    git(root, "config", "commit.gpgsign", "false")
    commits = []
    for number in range(3):
        (root / "f.txt").write_text(str(number))
        commit_all(root, f"c{number}")
        commits.append(git(root, "rev-parse", "HEAD").strip())
    for number, sha in enumerate(commits):
        document = record(
            number, coverage=80.0 + number, tests=[("t::a", "passed", 0.5 + number, 0)]
        )
        run = document["run"]
        assert isinstance(run, dict)
        run["commit"] = sha
        text = json.dumps(document).encode()
        append(root, "gates-history", path=record_path(sha, f"run-{number}"), data=text)
    verdict = _verdict(tmp_path / "verdict.json", commit=commits[-1])
    out = tmp_path / "dashboard.html"
    ran = gates(
        "dashboard", "--root", str(root), "--verdict", str(verdict), "--base", "main",
        "-o", str(out), "--today", "2026-12-01",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    assert "2 earlier runs" in ran.out
    page = out.read_text(encoding="utf-8")
    assert "2 earlier runs read" in page
    assert "1 test in 2.5 s (this run)" in page  # the tests of HEAD's own record
    assert "trend (last 3 runs)" in page


def test_without_history_the_trends_are_unknown(gates: Gates, tmp_path: Path) -> None:
    verdict = _verdict(tmp_path / "verdict.json")
    out = tmp_path / "d.html"
    ran = gates("dashboard", "--root", str(gates.root), "--verdict", str(verdict), "-o", str(out))
    assert ran.code == 0, ran.err
    assert "trend unknown" in ran.out
    page = out.read_text(encoding="utf-8")
    assert '<svg class="trend"' not in page
    assert "base unknown" in page


@pytest.mark.parametrize(
    "content", [b"", b'{"schema": "gates.verdict", "version": 1', b'{"schema": "gates.verdict"}']
)
def test_a_corrupt_verdict_is_an_evidence_error_naming_it(
    gates: Gates, tmp_path: Path, content: bytes
) -> None:
    verdict = tmp_path / "verdict.json"
    verdict.write_bytes(content)
    out = tmp_path / "d.html"
    ran = gates("dashboard", "--root", str(gates.root), "--verdict", str(verdict), "-o", str(out))
    assert ran.code == 3
    assert str(verdict) in ran.err
    assert "Traceback" not in ran.err
    assert not out.exists()


def test_the_policys_quarantines_are_listed_with_their_expiries(
    gates: Gates, tmp_path: Path
) -> None:
    (gates.root / "gates.toml").write_text(
        '[gate.t]\nmetric = "tests.failed"\nmax = 0\n\n'
        '[[quarantine]]\ntest = "tests/test_net.py::test_<retry>"\nowner = "@net"\n'
        'reason = "flaky on CI"\nexpires = 2026-12-11\n\n'
        '[[quarantine]]\ntest = "tests/test_old.py::*"\nowner = "@old"\n'
        'reason = "legacy"\nexpires = 2026-11-01\n',
        encoding="utf-8",
    )
    verdict = _verdict(tmp_path / "verdict.json")
    out = tmp_path / "d.html"
    ran = gates(
        "dashboard", "--root", str(gates.root), "--config", str(gates.root / "gates.toml"),
        "--verdict", str(verdict), "-o", str(out), "--today", "2026-12-01",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    page = out.read_text(encoding="utf-8")
    section = page[page.index('id="expiring"') : page.index('id="tests"')]
    assert "tests/test_net.py::test_&lt;retry&gt;" in section and ">10<" in section
    assert "tests/test_old.py::*" in section and 'class="status expired"' in section


def test_the_page_goes_to_the_reports_folder_by_default_and_an_unwritable_one_is_named(
    gates: Gates, tmp_path: Path
) -> None:
    verdict = _verdict(gates.root / ".gates" / "verdict.json")
    ran = gates("dashboard", "--root", str(gates.root), "--verdict", str(verdict))
    assert ran.code == 0, ran.err
    assert (gates.root / ".gates" / "dashboard.html").is_file()
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    ran = gates(
        "dashboard", "--root", str(gates.root), "--verdict", str(verdict),
        "-o", str(blocker / "d.html"),
    )  # fmt: skip
    assert ran.code == 2
    assert "cannot be written" in ran.err and "Traceback" not in ran.err
