"""The profile kept for people: pstats, flame graph, memray's summary, ``kept.json``, the chart.

Read against recorded outputs: py-spy 0.4.3's speedscope file, memray 1.20.0's
``stats --json``, a profiled step-load run's ``kept.json`` (tests/assets/*/README.md).
No figure depends on this machine's timing: every number checked is read from a file.
"""

from __future__ import annotations

import json
import marshal
import pstats
import shutil
import sys
from pathlib import Path

import pytest

from gates.catalog.metrics import Kind
from gates.errors import EvidenceError, GatesError
from gates.load.profiling import flame, kept, memray, pstats_file, speedscope
from gates.load.profiling.kept import Kept, KeptFile
from gates.load.run import profile
from gates.load.run.artefacts import CHART_FILE, INDEX, keep
from gates.load.scenario import read as read_plan
from gates.model.reports import ReportData
from gates.model.stage import Evidence, LoadedReport, ReportEntry, StageEvidence
from tests.fuzz.targets import blob

ASSETS = Path(__file__).resolve().parents[2] / "assets"
SPEEDSCOPE = ASSETS / "py-spy" / "0.4.3" / "app.speedscope.json"
MEMRAY_STATS = ASSETS / "memray" / "1.20.0" / "stats.json"
LOAD = ASSETS / "gates-load" / "0.1.0"


def _profile() -> speedscope.Profile:
    return speedscope.read(blob(SPEEDSCOPE.read_bytes(), "profile.speedscope.json"))


def test_the_pstats_file_of_a_real_profile_loads_in_pstats(tmp_path: Path) -> None:
    found = _profile()
    path = tmp_path / "profile.pstats"
    path.write_bytes(pstats_file.render(found))
    stats = pstats.Stats(str(path))
    assert stats.total_tt == pytest.approx(found.seconds)  # type: ignore[attr-defined]
    assert found.seconds == pytest.approx(0.75)  # the recorded file's 75 samples of 10 ms
    table = profile.top_functions(blob(SPEEDSCOPE.read_bytes(), "p.json"))
    first = table.splitlines()[4].split("`")[1]  # the top row of top20.md
    entries = stats.stats  # type: ignore[attr-defined]
    by_self = max(entries.items(), key=lambda item: item[1][2])
    assert by_self[0][2] == first


def test_pstats_counts_a_recursive_function_once_per_sample() -> None:
    frames = (speedscope.Frame("f", "a.py", 1), speedscope.Frame("g", "a.py", 9))
    found = speedscope.Profile(frames, (((0, 1, 0), 0.01), ((0,), 0.02)))
    stats = marshal.loads(pstats_file.render(found))  # noqa: S302 - bytes made just above
    f, g = ("a.py", 1, "f"), ("a.py", 9, "g")
    assert stats[f][:4] == (2, 2, pytest.approx(0.03), pytest.approx(0.03))
    assert stats[g][:4] == (1, 1, 0.0, pytest.approx(0.01))
    assert stats[g][4] == {f: (1, 1, 0.0, pytest.approx(0.01))}
    assert stats[f][4] == {g: (1, 1, pytest.approx(0.01), pytest.approx(0.01))}


def test_the_flame_graph_is_one_escaped_page_the_same_every_time() -> None:
    found = _profile()
    page = flame.render(found, title="a <b> title")
    assert page == flame.render(found, title="a <b> title")
    assert page.startswith("<!doctype html>") and "<script" not in page
    assert "a &lt;b&gt; title" in page and "a <b> title" not in page
    assert "do_GET" in page and "0.75 s of samples" in page


def test_the_flame_graph_leaves_out_what_it_cannot_draw() -> None:
    frames = tuple(speedscope.Frame(f"f{n}<", "x.py", n) for n in range(flame.MAX_DEPTH + 5))
    deep = tuple(range(len(frames)))
    page = flame.render(speedscope.Profile(frames, ((deep, 1.0), ((), 0.0))), title="t")
    assert page.count("<rect") == flame.MAX_DEPTH
    assert "f0&lt;" in page


