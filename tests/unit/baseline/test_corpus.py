"""The proof on a corpus: real code, real findings, the edits people make (issue 15, item 3).

``tests/assets/baseline-corpus/`` holds a project (tenacity's real source
and a legacy shop package), seven edited copies of it, the real ruff, bandit
and mypy reports of each, and the label each finding should get (make.py
there derives them from how each edit was made, never from gates).
:mod:`benchmarks.baseline_corpus` records a baseline from the project,
applies each edit in a git repository and classifies every finding.

* >= 99 % of the findings that an edit leaves unchanged keep their identity
  under lines inserted above, ``ruff format`` (twice), a function moved and
  a file renamed;
* 100 % of the copies of a flagged line are new, and no finding on an edited
  flagged line, nor any other new one, hides as accepted.
"""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.baseline_corpus import (
    CASES,
    KEEPING,
    CaseResult,
    evaluate,
    expected_labels,
    read_findings,
    table,
)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CaseResult]:
    return {r.case: r for r in evaluate(tmp_path_factory.mktemp("corpus"))}


@pytest.mark.parametrize("case", ["before", *CASES])
def test_each_case_has_findings_of_every_tool(case: str) -> None:
    tools = Counter(finding.tool for finding in read_findings(case))
    assert tools["ruff"] >= 300
    assert tools["mypy"] >= 60
    assert tools["bandit"] >= 25


@pytest.mark.parametrize("case", CASES)
def test_the_labels_are_those_of_the_recorded_findings(case: str) -> None:
    places = Counter((f.tool, f.rule, f.path, f.line) for f in read_findings(case))
    assert Counter(place for place, _ in expected_labels(case)) == places, "rerun make.sh"


def test_findings_keep_their_identity_under_the_edits_that_change_no_finding(
    results: dict[str, CaseResult],
) -> None:
    for case in KEEPING:
        result = results[case]
        assert result.expected["unchanged"] >= 400, case
        assert result.kept() >= 0.99 * result.expected["unchanged"], table([result])
    kept = sum(results[case].kept() for case in KEEPING)
    assert kept >= 0.99 * sum(results[case].expected["unchanged"] for case in KEEPING)


def test_every_copy_of_a_flagged_line_is_new(results: dict[str, CaseResult]) -> None:
    duplicated = results["duplicated"]
    assert duplicated.expected["duplicate"] >= 20
    assert duplicated.caught("duplicate") == duplicated.expected["duplicate"], table([duplicated])


def test_no_new_finding_hides_as_accepted(results: dict[str, CaseResult]) -> None:
    for result in results.values():
        for label in ("duplicate", "edited", "new"):
            assert result.caught(label) == result.expected[label], table([result])
    assert results["edited"].expected["edited"] >= 20


def test_an_edit_that_fixes_nothing_leaves_no_entry_stale(results: dict[str, CaseResult]) -> None:
    for case in ("inserted", "moved", "renamed", "duplicated"):
        assert results[case].stale == 0, case


def test_the_table_states_the_figures(results: dict[str, CaseResult]) -> None:
    text = table(list(results.values()))
    assert "| `inserted` | lines inserted above |" in text
    assert "Kept under the first five cases:" in text
