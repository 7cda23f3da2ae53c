"""What the load stage keeps for people after a run: the profile, the chart, ``kept.json``.

:func:`keep` lists the profile's files the run wrote (moved to ``profile/``: py-spy's
speedscope file, ``profile.pstats``, ``flame.html``, ``top20.md``; memray's
``memray-stats.json`` and ``memray.md``), the parts that could not be taken (their
``unavailable.txt`` notes), draws a step-load run's breaking-point chart
(``breaking-point.svg``, :func:`gates.dashboard.svg.steps`), and writes the index
``kept.json`` (:mod:`gates.load.profiling.kept`) that the manifest vouches for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from gates.dashboard.svg import StepPoint, steps
from gates.errors import GatesError
from gates.load import evidence
from gates.load.memory import MemoryRecord
from gates.load.profiling.kept import CHART, Kept, KeptFile, kept_file, render
from gates.load.run.profile import MEMRAY_UNAVAILABLE, UNAVAILABLE
from gates.load.scenario import Plan
from gates.load.steps import breaking_point, steps_of, windows_of
from gates.system.atomic import atomic_write
from gates.untrusted.safeio import read_blob
from gates.untrusted.safetext import one_line

__all__ = ["CHART_FILE", "INDEX", "keep"]

INDEX: Final = "kept.json"
CHART_FILE: Final = "breaking-point.svg"
_PROFILE_FILES: Final = (
    ("profile.speedscope.json", "speedscope profile"),
    ("profile.pstats", "cProfile-compatible pstats"),
    ("flame.html", "flame graph"),
    ("top20.md", "top 20 functions"),
    ("memray-stats.json", "memray stats"),
    ("memray.md", "memray peak memory"),
)


def keep(
    folder: Path,
    run: str,
    profile_folder: str,
    *,
    policy: str,
    plan: Plan,
    memory: MemoryRecord | None,
) -> Kept:
    """Write ``folder/kept.json`` (and the chart) for the run in ``folder/run``.

    The profile's files are in ``folder/profile_folder``.
    """
    files: list[KeptFile] = []
    missing: list[str] = []
    if policy != "off":
        profile = folder / profile_folder
        for name, what in _PROFILE_FILES:
            if (profile / name).is_file():
                files.append(kept_file(folder, f"{profile_folder}/{name}", what))
        for note in (UNAVAILABLE, MEMRAY_UNAVAILABLE):
            if (profile / note).is_file():
                text = (profile / note).read_text(encoding="utf-8", errors="replace")
                missing.append(one_line(text, 300))
        if not (profile / "top20.md").is_file() and not missing:
            missing.append("the run kept no profile (it ended before the profiler did?)")
    if plan.steps is not None and _chart(folder, run, plan, memory):
        files.append(kept_file(folder, CHART_FILE, CHART))
    kept = Kept(policy, tuple(missing), tuple(files))
    atomic_write(folder / INDEX, render(kept))
    return kept


def _chart(folder: Path, run: str, plan: Plan, memory: MemoryRecord | None) -> bool:
    """Draw the breaking-point chart of a step-load run; False when there is nothing to draw."""
    limits = plan.steps
    latency_path = folder / run / "latency.json"
    if limits is None or not latency_path.is_file():
        return False
    try:
        latency = evidence.read(read_blob(latency_path, display=latency_path.name))
    except (GatesError, OSError):
        return False  # the verdict says what is wrong with the evidence; no chart of it
    found = steps_of(windows_of(latency, memory))
    breaking = breaking_point(found, limits)
    svg = steps(
        [StepPoint(s.users, s.p95_ms, s.rps) for s in found],
        breaking=breaking.users,
        p95_bound=limits.p95_ms,
        label=f"Step load: p95 and achieved rate per step; {breaking.reason}",
    )
    if svg is None:
        return False
    atomic_write(folder / CHART_FILE, svg.encode())
    return True