def test_memrays_real_summary_is_read_and_kept_as_markdown() -> None:
    found = memray.read(blob(MEMRAY_STATS.read_bytes(), "memray-stats.json"))
    doc = json.loads(MEMRAY_STATS.read_text(encoding="utf-8"))
    assert found.peak_bytes == doc["metadata"]["peak_memory"]
    assert found.allocations == doc["total_num_allocations"]
    assert found.largest[0] == (
        doc["top_allocations_by_size"][0]["location"],
        doc["top_allocations_by_size"][0]["size"],
    )
    text = memray.summary(found)
    assert text.startswith(
        f"Peak memory of the service (memray, heap): {found.peak_bytes / 2**20:.1f} MiB"
    )
    assert text.count("\n| `") == len(found.largest) <= 5


def test_a_memray_summary_without_its_peak_is_an_error_not_a_traceback() -> None:
    doc = json.loads(MEMRAY_STATS.read_text(encoding="utf-8"))
    del doc["metadata"]["peak_memory"]
    with pytest.raises(GatesError):
        memray.read(blob(json.dumps(doc).encode(), "memray-stats.json"))


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (["gunicorn", "app:app"], "not python"),
        (["python", "-u", "serve.py"], "not '-u'"),
        ([], "not python"),
    ],
)
def test_memray_only_wraps_a_python_script_or_module(command: list[str], said: str) -> None:
    found = memray.wrapped(command, "/tmp/c.bin")  # noqa: S108 - a name, never written
    assert isinstance(found, str) and said in found


def test_memray_wraps_a_python_service() -> None:
    assert memray.wrapped(["/usr/bin/python3.11", "-m", "app", "8000"], "/c.bin") == [
        "/usr/bin/python3.11", "-m", "memray", "run", "--follow-fork", "--quiet", "--force",
        "-o", "/c.bin", "-m", "app", "8000",
    ]  # fmt: skip


def _python(folder: Path, *, imports_memray: bool) -> str:
    """A stand-in ``python`` whose ``-c "import memray"`` succeeds or fails."""
    folder.mkdir(parents=True, exist_ok=True)
    python = folder / "python"
    python.write_text(f"#!/bin/sh\nexit {0 if imports_memray else 1}\n", encoding="utf-8")
    python.chmod(0o755)
    return str(python)


def test_a_capture_memray_cannot_read_is_a_note(tmp_path: Path) -> None:
    folder = tmp_path / "profile"
    python = _python(tmp_path / "bin", imports_memray=True)
    assert profile.memray_command([python, "serve.py"], folder)[:4] == [
        python, "-m", "memray", "run",
    ]  # fmt: skip
    (folder / "memray.bin").write_bytes(b"not a capture")
    profile.memray_summarise(folder, sys.executable)
    note = (folder / profile.MEMRAY_UNAVAILABLE).read_text(encoding="utf-8")
    assert note.startswith("memray stats exited with ")
    assert not (folder / "memray.md").exists() and not (folder / "memray.bin").exists()


def test_a_service_memray_cannot_wrap_keeps_its_command_and_says_why(tmp_path: Path) -> None:
    command = ["./serve", "8000"]
    assert profile.memray_command(command, tmp_path) == command
    profile.memray_summarise(tmp_path, sys.executable)  # nothing more to say
    assert "not python" in (tmp_path / profile.MEMRAY_UNAVAILABLE).read_text(encoding="utf-8")


def test_a_service_whose_python_has_no_memray_runs_as_it_is_and_says_why(tmp_path: Path) -> None:
    """Under `python -m memray` it would die at its first line, and the load run with it."""
    command = [_python(tmp_path / "bin", imports_memray=False), "serve.py", "8000"]
    assert profile.memray_command(command, tmp_path / "profile") == command
    note = (tmp_path / "profile" / profile.MEMRAY_UNAVAILABLE).read_text(encoding="utf-8")
    assert note.startswith("memray is not installed where the service runs")


