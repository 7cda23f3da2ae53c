"""Reading a large evidence set, side by side with a bare parse of the same files.

Issue 2's requirement: reading coverage JSON of 5,000 files, 200,000 findings
and 50,000 test cases takes at most 2x what a bare ``json.load`` / XML parse of
the same files takes in the same run.

:func:`write_evidence_set` writes one realistic set into a fresh git
repository: ``.gates/unit/`` (coverage.py JSON and pytest JUnit XML) and
``.gates/lint/`` (ruff JSON and its ``--show-files`` listing, the proof of
files checked), each with a manifest written by :class:`StageRecorder`, and a
``gates.toml``. :func:`main` then times, in interleaved rounds:

a. bare: ``json.load`` of each JSON report and ``xml.etree.ElementTree.parse``
   of the XML one (no hashing, no checks); and, for reference, the same with
   the garbage collector off, as ``load_evidence`` reads (a');
b. ``load_evidence``: manifests, sizes, sha256, strict parsing, every reader;
c. the whole check in process: policy, git state, ``load_evidence``,
   ``evaluate``, JSON and terminal rendering (with the time of each phase);
d. end to end: ``python -m gates check --format json:...`` as a subprocess
   against ``python -c`` doing the bare parse of (a), interpreter start included.

Run ``python -m benchmarks.evidence_set`` (``--help`` for sizes and rounds);
BENCHMARKS.md records the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from benchmarks._timing import Phases, Series, Task, interleave, ratio_line, table
from benchmarks.gen_findings import big_ruff_json, ruff_file_list
from benchmarks.gen_test_coverage import big_coverage_json, big_junit_xml
from gates.judge.evaluate import evaluate
from gates.judge.evidence import load_evidence
from gates.model.stage import Evidence
from gates.outputs import OutputFormat, render
from gates.policy.load import load_policy
from gates.stage.recorder import StageRecorder
from gates.system.collector import paused
from gates.system.git import TreeState, tree_state

__all__ = ["EvidenceSet", "bare_parse", "check_in_process", "main", "write_evidence_set"]

REPORTS = ".gates"
MAX_BYTES = 256 * 1024 * 1024
TODAY = dt.date(2026, 1, 1)
_REPRODUCE = "python -m benchmarks.evidence_set"

POLICY = """\
[gates]
reports = ".gates"

[gate.unit-coverage]
metric = "coverage.percent"
stage = "unit"
min = 70

[gate.branch-coverage]
metric = "coverage.branch_percent"
stage = "unit"
min = 50

[gate.tests]
metric = "tests.failed"
max = 0

[gate.lint]
metric = "findings"
tool = "ruff"
max = 0

[gate.lint-security]
metric = "findings"
tool = "ruff"
severity = "medium"
max = 0
"""

_BARE_SCRIPT = """\
import json, sys, xml.etree.ElementTree as ET
for path in sys.argv[1:]:
    if path.endswith(".xml"):
        ET.parse(path)
    else:
        with open(path, "rb") as handle:
            json.load(handle)
"""


class EvidenceSet(NamedTuple):
    """A written evidence set: the repository and the reports a bare parse reads."""

    root: Path
    json_reports: tuple[Path, ...]
    xml_reports: tuple[Path, ...]

    @property
    def size(self) -> int:
        return sum(path.stat().st_size for path in (*self.json_reports, *self.xml_reports))


# ---------------------------------------------------------------- writing


def write_evidence_set(
    root: Path, *, files: int, findings: int, cases: int, lines: int = 200
) -> EvidenceSet:
    """Write a git repository at ``root`` holding a unit and a lint stage's evidence."""
    _git_repository(root)
    unit = StageRecorder.begin("unit", root=root, reports_dir=REPORTS, reproduce=_REPRODUCE)
    (unit.folder / "coverage.json").write_bytes(big_coverage_json(files, lines))
    (unit.folder / "junit.xml").write_bytes(big_junit_xml(cases))
    unit.tool("pytest", version="9.2.0", argv=["pytest", "--junitxml=junit.xml"], exit_code=1)
    unit.tool("coverage", version="7.17.4", argv=["coverage", "json"], exit_code=0)
    unit.report("junit.xml", format="junit-xml", tool="pytest")
    unit.report("coverage.json", format="coverage-json", tool="coverage")
    unit.finish()
    lint = StageRecorder.begin("lint", root=root, reports_dir=REPORTS, reproduce=_REPRODUCE)
    repo = root.resolve().as_posix()
    (lint.folder / "ruff.json").write_bytes(big_ruff_json(findings, root=repo))
    (lint.folder / "files.txt").write_bytes(ruff_file_list(findings, root=repo))
    lint.tool("ruff", version="0.15.0", argv=["ruff", "check", "--output-format=json"], exit_code=1)
    lint.report("ruff.json", format="ruff-json", tool="ruff")
    lint.report("files.txt", format="file-list", tool="ruff")
    lint.finish()
    return EvidenceSet(
        root,
        (unit.folder / "coverage.json", lint.folder / "ruff.json"),
        (unit.folder / "junit.xml",),
    )


