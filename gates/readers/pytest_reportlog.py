"""pytest's report-log (``pytest --report-log=FILE``, the pytest-reportlog plugin): every attempt.

One JSON object per line: ``SessionStart``, ``CollectReport`` per collector,
``TestReport`` per phase (``setup``, ``call``, ``teardown``) of each test, and
``SessionFinish`` with pytest's exit status. Unlike JUnit XML it is written as
the run goes and keeps every attempt: pytest-rerunfailures' ``"outcome":
"rerun"``, and, when the test stage reruns its failed tests in a fresh process,
each rerun session appended after the first. So it is the authoritative test
evidence: a test that failed and then passed is **one** test, passed, with one
rerun (flaky), never two.

Per session, a test's outcome is its worst phase, as JUnit folds it: a failed
``call`` is FAILED; a failed ``setup`` or ``teardown`` is ERROR; a skipped
``setup`` or ``call`` (xfail included: ``wasxfail``) is SKIPPED; else PASSED.
Its duration is the sum of its phases. A failed ``CollectReport`` is a test
with outcome ERROR under the collector's node id. Across sessions (and across
the report-logs of one stage, in the order the manifest lists them) the last
attempt decides (:func:`merge_attempts`); the attempts before it are its
``reruns``.

The id is pytest's node id (``tests/test_x.py::TestY::test_z``), the path its
``location`` file, the line its 0-based ``location`` line plus one.

Completeness: ``Count.TESTS_RUN`` and ``Count.TESTS_SKIPPED``; zero tests is
``no-tests``, all skipped ``all-skipped``; a session without its
``SessionFinish`` (pytest killed, the file cut short) is
``reportlog-unfinished``: the tests it did not reach are unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from gates.catalog.counts import Count
from gates.errors import EvidenceError
from gates.model.reports import Outcome, Problem, ReportData, TestCase
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields, malformed
from gates.untrusted.safeio import Blob, parse_json_lines

__all__ = ["FORMAT", "TOOL", "merge_attempts", "read"]

FORMAT: Final = "pytest-reportlog"
TOOL: Final = "pytest"
_PHASES: Final = ("setup", "call", "teardown")
_OUTCOMES: Final = ("passed", "failed", "skipped", "rerun")
_RANK: Final = {Outcome.PASSED: 0, Outcome.SKIPPED: 1, Outcome.ERROR: 2, Outcome.FAILED: 3}


class _Attempt:
    """The phases of one attempt of one test, as they arrive."""

    __slots__ = ("duration", "line", "message", "nodeid", "outcome", "path")

    def __init__(self, nodeid: str, path: str, line: int) -> None:
        self.nodeid, self.path, self.line = nodeid, path, line
        self.outcome, self.message, self.duration = Outcome.PASSED, "", 0.0

    def add(self, outcome: Outcome, message: str, duration: float) -> None:
        self.duration += duration
        if _RANK[outcome] > _RANK[self.outcome]:
            self.outcome, self.message = outcome, message

    def case(self) -> TestCase:
        return TestCase(
            self.nodeid, self.outcome, self.message, self.path, self.line, self.duration
        )


class _Session:
    """One pytest session: its attempts in order, and whether it finished."""

    __slots__ = ("attempts", "finished", "open")

    def __init__(self) -> None:
        self.attempts: list[_Attempt] = []
        self.open: dict[str, _Attempt] = {}
        self.finished = False

    def attempt(self, nodeid: str, *, new: bool, path: str, line: int) -> _Attempt:
        """The test's current attempt; a new one at each setup (a rerun starts with its setup)."""
        current = self.open.get(nodeid)
        if current is None or new:
            current = self.open[nodeid] = _Attempt(nodeid, path, line)
            self.attempts.append(current)
        return current


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Every test of every session of the report-log, each once, with its reruns."""
    sessions = _sessions(blob, context)
    cases = merge_attempts([[a.case() for a in s.attempts] for s in sessions])
    unfinished = sum(1 for s in sessions if not s.finished)
    skipped = sum(1 for case in cases if case.outcome is Outcome.SKIPPED)
    run = len(cases) - skipped
    return ReportData(
        tool=TOOL,
        tests=cases,
        counts={Count.TESTS_RUN: run, Count.TESTS_SKIPPED: skipped},
        problems=_problems(blob.path, run, skipped, unfinished=unfinished, sessions=len(sessions)),
    )


def merge_attempts(runs: Iterable[Sequence[TestCase]]) -> list[TestCase]:
    """Attempts of tests, in order -> each test once: its last attempt, the earlier its reruns."""
    merged: dict[str, TestCase] = {}
    for run in runs:
        for case in run:
            before = merged.get(case.id)
            merged[case.id] = (
                case if before is None else case._replace(reruns=case.reruns + before.reruns + 1)
            )
    return list(merged.values())


def _sessions(blob: Blob, context: ReadContext) -> list[_Session]:
    """Each session of the file (the test stage appends its reruns' sessions)."""
    sessions: list[_Session] = []
    current: _Session | None = None
    for number, doc in enumerate(parse_json_lines(blob)):
        entry = Fields(doc.value, path=blob.path, where=f"line {number + 1}")
        kind = entry.text("$report_type")
        if kind == "SessionStart":
            current = _Session()
            sessions.append(current)
        elif current is None:
            raise malformed(blob.path, f"line {number + 1}", "a SessionStart first", kind)
        elif kind == "SessionFinish":
            current.finished = True
            current = None
        elif kind == "TestReport":
            _test_report(entry, current, context)
        elif kind == "CollectReport" and entry.text("outcome") == "failed":
            nodeid = entry.text("nodeid")
            attempt = current.attempt(nodeid, new=True, path=nodeid.partition("::")[0], line=0)
            attempt.add(Outcome.ERROR, "collection failed", 0.0)
    if not sessions:
        raise EvidenceError(
            "holds no pytest session (no SessionStart)",
            slug="malformed-report",
            path=blob.path,
            hint="write it with `pytest --report-log=FILE` (pytest-reportlog)",
        )
    return sessions


def _test_report(entry: Fields, session: _Session, context: ReadContext) -> None:
    nodeid, when, outcome = entry.text("nodeid"), entry.text("when"), entry.text("outcome")
    if when not in _PHASES or outcome not in _OUTCOMES:
        raise malformed(entry.path, entry.where, "a pytest phase and outcome", f"{when}/{outcome}")
    location = entry.array("location")
    path = location[0] if location and isinstance(location[0], str) else ""
    line = location[1] + 1 if len(location) > 1 and type(location[1]) is int else 0
    attempt = session.attempt(
        nodeid, new=when == "setup", path=context.relpath(path) if path else "", line=line
    )
    # pytest-rerunfailures' "rerun": this attempt failed, and the test was run again
    failed = "failed" if outcome == "rerun" else outcome
    attempt.add(_outcome(when, failed), _message(entry, failed), entry.number("duration"))


def _outcome(when: str, outcome: str) -> Outcome:
    if outcome == "passed":
        return Outcome.PASSED
    if outcome == "skipped":
        return Outcome.SKIPPED
    return Outcome.FAILED if when == "call" else Outcome.ERROR


def _message(entry: Fields, outcome: str) -> str:
    """The first line of the crash message, or the skip reason."""
    if outcome == "passed":
        return ""
    if entry.raw("wasxfail") is not None:
        return f"xfail: {str(entry.raw('wasxfail'))[:200]}"
    longrepr = entry.raw("longrepr")
    if isinstance(longrepr, list) and len(longrepr) == 3 and isinstance(longrepr[2], str):
        return longrepr[2].splitlines()[0][:200] if longrepr[2] else ""
    if isinstance(longrepr, dict):
        crash = longrepr.get("reprcrash")
        if isinstance(crash, dict) and isinstance(crash.get("message"), str):
            return str(crash["message"]).splitlines()[0][:200] if crash["message"] else ""
    return ""


def _problems(
    path: str, run: int, skipped: int, *, unfinished: int, sessions: int
) -> list[Problem]:
    problems = []
    if unfinished:
        problems.append(
            Problem(
                slug="reportlog-unfinished",
                path=path,
                message=f"{unfinished} of its {sessions} pytest session(s) never finished "
                "(no SessionFinish): pytest was killed or the file cut short",
                hint="run the test stage again; look for a crash, a timeout or a killed runner",
            )
        )
    if run + skipped == 0:
        problems.append(
            Problem(
                slug="no-tests",
                path=path,
                message="the report-log holds 0 tests: pytest collected nothing (exit 5)",
                hint="check the stage's test paths and `testpaths`/`python_files` in the pytest config",
            )
        )
    elif run == 0:
        problems.append(
            Problem(
                slug="all-skipped",
                path=path,
                message=f"all {skipped} test(s) were skipped: nothing was tested",
                hint="check the skip conditions (a missing optional dependency, service or "
                "environment variable)",
            )
        )
    return problems
