"""The load stage's recording (gates.load.run.stage, `gates load`), with the run itself stood in.

The real run (service, Locust, the stop) is tests/integration/load; here ``run_load`` is
replaced by one that writes what a run writes, so what the stage records of it can be
checked without starting anything.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from gates.cli.main import main
from gates.load.memory import MemoryRecord
from gates.load.run import stage as load_stage
from gates.load.run.service import LoadRunError, LocustSpec, RunResult, ServiceSpec

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "gates-load" / "0.1.0"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "locustfile.py").write_text("# the users\n")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "a project"]):
        subprocess.run([*git, *args], check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _fake_run(exit_code: int = 1) -> Callable[..., RunResult]:
    def run(
        service: ServiceSpec, locust: LocustSpec, out: Path, *, profile: bool, memray: bool
    ) -> RunResult:
        assert not profile and not memray
        out.mkdir(parents=True)
        for name in ("latency.json", "memory.json", "locust.json", "locust_failures.csv"):
            shutil.copy(ASSETS / f"steady.{name}", out / name)
        assert locust.users == 7 and locust.run_time_s == 30 and locust.processes == 2
        assert service.command == ["python", "-m", "app", "--port", "8000"]
        return RunResult(out, exit_code, 1, 2, MemoryRecord(0.25, (), (), 0))

    return run


def _argv(*more: str) -> list[str]:
    return [
        "load",
        "--service",
        "python -m app --port 8000",
        "--ready-url",
        "http://127.0.0.1:8000/ready",
        "--locustfile",
        "locustfile.py",
        "--host",
        "http://127.0.0.1:8000",
        "--users",
        "7",
        "--run-time",
        "30",
        "--warmup",
        "5",
        "--processes",
        "2",
        *more,
    ]


def test_the_stage_records_each_report_and_locusts_exit_code(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load_stage, "run_load", _fake_run(exit_code=1))
    assert main(_argv()) == 0
    manifest = json.loads((repo / ".gates/load/manifest.json").read_text())
    reports = {entry["path"]: entry["format"] for entry in manifest["reports"]}
    assert reports == {
        "scenario.json": "gates-load-scenario",
        "run/latency.json": "gates-load-latency",
        "run/memory.json": "gates-load-memory",
        "run/locust.json": "locust-json",
        "run/locust_failures.csv": "locust-failures-csv",
        "kept.json": "gates-load-kept",  # no profile, no steps: an index of nothing
    }
    (tool,) = manifest["tools"]
    assert tool["name"] == "locust" and tool["exit_code"] == 1  # recorded, never the verdict
    scenario = json.loads((repo / ".gates/load/scenario.json").read_text())
    assert (scenario["users"], scenario["warmup_s"], scenario["processes"]) == (7, 5.0, 2)
    assert manifest["error"] == ""


def test_a_run_that_could_not_start_is_the_stages_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def never(
        service: ServiceSpec, locust: LocustSpec, out: Path, *, profile: bool, memray: bool
    ) -> RunResult:
        raise LoadRunError("the service never became ready: http://127.0.0.1:8000/ready")

    monkeypatch.setattr(load_stage, "run_load", never)
    assert main(_argv()) == 3
    manifest = json.loads((repo / ".gates/load/manifest.json").read_text())
    assert "never became ready" in manifest["error"]
    assert [entry["path"] for entry in manifest["reports"]] == ["scenario.json"]
    assert "`gates check` blocks the load gates" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--host", "http://10.0.0.5:8000", "not on the loopback"),
        ("--warmup", "30", "shorter than the run"),
        ("--users", "0", "must be positive"),
    ],
)
def test_a_scenario_no_run_could_keep_is_refused_before_anything_starts(
    repo: Path, option: str, value: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = _argv()
    argv[argv.index(option) + 1] = value
    assert main(argv) == 2
    assert said in capsys.readouterr().err
    assert not (repo / ".gates").exists()


def _unprofiled_run(
    service: ServiceSpec, locust: LocustSpec, out: Path, *, profile: bool, memray: bool
) -> RunResult:
    """A run whose profiler could not take the profile (py-spy refused ptrace, say)."""
    assert profile and memray
    result = _fake_run(exit_code=0)(service, locust, out, profile=False, memray=False)
    (out / "profile").mkdir()
    (out / "profile" / "unavailable.txt").write_text("py-spy exited with 1 and wrote no profile\n")
    return result


def test_a_required_profile_that_could_not_be_taken_is_the_stages_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load_stage, "run_load", _unprofiled_run)
    assert main(_argv("--profile=required", "--memray")) == 3
    manifest = json.loads((repo / ".gates/load/manifest.json").read_text())
    assert manifest["error"].startswith(
        "profile-required: the service's profile could not be taken (py-spy exited with 1"
    )
    assert 'or set profile = "warn"' in manifest["error"]
    assert "kept.json" in [entry["path"] for entry in manifest["reports"]]


def test_a_profile_that_could_not_be_taken_is_only_noted_by_default(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load_stage, "run_load", _unprofiled_run)
    assert main(_argv("--profile", "--memray")) == 0
    manifest = json.loads((repo / ".gates/load/manifest.json").read_text())
    assert manifest["error"] == ""
    index = json.loads((repo / ".gates/load/kept.json").read_text())
    assert (index["profile"], index["missing"]) == (
        "warn",
        ["py-spy exited with 1 and wrote no profile"],
    )


def _profiled_run(
    service: ServiceSpec, locust: LocustSpec, out: Path, *, profile: bool, memray: bool
) -> RunResult:
    """A run whose profiler kept the service's profile in the run's folder."""
    assert profile and not memray
    result = _fake_run(exit_code=0)(service, locust, out, profile=False, memray=False)
    (out / "profile").mkdir()
    (out / "profile" / "top20.md").write_text("| function | samples |\n")
    (out / "profile" / "flame.html").write_text("<html></html>\n")
    return result


def test_the_profile_is_kept_in_the_stages_profile_folder(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(load_stage, "run_load", _profiled_run)
    assert main(_argv("--profile")) == 0
    assert (repo / ".gates/load/profile/top20.md").read_text() == "| function | samples |\n"
    assert not (repo / ".gates/load/run/profile").exists()
    index = json.loads((repo / ".gates/load/kept.json").read_text())
    assert [entry["path"] for entry in index["files"]] == ["profile/flame.html", "profile/top20.md"]
    assert index["missing"] == []


def test_gates_check_warns_of_the_profile_it_could_not_take(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(load_stage, "run_load", _unprofiled_run)
    assert main(_argv("--profile", "--memray")) == 0
    (repo / "gates.toml").write_text(
        '[gate.p95]\nmetric = "load.p95_ms"\nstage = "load"\nmax = 5000\n', encoding="utf-8"
    )
    capsys.readouterr()
    main(["check", "--format", "markdown"])
    out = capsys.readouterr().out
    assert (
        "warning: load: the service's profile could not be taken: py-spy exited with 1 and"
        " wrote no profile (a warning: it blocks nothing" in " ".join(out.split())
    )
