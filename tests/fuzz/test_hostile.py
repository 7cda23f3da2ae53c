"""Every hostile reproducer gives a named error or a correct reading, within CPU and memory bounds.

The files are in ``tests/assets/hostile/`` (its README says where each came
from). Each one is read in a child process under an address-space and a CPU
limit (:mod:`tests.fuzz.bounded`), so that a regression fails the test in
seconds instead of taking the machine: it must end in a
:class:`~gates.errors.GatesError` with one of the expected slugs, or in a
reading, and take at most :data:`CPU_SECONDS` of CPU time (not wall time: a
loaded machine does not make it fail) and :data:`PEAK_BYTES` of traced
memory. A reading is then checked for what it says.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Final, NamedTuple

import pytest

from gates.model.reports import ReportData
from gates.readers import READERS
from tests.fuzz.bounded import run_bounded
from tests.fuzz.targets import CONTEXT, HOSTILE, blob

CPU_SECONDS: Final = 2.0  # each of these reads takes under 0.3 s; before the fixes, 12 s to hours
PEAK_BYTES: Final = 64 * 1024 * 1024  # the largest takes under 10 MiB; M1 took 4 GB


def _problems(*slugs: str) -> Callable[[ReportData], None]:
    def check(data: ReportData) -> None:
        assert {problem.slug for problem in data.problems} == set(slugs)

    return check


def _sarif_note(data: ReportData) -> None:
    [problem] = data.problems
    assert (problem.slug, problem.message) == (
        "tool-errors",
        "x reported 1 error(s) during its run, so its results may be incomplete: (no message)",
    )


def _finding(path: str, message: str = "") -> Callable[[ReportData], None]:
    def check(data: ReportData) -> None:
        [finding] = data.findings
        assert (finding.path, finding.message[: len(message)]) == (path, message)

    return check


def _numstat(data: ReportData) -> None:
    assert data.patch is not None
    [item] = data.patch.files
    assert item.path.startswith("{ => { => ") and item.added == 1


def _summaries(data: ReportData) -> None:
    assert len(data.problems) == 30_000
    assert {problem.slug for problem in data.problems} == {"type-check-incomplete"}


class Case(NamedTuple):
    target: str  # a reader's format id, "verdict" or "policy"
    slugs: frozenset[str]  # the errors allowed; empty: it must be read
    check: Callable[[ReportData], None] | None = None  # what a reading must say


def _refused(target: str, *slugs: str) -> Case:
    return Case(target, frozenset(slugs))


CASES: Final[dict[str, Case]] = {
    "readers/C1-coverage-json-huge-int.json": _refused("coverage-json", "non-finite"),
    "readers/C2-coverage-json-negative-statements.json": _refused(
        "coverage-json", "malformed-report"
    ),
    "readers/C3-diff-cover-json-huge-int.json": _refused("diff-cover-json", "non-finite"),
    "readers/C4-pytest-benchmark-json-huge-int.json": _refused(
        "pytest-benchmark-json", "non-finite"
    ),
    "readers/C5-pytest-benchmark-json-huge-int-data.json": _refused(
        "pytest-benchmark-json", "malformed-report"
    ),
    "readers/C6-git-numstat-octal-escape.txt": _refused("git-numstat", "malformed-report"),
    "readers/C7-git-numstat-4301-digits.txt": _refused("git-numstat", "malformed-report"),
    "readers/C8-junit-xml-4301-digit-tests.xml": _refused("junit-xml", "malformed-report"),
    "readers/C9-junit-xml-and-cobertura-unknown-encoding.xml": _refused("junit-xml", "invalid-xml"),
    "readers/C10-sarif-blank-notification.sarif": Case("sarif", frozenset(), _sarif_note),
    "readers/C11-sarif-bad-ipv6-uri.sarif": Case("sarif", frozenset(), _finding("file://[")),
    "readers/C12-sarif-huge-security-severity.sarif": Case("sarif", frozenset(), _finding("")),
    "readers/C13-sarif-huge-placeholder.sarif": Case("sarif", frozenset(), _finding("", "{999")),
    "readers/C14-cobertura-long-filename-two-sources.xml": Case(
        "cobertura-xml", frozenset(), _problems("ambiguous-path")
    ),
    "readers/M1-cobertura-condition-coverage-memory.xml": _refused(
        "cobertura-xml", "malformed-report"
    ),
    "readers/H1-git-numstat-redos.txt": Case("git-numstat", frozenset(), _numstat),
    "readers/H2-pytest-benchmark-version-redos.json": _refused(
        "pytest-benchmark-json", "unsupported-format"
    ),
    "readers/R1-junit-xml-failures-contradict-cases.xml": _refused("junit-xml", "malformed-report"),
    "readers/R2-file-list-truncated.txt": _refused("file-list", "malformed-report"),
    "readers/R3-junit-xml-tests-below-cases.xml": _refused("junit-xml", "malformed-report"),
    "readers/F1-coverage-json-precision.json": _refused("coverage-json", "malformed-report"),
    "readers/F2-mypy-json-many-summaries.jsonl": Case("mypy-json", frozenset(), _summaries),
    "readers/F3-cobertura-xml-many-sources.xml": Case(
        "cobertura-xml", frozenset(), _problems("ambiguous-path")
    ),
    "readers/F4-coverage-report-precision.txt": _refused("coverage-report", "malformed-report"),
    "verdict/V1-verdict-huge-observed.json": _refused("verdict", "non-finite"),
    "verdict/V2-verdict-observed-text-precision.json": _refused("verdict", "malformed-report"),
    "policy/P1-policy-deep-array.toml": _refused("policy", "policy-toml"),
    "policy/P2-policy-4301-digits.toml": _refused("policy", "policy-toml"),
    "policy/P3-policy-huge-bound.toml": _refused("policy", "policy-domain"),
    "policy/P4-policy-dotted-key.toml": _refused("policy", "policy-toml"),
}
# C9 names no reader: it is read by the Cobertura reader too
CASES["readers/C9-junit-xml-and-cobertura-unknown-encoding.xml (cobertura-xml)"] = _refused(
    "cobertura-xml", "invalid-xml"
)


def _file(name: str) -> Path:
    return HOSTILE / name.partition(" ")[0]


def test_every_hostile_file_has_a_case() -> None:
    files = {str(path.relative_to(HOSTILE)) for path in HOSTILE.rglob("*") if path.is_file()}
    cases = {name.partition(" ")[0] for name in CASES}
    assert files - {"README.md"} == cases


def test_the_readme_names_every_file() -> None:
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    assert all(Path(name.partition(" ")[0]).name in readme for name in CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_is_refused_or_read_within_bounds(name: str) -> None:
    case = CASES[name]
    measured = run_bounded(case.target, _file(name))
    expected = "refused" if case.slugs else "read"
    assert (measured.outcome, measured.detail in case.slugs or not case.slugs) == (
        expected,
        True,
    ), measured
    assert measured.cpu <= CPU_SECONDS, measured
    assert measured.peak <= PEAK_BYTES, measured
    if case.check is not None:
        case.check(READERS[case.target].read(blob(_file(name).read_bytes()), CONTEXT))