def _git_repository(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "gates.toml").write_text(POLICY, encoding="utf-8")
    (root / ".gitignore").write_text(f"{REPORTS}/\nverdict.*\n", encoding="utf-8")
    _git(root, "init", "--quiet")
    _git(root, "add", "gates.toml", ".gitignore")
    _git(root, "commit", "--quiet", "--allow-empty", "--no-gpg-sign", "-m", "benchmark repository")


def _git(root: Path, *args: str) -> None:
    identity = ("-c", "user.name=gates benchmark", "-c", "user.email=bench@example.invalid")
    subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True)


# ---------------------------------------------------------------- what is timed


def bare_parse(evidence: EvidenceSet) -> list[object]:
    """(a) ``json.load`` and ``ElementTree.parse`` of every report: no hash, no check."""
    parsed: list[object] = []
    for path in evidence.json_reports:
        with path.open("rb") as handle:
            parsed.append(json.load(handle))
    parsed.extend(ET.parse(path) for path in evidence.xml_reports)  # noqa: S314 - generated input
    return parsed


def load(evidence: EvidenceSet, state: TreeState) -> Evidence:
    """(b) ``load_evidence`` of the whole set, as ``gates check`` calls it."""
    return load_evidence(evidence.root, reports=REPORTS, state=state, max_bytes=MAX_BYTES)


def bare_parse_without_gc(evidence: EvidenceSet) -> list[object]:
    """(a') The bare parse with the garbage collector off, as ``load_evidence`` reads."""
    gc.disable()
    try:
        return bare_parse(evidence)
    finally:
        gc.enable()


def check_in_process(evidence: EvidenceSet) -> Phases:
    """(c) What ``gates check`` does after its imports, with the seconds of each phase."""
    phases = Phases()
    with phases.phase("policy + git state"):
        policy = load_policy(evidence.root / "gates.toml")
        state = tree_state(evidence.root, exclude=REPORTS)
    with paused():  # as gates check does, from loading to rendering
        with phases.phase("load_evidence"):
            loaded = load_evidence(evidence.root, reports=REPORTS, state=state, max_bytes=MAX_BYTES)
        with phases.phase("evaluate"):
            verdict = evaluate(policy, loaded, today=TODAY)
        with phases.phase("render json + terminal"):
            texts = [render(verdict, fmt) for fmt in (OutputFormat.JSON, OutputFormat.TERMINAL)]
        del texts, verdict, loaded
    return phases


def _bare_command(evidence: EvidenceSet) -> list[str]:
    paths = [str(path) for path in (*evidence.json_reports, *evidence.xml_reports)]
    return [sys.executable, "-c", _BARE_SCRIPT, *paths]


def _gates_command(evidence: EvidenceSet) -> list[str]:
    verdict = evidence.root / "verdict.json"
    return [sys.executable, "-m", "gates", "check", "--format", f"json:{verdict}"]


def _run(command: Sequence[str], root: Path, *, ok: Sequence[int]) -> None:
    done = subprocess.run(command, cwd=root, stdout=subprocess.DEVNULL, check=False)
    if done.returncode not in ok:
        raise SystemExit(f"{command[:4]} exited {done.returncode}")