def test_a_real_profile_is_summarised_into_every_file(tmp_path: Path) -> None:
    output = tmp_path / "profile.speedscope.json"
    shutil.copy(SPEEDSCOPE, output)
    profile.summarise(tmp_path, output, 0)
    assert {p.name for p in tmp_path.iterdir()} == {
        "profile.speedscope.json", "top20.md", "profile.pstats", "flame.html",
    }  # fmt: skip


def test_a_profile_without_a_sample_is_a_note(tmp_path: Path) -> None:
    output = tmp_path / "profile.speedscope.json"
    output.write_text(json.dumps({"shared": {"frames": []}, "profiles": []}))
    profile.summarise(tmp_path, output, 0)
    assert (tmp_path / "unavailable.txt").read_text() == "py-spy took no sample of the service\n"


# ---------------------------------------------------------------- kept.json


def test_the_recorded_index_reads_and_links_every_file() -> None:
    found = kept.read(blob((LOAD / "profiled.kept.json").read_bytes(), "kept.json"))
    assert found.profile == "required" and found.missing == ()
    notes = kept.notes(found, folder=".gates/load", stage="load")
    assert len(notes) == 2
    assert "top 20 functions: .gates/load/run/profile/top20.md" in notes[0]
    assert "flame graph: .gates/load/run/profile/flame.html" in notes[0]
    assert notes[1] == "load: the breaking-point chart: .gates/load/breaking-point.svg"


@pytest.mark.parametrize(
    ("policy", "said"),
    [("warn", "a warning: it blocks nothing"), ("required", "the stage failed")],
)
def test_a_profile_that_could_not_be_taken_is_a_warning_note(policy: str, said: str) -> None:
    found = Kept(policy, ("py-spy is not installed",), ())
    (note,) = kept.notes(found, folder=".gates/load", stage="load")
    assert note.startswith("warning: load: the service's profile could not be taken: py-spy")
    assert said in note
    assert kept.notes(Kept("off", (), ()), folder=".gates/load", stage="load") == []


def test_the_index_round_trips() -> None:
    found = Kept("warn", ("why",), (KeptFile("run/profile/top20.md", "top 20", "ab", 3),))
    assert kept.read(blob(kept.render(found), "kept.json")) == found


@pytest.mark.parametrize(
    ("change", "slug"),
    [
        ({"version": 2}, "unsupported-format"),
        ({"profile": "always"}, "malformed-report"),
        ({"missing": [3]}, "malformed-report"),
        ({"files": [{"path": "../x", "what": "w", "sha256": "s", "size": 1}]}, "malformed-report"),
        (
            {"files": [{"path": "/etc/x", "what": "w", "sha256": "s", "size": 1}]},
            "malformed-report",
        ),
        ({"files": [{"path": "x", "what": "w", "sha256": "s", "size": -1}]}, "malformed-report"),
        (
            {"files": [{"path": "a\x1b[2J", "what": "w", "sha256": "s", "size": 1}]},
            "malformed-report",
        ),
    ],
)
def test_a_corrupt_index_is_a_named_problem(change: dict[str, object], slug: str) -> None:
    doc = json.loads((LOAD / "profiled.kept.json").read_text(encoding="utf-8")) | change
    with pytest.raises(EvidenceError) as raised:
        kept.read(blob(json.dumps(doc).encode(), "kept.json"))
    assert raised.value.slug == slug


def test_a_required_profile_not_taken_is_listed_missing(tmp_path: Path) -> None:
    plan = read_plan(blob((LOAD / "steady.scenario.json").read_bytes(), "scenario.json"))
    (tmp_path / "profile").mkdir(parents=True)
    (tmp_path / "profile" / "unavailable.txt").write_text("py-spy is not installed\n")
    found = keep(tmp_path, "run", "profile", policy="required", plan=plan, memory=None)
    assert found.missing == ("py-spy is not installed",) and found.files == ()
    assert kept.read(blob((tmp_path / INDEX).read_bytes(), "kept.json")) == found
    assert not (tmp_path / CHART_FILE).exists()  # a steady run has no steps


