"""The split of a test stage's tests into N shards (``gates shard plan``).

With durations (the stage's last report-log or JUnit report, in ``.gates/<stage>/``)
each test is placed on its own, a test without one weighing the mean of the
others; without any, whole files are placed, each weighing its number of tests.
Placement is greedy, longest first, onto the lightest shard (lowest number on a
tie), so the same tests and durations always give the same split, on every
machine of a CI matrix. A shard left empty is refused: pytest given no test would
run them all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gates.errors import EvidenceError, UsageError
from gates.stage.shards.request import BY_FILES, arguments
from gates.untrusted.safeio import parse_json, parse_json_lines, parse_xml, read_blob

__all__ = [
    "Plan",
    "junit_key",
    "make_plan",
    "read_plan",
    "recorded_durations",
    "split",
]

_SCHEMA: Final = 1
_BY_DURATIONS: Final = "durations"
_MAX_REPORT: Final = 64 * 1024 * 1024
_JUNIT: Final = "junit.xml"
_REPORTLOG: Final = "reportlog.jsonl"


@dataclass(frozen=True, slots=True)
class Plan:
    """The stage's tests, each in one of ``total`` shards (``shards[K-1]``: shard K)."""

    stage: str
    total: int
    by: str  # "durations" or "files"
    shards: tuple[tuple[str, ...], ...]

    def as_json(self) -> dict[str, object]:
        return {
            "schema": _SCHEMA,
            "stage": self.stage,
            "total": self.total,
            "by": self.by,
            "shards": [list(tests) for tests in self.shards],
        }

    @property
    def digest(self) -> str:
        """The sha256 of the plan's canonical JSON: shards of one plan carry the same one."""
        text = json.dumps(self.as_json(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def arguments(self, index: int) -> tuple[str, ...]:
        """What pytest is given to run shard ``index`` (1-based): its files, or its tests."""
        return arguments(self.by, self.shards[index - 1])


def junit_key(node_id: str) -> tuple[str, str]:
    """The (classname, name) pytest's JUnit XML gives the test ``node_id``."""
    parts = node_id.split("::")
    module = parts[0].removesuffix(".py").replace("/", ".")
    return ".".join([module, *parts[1:-1]]), parts[-1]


def recorded_durations(folder: Path, tests: Sequence[str]) -> dict[str, float]:
    """Each test's duration in the stage's last run (``folder``): its report-log
    (``reportlog.jsonl``, every phase summed) when it has one, else its JUnit report.

    Durations only balance the shards, never decide what runs: a report that
    cannot be read gives none ({}), and the split falls back to files.
    """
    try:
        if (folder / _REPORTLOG).is_file():
            return _reportlog_durations(folder / _REPORTLOG, tests)
        if (folder / _JUNIT).is_file():
            return _junit_durations(folder / _JUNIT, tests)
    except EvidenceError:
        pass
    return {}


def _reportlog_durations(path: Path, tests: Sequence[str]) -> dict[str, float]:
    blob = read_blob(path, display=path.as_posix(), max_bytes=_MAX_REPORT)
    seconds: dict[str, float] = {}
    for line in parse_json_lines(blob):
        item = line.value
        if not isinstance(item, dict) or item.get("$report_type") != "TestReport":
            continue
        node, duration = item.get("nodeid"), item.get("duration")
        if isinstance(node, str) and isinstance(duration, int | float) and duration >= 0:
            seconds[node] = seconds.get(node, 0.0) + float(duration)
    return {test: seconds[test] for test in tests if test in seconds}


def _junit_durations(path: Path, tests: Sequence[str]) -> dict[str, float]:
    root = parse_xml(read_blob(path, display=path.as_posix(), max_bytes=_MAX_REPORT))
    seconds: dict[tuple[str, str], float] = {}
    for case in root.iter("testcase"):
        try:
            value = float(case.get("time") or "")
        except ValueError:
            continue
        if 0 <= value < float("inf"):
            key = (case.get("classname") or "", case.get("name") or "")
            seconds[key] = seconds.get(key, 0.0) + value
    return {test: seconds[junit_key(test)] for test in tests if junit_key(test) in seconds}


def split(
    tests: Sequence[str], *, total: int, durations: Mapping[str, float]
) -> tuple[str, tuple[tuple[str, ...], ...]]:
    """(how the tests were weighed, the ``total`` shards' tests in collected order)."""
    by, items = _weighed(tests, durations)
    if total < 1 or len(items) < total:
        unit = "tests" if by == _BY_DURATIONS else "test files"
        raise UsageError(
            f"cannot split {len(items)} {unit} into {total} shards without an empty one",
            slug="usage",
            hint=f"use --shards between 1 and {max(len(items), 1)}",
        )
    loads = [0.0] * total
    placed: list[list[str]] = [[] for _ in range(total)]
    for weight, _, members in sorted(items, key=lambda item: (-item[0], item[1])):
        lightest = min(range(total), key=lambda index: (loads[index], index))
        loads[lightest] += weight
        placed[lightest].extend(members)
    order = {test: number for number, test in enumerate(tests)}
    return by, tuple(tuple(sorted(shard, key=order.__getitem__)) for shard in placed)


def _weighed(
    tests: Sequence[str], durations: Mapping[str, float]
) -> tuple[str, list[tuple[float, str, list[str]]]]:
    known = [durations[test] for test in tests if test in durations]
    if known:
        mean = sum(known) / len(known)
        return _BY_DURATIONS, [(durations.get(test, mean), test, [test]) for test in tests]
    files: dict[str, list[str]] = {}
    for test in tests:
        files.setdefault(test.split("::", 1)[0], []).append(test)
    return BY_FILES, [(float(len(members)), name, members) for name, members in files.items()]


def make_plan(
    stage: str, tests: Sequence[str], *, total: int, durations: Mapping[str, float]
) -> Plan:
    """The plan of ``stage``: its ``tests`` (each once) split into ``total`` shards."""
    unique = list(dict.fromkeys(tests))
    by, shards = split(unique, total=total, durations=durations)
    return Plan(stage, total, by, shards)


def read_plan(path: Path, *, display: str) -> Plan:
    """The plan ``gates shard plan`` wrote at ``path``."""
    value = parse_json(read_blob(path, display=display)).value
    return plan_of(value, display=display)


def plan_of(value: object, *, display: str) -> Plan:
    """A plan from its JSON value, checked whole."""
    if not isinstance(value, dict) or value.get("schema") != _SCHEMA:
        raise _malformed(display, f"not a plan of schema {_SCHEMA}")
    stage, total, by, shards = (value.get(key) for key in ("stage", "total", "by", "shards"))
    if not isinstance(stage, str) or not isinstance(total, int) or by not in _WAYS:
        raise _malformed(display, "its stage, total or way of splitting is missing")
    if not isinstance(shards, list) or len(shards) != total:
        raise _malformed(display, f"it does not hold {total} shards")
    parts: list[tuple[str, ...]] = []
    for tests in shards:
        if not isinstance(tests, list) or not tests or not all(isinstance(t, str) for t in tests):
            raise _malformed(display, "a shard is not a non-empty list of test ids")
        parts.append(tuple(tests))
    return Plan(stage, total, str(by), tuple(parts))


_WAYS: Final = (BY_FILES, _BY_DURATIONS)


def _malformed(display: str, why: str) -> EvidenceError:
    return EvidenceError(
        f"the shard plan cannot be read: {why}",
        slug="shard-mismatch",
        path=display,
        hint="run the shards again (`GATES_SHARD=K/N nox -s <stage>` for every K)",
    )
