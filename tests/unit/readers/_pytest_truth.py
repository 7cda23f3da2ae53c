"""What pytest itself says about a recorded run: its summary line and its report-log.

The assets under ``tests/assets/pytest/`` and ``tests/assets/pytest-rerunfailures/``
keep, next to each JUnit XML file, the summary line pytest printed
(``summaries.txt``) and its ``--report-log`` (one JSON object per report, every
attempt and every subtest included). The tests check the junit-xml reader
against both, read here without any code of the reader.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

from gates.model.reports import Outcome, ResultTally

__all__ = ["ASSETS", "Run", "Truth", "runs", "tally_of_summary", "truth_of_reportlog"]

ASSETS = Path(__file__).resolve().parents[2] / "assets"
RERUNFAILURES = ("16.6.1", "16.7")
_ROOTS = {  # where make.sh ran pytest; never written here
    "pytest": "/tmp/gates-pytest-fixture",  # noqa: S108
    "pytest-rerunfailures": "/tmp/gates-rerunfailures-fixture",  # noqa: S108
}
_RANK = {Outcome.PASSED: 0, Outcome.SKIPPED: 1, Outcome.ERROR: 2, Outcome.FAILED: 3}
_WORDS = {"failed", "passed", "skipped", "xfailed", "xpassed", "error", "errors", "rerun"}


class Run(NamedTuple):
    """One recorded pytest run: its JUnit XML, its report-log, what pytest printed last."""

    folder: Path
    xml: str
    exit_code: int
    summary: str
    root: str  # where make.sh ran pytest

    @property
    def label(self) -> str:
        return f"{self.folder.parent.name}/{self.folder.name}/{self.xml}"

    @property
    def reportlog(self) -> Path:
        return self.folder / self.xml.replace(".xml", ".reportlog.jsonl")


class Truth(NamedTuple):
    """One test as its report-log tells it: worst result of its last attempt, attempts before."""

    outcome: Outcome
    reruns: int


def runs() -> list[Run]:
    """Every recorded run, from the ``summaries.txt`` that make.sh writes."""
    folders = [ASSETS / "pytest" / "9.2.0"]
    folders += [ASSETS / "pytest-rerunfailures" / version for version in RERUNFAILURES]
    found = []
    for folder in folders:
        root = _ROOTS[folder.parent.name]
        for line in (folder / "summaries.txt").read_text("utf-8").splitlines():
            xml, code, summary = line.split("\t")
            found.append(Run(folder, xml, int(code), summary, root))
    return found


def tally_of_summary(summary: str) -> ResultTally:
    """``"5 failed, 6 passed, 1 xpassed, 15 subtests passed in 0.24s"`` as pytest's results.

    ``passed`` adds ``xpassed`` and ``subtests passed``: JUnit writes them as passes.
    """
    head = summary.rsplit(" in ", 1)[0]
    said: dict[str, int] = {}
    if head != "no tests ran":
        for part in head.split(", "):
            number, word = part.split(" ", 1)
            word = word.removeprefix("subtests ")
            assert word in _WORDS, f"unknown word in pytest's summary line: {part!r}"
            said[word] = said.get(word, 0) + int(number)
    return ResultTally(
        passed=said.get("passed", 0) + said.get("xpassed", 0),
        failed=said.get("failed", 0),
        errors=said.get("error", 0) + said.get("errors", 0),
        skipped=said.get("skipped", 0),
        xfailed=said.get("xfailed", 0),
        rerun=said.get("rerun", 0),
    )


def truth_of_reportlog(path: Path) -> dict[str, Truth]:
    """Each test of a report-log by its JUnit id: the worst result of its last attempt.

    A failed call is FAILED, a failed setup or teardown (or collection) ERROR,
    a skip or xfail SKIPPED, subtests included; an ``outcome: "rerun"`` report
    ends an attempt that pytest-rerunfailures discards.
    """
    tests: dict[str, Truth] = {}
    for line in path.read_text("utf-8").splitlines():
        report = json.loads(line)
        if report["$report_type"] not in ("TestReport", "SubTestReport", "CollectReport"):
            continue
        outcome = report["outcome"]
        if report["$report_type"] == "CollectReport" and outcome == "passed":
            continue
        key = junit_id(report["nodeid"])
        seen = tests.get(key, Truth(Outcome.PASSED, 0))
        if outcome == "rerun":
            tests[key] = Truth(Outcome.PASSED, seen.reruns + 1)
            continue
        result = _outcome(report.get("when", "collect"), outcome)
        if _RANK[result] > _RANK[seen.outcome]:
            seen = seen._replace(outcome=result)
        tests[key] = seen
    return tests


def junit_id(nodeid: str) -> str:
    """pytest's node id as its JUnit XML names the test (``mangle_test_address``)."""
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    classname = ".".join(names[:-1])
    return f"{classname}::{names[-1]}" if classname else names[-1]


def _outcome(when: str, outcome: str) -> Outcome:
    if outcome == "failed":
        return Outcome.FAILED if when == "call" else Outcome.ERROR
    return Outcome.SKIPPED if outcome == "skipped" else Outcome.PASSED