def test_the_profiles_files_are_listed_with_their_hashes(tmp_path: Path) -> None:
    plan = read_plan(blob((LOAD / "steady.scenario.json").read_bytes(), "scenario.json"))
    (tmp_path / "profile").mkdir()
    (tmp_path / "profile" / "top20.md").write_text("| table |\n")
    (tmp_path / "profile" / "flame.html").write_text("<html></html>\n")
    found = keep(tmp_path, "run", "profile", policy="warn", plan=plan, memory=None)
    assert [f.path for f in found.files] == ["profile/flame.html", "profile/top20.md"]
    assert found.missing == ()
    notes = kept.notes(found, folder=".gates/load", stage="load")
    assert "top 20 functions: .gates/load/profile/top20.md" in notes[0]


def test_a_profile_that_left_nothing_at_all_is_missing(tmp_path: Path) -> None:
    plan = read_plan(blob((LOAD / "steady.scenario.json").read_bytes(), "scenario.json"))
    found = keep(tmp_path, "run", "profile", policy="warn", plan=plan, memory=None)
    assert found.missing == ("the run kept no profile (it ended before the profiler did?)",)
    assert keep(tmp_path, "run", "profile", policy="off", plan=plan, memory=None).missing == ()


def test_a_real_step_run_gets_its_breaking_point_chart(tmp_path: Path) -> None:
    plan = read_plan(blob((LOAD / "steps.scenario.json").read_bytes(), "scenario.json"))
    (tmp_path / "run").mkdir()
    shutil.copy(LOAD / "steps.latency.json", tmp_path / "run" / "latency.json")
    found = keep(tmp_path, "run", "profile", policy="off", plan=plan, memory=None)
    assert [f.path for f in found.files] == [CHART_FILE]
    svg = (tmp_path / CHART_FILE).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "breaks at 16 users" in svg
    assert "p95 bound 60 ms" in svg


def test_a_step_run_whose_latency_does_not_read_has_no_chart(tmp_path: Path) -> None:
    plan = read_plan(blob((LOAD / "steps.scenario.json").read_bytes(), "scenario.json"))
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "latency.json").write_text('{"format": ')
    assert keep(tmp_path, "run", "profile", policy="off", plan=plan, memory=None).files == ()


def _evidence(found: Kept) -> Evidence:
    entry = ReportEntry("kept.json", kept.FORMAT, "locust", "0" * 64, 1)
    report = LoadedReport(
        "load", ".gates/load/kept.json", entry, Kind.LOAD, ReportData(tool="locust", load=found)
    )
    return Evidence(".gates", (StageEvidence("load", None, (report,), ()),))


def test_the_verdicts_notes_warn_of_a_kept_file_changed_after_the_run(tmp_path: Path) -> None:
    folder = tmp_path / ".gates" / "load"
    (folder / "run" / "profile").mkdir(parents=True)
    (folder / "run" / "profile" / "top20.md").write_text("| table |\n")
    entry = kept.kept_file(folder, "run/profile/top20.md", "top 20 functions")
    found = Kept("warn", (), (entry, KeptFile("flame.html", "flame graph", "ab", 2)))
    notes = kept.evidence_notes(_evidence(found), root=tmp_path)
    assert notes == (
        (
            "load: the service's profile under load: top 20 functions:"
            " .gates/load/run/profile/top20.md; flame graph: .gates/load/flame.html"
        ),
        (
            "warning: .gates/load/flame.html is not the flame graph the stage kept (changed or"
            " removed after the run): rerun the load stage"
        ),
    )
    (folder / "run" / "profile" / "top20.md").write_text("| changed |\n")
    assert len(kept.evidence_notes(_evidence(found), root=tmp_path)) == 3
