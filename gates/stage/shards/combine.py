"""The shards of a stage combined into its folder, as if one job had run them all.

The stage's folder then holds one JUnit report holding every shard's test
suites, the coverage data ``coverage combine`` makes of the shards' data (kept
in place), coverage.py's own JSON, XML and text reports of it, and a manifest
listing every shard's test run. When a shard is wrong (:mod:`.check`), the
stage's manifest records why, so ``gates check`` blocks naming it, and the
error is raised for the command to exit 3.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Final
from xml.etree.ElementTree import Element, tostring

from gates.errors import EvidenceError
from gates.model.stage import Manifest, ReportEntry
from gates.stage.recorder import StageRecorder
from gates.stage.runner import ReportSpec, run_tool
from gates.stage.shards.check import Shard, check_shards
from gates.stage.shards.record import DATA_NAME
from gates.system.atomic import atomic_write
from gates.untrusted.safeio import Blob, parse_xml, read_blob

__all__ = ["combine", "merge_junit"]

_JUNIT: Final = "junit.xml"
_REPORTLOG: Final = "pytest-reportlog"
_STEPS: Final[tuple[tuple[tuple[str, ...], ReportSpec | None, tuple[ReportSpec, ...]], ...]] = (
    (
        ("json", "-o", "{stage_dir}/coverage.json"),
        None,
        (ReportSpec("coverage-json", "coverage.json"),),
    ),
    (
        ("xml", "-o", "{stage_dir}/coverage.xml"),
        None,
        (ReportSpec("cobertura-xml", "coverage.xml"),),
    ),
    (("report", "--format=text"), ReportSpec("coverage-report", "coverage-report.txt"), ()),
)


def combine(root: Path, reports: str, stage: str, *, expected: int | None = None) -> Manifest:
    """Check every shard of ``stage`` and combine them into ``<reports>/<stage>``."""
    try:
        shards = check_shards(root, reports, stage, expected=expected)
        junit, tool = merge_junit(shards)
        logs = _reportlogs(shards)
    except EvidenceError as error:
        blocked = StageRecorder.begin(stage, root=root, reports_dir=reports)
        blocked.planned = ("pytest", "coverage")
        blocked.finish(error=f"{error.message} (next: {error.hint})")
        raise
    recorder = StageRecorder.begin(
        stage, root=root, reports_dir=reports, unaffected=shards[0].manifest.unaffected
    )
    for shard in shards:  # every shard's test run, as one job's would be listed
        recorder.tools.extend(run for run in shard.manifest.tools if run.name != "coverage")
    if junit is not None:
        atomic_write(recorder.folder / _JUNIT, junit)
        recorder.report(_JUNIT, format="junit-xml", tool=tool)
    for name, blob, entry in logs:
        atomic_write(recorder.folder / name, blob.data)
        recorder.report(name, format=_REPORTLOG, tool=entry.tool, role=entry.role)
    _coverage(recorder, shards, root)
    return recorder.finish()


def _reportlogs(shards: Sequence[Shard]) -> list[tuple[str, Blob, ReportEntry]]:
    """Every shard's pytest report-log, named for the stage, each checked against its hash.

    The report-log reader merges the report-logs of a stage by node id, and the
    plan gives each test to one shard: the stage reads as one run's.
    """
    found = []
    for shard in shards:
        for entry in shard.manifest.reports:
            if entry.format != _REPORTLOG:
                continue
            blob = _checked(shard, entry)
            found.append((f"shard-{shard.record.index}-{Path(entry.path).name}", blob, entry))
    return found


def _coverage(recorder: StageRecorder, shards: Sequence[Shard], root: Path) -> None:
    """``coverage combine --keep`` of the shards' data, then coverage.py's reports of it."""
    env = {"COVERAGE_FILE": str((recorder.folder / DATA_NAME).resolve())}
    source = next(
        (run.source for s in shards for run in s.manifest.tools if run.name == "coverage"), ""
    )
    data = [str((shard.folder / DATA_NAME).resolve()) for shard in shards]
    steps = [(("combine", "--keep", *data), None, ()), *_STEPS]
    for arguments, stdout, reports in steps:
        outcome = run_tool(
            recorder,
            [sys.executable, "-m", "coverage", *arguments],
            tool="coverage",
            reports=reports,
            stdout=stdout,
            env=env,
            cwd=root,
            source=source,
        )
        if not outcome.evidence_produced:
            recorder.fail(outcome.describe("coverage"), tool="coverage")
            return


def merge_junit(shards: Sequence[Shard]) -> tuple[bytes | None, str]:
    """(one JUnit report holding every shard's leaf test suites, the tool that wrote them);
    (None, "") when the shards recorded report-logs only.

    A test reported by two shards blocks: the plan gives each test to one shard.
    """
    merged = Element("testsuites")
    seen: dict[tuple[str, str], int] = {}
    tools: set[str] = set()
    for shard in shards:
        formats = {e.format for e in shard.manifest.reports}
        entry = next((e for e in shard.manifest.reports if e.format == "junit-xml"), None)
        display = f"{shard.display}/{entry.path if entry else _JUNIT}"
        if entry is None and _REPORTLOG in formats:
            continue  # its tests are in its report-log
        if entry is None:
            raise EvidenceError(
                "the shard recorded no test results (no JUnit report, no report-log)",
                slug="shard-missing",
                path=display,
                hint=f"run shard {shard.record.index} of {shard.record.total} again",
            )
        blob = _checked(shard, entry)
        tools.add(entry.tool)
        root = parse_xml(blob)
        for suite in [s for s in root.iter("testsuite") if s.find("testsuite") is None]:
            _claim(suite, seen, shard, display)
            merged.append(suite)
    if not tools:  # report-logs only
        return None, ""
    return tostring(merged, encoding="utf-8", xml_declaration=True), min(tools)


def _checked(shard: Shard, entry: ReportEntry) -> Blob:
    """A report of ``shard``, read whole and checked against the hash its manifest holds."""
    display = f"{shard.display}/{entry.path}"
    blob = read_blob(shard.folder / entry.path, display=display)
    if blob.sha256 != entry.sha256:
        raise EvidenceError(
            "the report changed since the shard ran",
            slug="hash-mismatch",
            path=display,
            hint=f"run shard {shard.record.index} of {shard.record.total} again",
        )
    return blob


def _claim(suite: Element, seen: dict[tuple[str, str], int], shard: Shard, display: str) -> None:
    """Note the suite's tests as ``shard``'s; one another shard reported blocks."""
    index = shard.record.index
    for case in suite.iter("testcase"):
        key = (case.get("classname") or "", case.get("name") or "")
        if seen.setdefault(key, index) != index:
            raise EvidenceError(
                f"test {'::'.join(key)} ran in shard {seen[key]} and in shard {index}",
                slug="shard-mismatch",
                path=display,
                hint="run the shards of one plan without extra arguments, then combine again",
            )
