"""Problems that differ only in their subject, shown once (an offline pip-audit's packages)."""

from __future__ import annotations

from dataclasses import replace

from gates.judge.problems import group_problems
from gates.model.reports import Problem

HINT = "rerun with network access"


def skipped(name: str, why: str = "not found", hint: str = HINT) -> Problem:
    return Problem(
        slug="audit-incomplete",
        path="a.json",
        message=f"{name}: not audited ({why})",
        hint=hint,
        subject=name,
    )


def test_problems_that_differ_only_in_their_subject_are_one_group() -> None:
    names = [f"pkg{i}" for i in range(8)]
    [group] = group_problems(skipped(name) for name in names)
    assert (group.what, group.subjects, group.size) == ("not audited (not found)", tuple(names), 8)
    assert group.describe() == (
        "a.json: not audited (not found): pkg0, pkg1, pkg2, pkg3, pkg4 and 3 more (8 in all)"
    )
    assert group.describe(names=8) == f"a.json: not audited (not found): {', '.join(names)}"


def test_one_problem_of_a_group_reads_as_it_is() -> None:
    [group] = group_problems([skipped("acme")])
    assert group.describe() == "a.json: acme: not audited (not found)"


def test_another_reason_slug_path_or_hint_is_another_group_in_order() -> None:
    problems = [
        skipped("a"),
        skipped("b", why="editable"),
        skipped("c"),
        skipped("d", hint="other"),
        replace(skipped("e"), path="b.json"),
        replace(skipped("f"), slug="other"),
    ]
    groups = group_problems(problems)
    assert [g.subjects for g in groups] == [("a", "c"), ("b",), ("d",), ("e",), ("f",)]
    assert sum(g.size for g in groups) == len(problems)  # every problem is counted


def test_a_message_that_does_not_start_with_its_subject_stands_alone() -> None:
    first = Problem(
        slug="scan-errors",
        path="b.json",
        message="bandit could not scan x.py: bad",
        hint="fix",
        subject="x.py",
    )
    second = Problem(
        slug="scan-errors",
        path="b.json",
        message="bandit could not scan y.py: bad",
        hint="fix",
        subject="y.py",
    )
    groups = group_problems([first, second])
    assert [g.describe() for g in groups] == [
        "b.json: bandit could not scan x.py: bad",
        "b.json: bandit could not scan y.py: bad",
    ]


def test_identical_problems_are_shown_once_and_counted() -> None:
    problem = Problem(slug="no-tests", path="j.xml", message="no test ran", hint="run them")
    [group] = group_problems([problem, problem])
    assert (group.describe(), group.size) == ("j.xml: no test ran", 2)