# ---------------------------------------------------------------- the run

_BARE = "(a) bare json.load + ElementTree.parse"
_BARE_NO_GC = "(a') the same, garbage collector off (reference)"
_LOAD = "(b) load_evidence (read, hash, check, all readers)"
_CHECK = "(c) whole check in process"
_BARE_CLI = "(d) python -c bare parse (subprocess)"
_GATES_CLI = "(d) gates check --format json (subprocess)"


def measure(evidence: EvidenceSet, *, rounds: int, subprocesses: bool = True) -> dict[str, Series]:
    """Time (a)-(d) in ``rounds`` interleaved rounds."""
    state = tree_state(evidence.root, exclude=REPORTS)
    tasks = [
        Task(_BARE, lambda: bare_parse(evidence)),
        Task(_BARE_NO_GC, lambda: bare_parse_without_gc(evidence)),
        Task(_LOAD, lambda: load(evidence, state)),
        Task(_CHECK, lambda: check_in_process(evidence)),
    ]
    if subprocesses:
        tasks += [
            Task(_BARE_CLI, lambda: _run(_bare_command(evidence), evidence.root, ok=(0,))),
            # exit 1: the generated set has failed tests and findings, so gates fail
            Task(_GATES_CLI, lambda: _run(_gates_command(evidence), evidence.root, ok=(0, 1))),
        ]
    return interleave(tasks, rounds=rounds)


def report(series: dict[str, Series]) -> str:
    """The table of medians, spreads and paired ratios, and the two verdict lines."""
    baselines = {_BARE_NO_GC: _BARE, _LOAD: _BARE, _CHECK: _BARE}
    if _GATES_CLI in series:
        baselines[_GATES_CLI] = _BARE_CLI
    lines = [table(series, baselines), ""]
    pairs = [("load_evidence / bare parse", _LOAD, _BARE)]
    pairs.append(("load_evidence / bare parse with the collector off", _LOAD, _BARE_NO_GC))
    pairs.append(("whole check in process / bare parse", _CHECK, _BARE))
    if _GATES_CLI in series:
        pairs.append(("gates check / python -c bare parse", _GATES_CLI, _BARE_CLI))
    for text, measured, baseline in pairs:
        wall = ratio_line(series[measured], series[baseline])
        cpu = ratio_line(series[measured], series[baseline], cpu=True)
        lines.append(f"{text}: wall {wall}, CPU {cpu}")
    return "\n".join(lines)


def _machine() -> str:
    return (
        f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.release()}"
    )


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.evidence_set", description=__doc__)
    parser.add_argument("--files", type=int, default=5000, help="files in the coverage report")
    parser.add_argument("--lines", type=int, default=200, help="statements per file")
    parser.add_argument("--findings", type=int, default=200_000, help="ruff diagnostics")
    parser.add_argument("--cases", type=int, default=50_000, help="JUnit test cases")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--no-subprocess", action="store_true", help="skip the (d) timings")
    parser.add_argument("--keep", type=Path, help="write the set here and keep it")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Write the set, time it, print the table."""
    args = _arguments(argv)
    with tempfile.TemporaryDirectory(prefix="gates-bench-") as temp:
        root = args.keep or Path(temp) / "repo"
        sizes = {"files": args.files, "findings": args.findings, "cases": args.cases}
        evidence = write_evidence_set(root, lines=args.lines, **sizes)
        print(
            f"evidence set: coverage JSON of {args.files:,} files x {args.lines} lines, "
            f"{args.findings:,} ruff findings, {args.cases:,} JUnit cases; "
            f"{evidence.size / 1e6:.1f} MB of reports"
        )
        print(f"machine: {_machine()}")
        print(f"{args.rounds} interleaved rounds; ratios are medians of per-round ratios (range)")
        print()
        series = measure(evidence, rounds=args.rounds, subprocesses=not args.no_subprocess)
        print(report(series))


if __name__ == "__main__":
    main()
