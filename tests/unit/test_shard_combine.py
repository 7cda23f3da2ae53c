"""Combining shards blocks, naming the shard and the next step, on every way they can be wrong."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest

from gates.errors import EvidenceError
from gates.stage.manifest import load_manifest
from gates.stage.recorder import StageRecorder
from gates.stage.shards.check import check_shards
from gates.stage.shards.combine import combine, merge_junit
from gates.stage.shards.plan import Plan, make_plan
from gates.stage.shards.record import write_record
from gates.stage.shards.request import shard_stage

TESTS = ["tests/test_a.py::test_1", "tests/test_b.py::test_1", "tests/test_c.py::test_1"]


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, timeout=60)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "config", "user.email", "gates@example.invalid")
    _git(tmp_path, "config", "user.name", "gates tests")
    _git(tmp_path, "config", "commit.gpgsign", "false")
    (tmp_path / ".gitignore").write_text(".gates/\n")
    (tmp_path / "code.py").write_text("x = 1\n")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "code")
    return tmp_path


def _junit(tests: Sequence[str]) -> str:
    cases = "".join(
        f'<testcase classname="{t.split("::")[0][:-3].replace("/", ".")}" name="test_1" time="1"/>'
        for t in tests
    )
    return f'<testsuites><testsuite name="pytest" tests="{len(tests)}">{cases}</testsuite></testsuites>'


def _shard(
    root: Path,
    plan: Plan,
    index: int,
    *,
    tests: Sequence[str] | None = None,
    reportlog: bool = False,
) -> Path:
    """Shard ``index`` of ``plan`` as the recipe leaves it: manifest, JUnit (or a
    report-log), data, shard.json."""
    recorder = StageRecorder.begin(
        shard_stage("unit", index, plan.total), root=root, reports_dir=".gates/.shards"
    )
    (recorder.folder / ".coverage").write_bytes(b"data of shard %d" % index)
    tool = "pytest-reportlog" if reportlog else "pytest"
    recorder.tool(tool, version="9.2.0", argv=["pytest"], exit_code=0)
    if reportlog:
        (recorder.folder / "reportlog.jsonl").write_text('{"$report_type": "SessionStart"}\n')
        recorder.report("reportlog.jsonl", format="pytest-reportlog", tool="pytest-reportlog")
    else:
        (recorder.folder / "junit.xml").write_text(
            _junit(plan.shards[index - 1] if tests is None else tests)
        )
        recorder.report("junit.xml", format="junit-xml", tool="pytest")
    recorder.finish()
    write_record(root, ".gates", plan, index)
    return recorder.folder


def _blocked(root: Path, *, expected: int | None = None) -> EvidenceError:
    with pytest.raises(EvidenceError) as raised:
        check_shards(root, ".gates", "unit", expected=expected)
    return raised.value


def _plan(total: int, tests: Sequence[str] = TESTS) -> Plan:
    return make_plan("unit", tests, total=total, durations={})


def test_shards_that_belong_together_pass_the_checks(root: Path) -> None:
    plan = _plan(2)
    for index in (1, 2):
        _shard(root, plan, index)
    shards = check_shards(root, ".gates", "unit", expected=2)
    assert [s.record.index for s in shards] == [1, 2]
    junit, tool = merge_junit(shards)
    assert junit is not None
    assert tool == "pytest" and junit.count(b"<testcase") == 3 and junit.count(b"<testsuite ") == 2


def test_no_shard_at_all_blocks(root: Path) -> None:
    error = _blocked(root)
    assert error.slug == "shard-missing" and "no shard of unit ran" in error.message
    assert "GATES_SHARD=K/N nox -s unit" in error.hint


def test_a_missing_shard_blocks_by_name(root: Path) -> None:
    plan = _plan(3)
    _shard(root, plan, 1)
    _shard(root, plan, 3)
    error = _blocked(root)
    assert error.slug == "shard-missing"
    assert error.path == ".gates/.shards/unit-shard-2-of-3" and "shard 2 of 3" in error.message
    assert "GATES_SHARD=2/3 nox -s unit" in error.hint


def test_a_shard_that_did_not_finish_blocks(root: Path) -> None:
    plan = _plan(2)
    _shard(root, plan, 1)
    (_shard(root, plan, 2) / "shard.json").unlink()
    error = _blocked(root)
    assert (
        error.slug == "shard-missing"
        and error.path == ".gates/.shards/unit-shard-2-of-2/shard.json"
    )


def test_shards_planned_with_another_n_block(root: Path) -> None:
    for index in (1, 2):
        _shard(root, _plan(2), index)
    _shard(root, _plan(3), 1)  # a stale folder of an earlier run with 3 shards
    error = _blocked(root)
    assert error.slug == "shard-mismatch" and "different numbers of shards" in error.message
    assert ".gates/.shards/unit-shard-1-of-3" in error.message


def test_shards_of_another_n_than_expected_block(root: Path) -> None:
    for index in (1, 2):
        _shard(root, _plan(2), index)
    error = _blocked(root, expected=3)
    assert error.slug == "shard-mismatch" and "3 were expected" in error.message


def test_a_shard_beyond_n_blocks(root: Path) -> None:
    for index in (1, 2):
        _shard(root, _plan(2), index)
    (root / ".gates" / ".shards" / "unit-shard-3-of-2").mkdir()
    error = _blocked(root)
    assert error.slug == "shard-mismatch" and "shard 3 of 2 cannot exist" in error.message
    assert error.path == ".gates/.shards/unit-shard-3-of-2"


def test_a_shard_of_another_plan_blocks(root: Path) -> None:
    _shard(root, _plan(2), 1)
    _shard(root, _plan(2, [*TESTS, "tests/test_d.py::test_1"]), 2)  # collected more tests
    error = _blocked(root)
    assert error.slug == "shard-mismatch" and "another plan" in error.message
    assert error.path == ".gates/.shards/unit-shard-2-of-2/shard.json"


def test_a_duplicated_shard_blocks(root: Path) -> None:
    plan = _plan(2)
    first = _shard(root, plan, 1)
    _shard(root, plan, 2)
    second = root / ".gates" / ".shards" / "unit-shard-2-of-2"
    shutil.rmtree(second)
    shutil.copytree(first, second)  # shard 1's artifact, uploaded twice
    error = _blocked(root)
    assert error.slug == "shard-mismatch" and "copied or duplicated" in error.message


def test_a_shard_from_another_commit_blocks(root: Path) -> None:
    plan = _plan(2)
    for index in (1, 2):
        _shard(root, plan, index)
    (root / "code.py").write_text("x = 2\n")
    _git(root, "commit", "-qam", "changed")
    error = _blocked(root)
    assert error.slug == "stale-commit" and "shard 1 of 2 ran on other code" in error.message


def test_a_shard_edited_after_it_ran_blocks(root: Path) -> None:
    plan = _plan(2)
    _shard(root, plan, 1)
    folder = _shard(root, plan, 2)
    (folder / ".coverage").write_bytes(b"other data")
    error = _blocked(root)
    assert (
        error.slug == "shard-mismatch"
        and error.path == ".gates/.shards/unit-shard-2-of-2/.coverage"
    )


def test_a_failed_shard_blocks(root: Path) -> None:
    plan = _plan(2)
    _shard(root, plan, 1)
    recorder = StageRecorder.begin(
        shard_stage("unit", 2, 2), root=root, reports_dir=".gates/.shards"
    )
    (recorder.folder / ".coverage").write_bytes(b"")
    recorder.finish(error="pytest exited 3 (pytest's internal error)")
    write_record(root, ".gates", plan, 2)
    error = _blocked(root)
    assert error.slug == "stage-failed" and "internal error" in error.message


def test_a_test_two_shards_report_blocks(root: Path) -> None:
    plan = _plan(2)
    _shard(root, plan, 1)
    _shard(root, plan, 2, tests=TESTS)  # ran every test: extra arguments
    with pytest.raises(EvidenceError) as raised:
        merge_junit(check_shards(root, ".gates", "unit"))
    assert (
        raised.value.slug == "shard-mismatch"
        and "in shard 1 and in shard 2" in raised.value.message
    )


def test_combining_records_the_block_in_the_stage_for_gates_check(root: Path) -> None:
    _shard(root, _plan(2), 1)
    with pytest.raises(EvidenceError):
        combine(root, ".gates", "unit")
    manifest = load_manifest(root / ".gates" / "unit", display=".gates/unit")
    assert "shard 2 of 2 of unit is missing" in manifest.error
    assert "GATES_SHARD=2/2 nox -s unit" in manifest.error
    assert manifest.planned == ("pytest", "coverage")


def test_a_shard_record_names_its_plan_and_hashes(root: Path) -> None:
    plan = _plan(2)
    folder = _shard(root, plan, 2)
    record = json.loads((folder / "shard.json").read_text())
    assert (record["stage"], record["index"], record["total"]) == ("unit", 2, 2)
    assert record["plan"] == plan.as_json()
    assert len(record["manifest_sha256"]) == len(record["data_sha256"]) == 64


def test_every_shards_report_log_becomes_one_of_the_stages(root: Path) -> None:
    plan = _plan(2)
    for index in (1, 2):
        _shard(root, plan, index, reportlog=True)
    assert merge_junit(check_shards(root, ".gates", "unit")) == (None, "")
    manifest = combine(root, ".gates", "unit")  # the made-up coverage data fails coverage.py
    logs = [(e.path, e.tool) for e in manifest.reports if e.format == "pytest-reportlog"]
    assert logs == [
        ("shard-1-reportlog.jsonl", "pytest-reportlog"),
        ("shard-2-reportlog.jsonl", "pytest-reportlog"),
    ]
    assert "coverage" in manifest.error  # and says so: the stage blocks, never passes
    assert not (root / ".gates" / "unit" / "junit.xml").exists()


def test_a_shard_with_no_test_results_blocks(root: Path) -> None:
    plan = _plan(2)
    _shard(root, plan, 1)
    folder = _shard(root, plan, 2)
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["reports"] = []
    (folder / "manifest.json").write_text(json.dumps(manifest))
    write_record(root, ".gates", plan, 2)  # recorded after the edit: only the report is gone
    with pytest.raises(EvidenceError) as raised:
        merge_junit(check_shards(root, ".gates", "unit"))
    assert raised.value.slug == "shard-missing" and "no test results" in raised.value.message
