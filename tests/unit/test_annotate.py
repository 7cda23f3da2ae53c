"""``gates annotate``: findings on changed lines as workflow commands, escaped as GitHub reads them."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Final

import pytest

from gates.ci.annotate import escape_data, escape_property, workflow_commands
from gates.model.reports import Finding, Severity
from gates.model.verdict import Status, Verdict
from gates.system.gitdiff import changed_lines
from tests.unit.outputs import _verdicts

DIFF: Final = """\
diff --git a/gates/cli.py b/gates/cli.py
index 1111111..2222222 100644
--- a/gates/cli.py
+++ b/gates/cli.py
@@ -10,0 +11,2 @@ def main():
+    one = 1
+    two = 2
@@ -40 +42 @@ def other():
-    old
+    new
@@ -60,3 +63,0 @@ def gone():
diff --git a/gone.py b/gone.py
deleted file mode 100644
--- a/gone.py
+++ /dev/null
@@ -1,2 +0,0 @@
-x
-y
diff --git a/new file,v.py b/new file,v.py
new file mode 100644
--- /dev/null
+++ b/new file,v.py
@@ -0,0 +1,3 @@
+a
+b
+c
"""


def test_changed_lines_are_the_added_and_modified_ones() -> None:
    assert changed_lines(DIFF) == {
        "gates/cli.py": frozenset({11, 12, 42}),
        "new file,v.py": frozenset({1, 2, 3}),
    }


def test_a_quoted_path_is_skipped() -> None:
    diff = '+++ "b/tab\\there.py"\n@@ -0,0 +1 @@\n+x\n'
    assert changed_lines(diff) == {}


def test_escaping_follows_githubs_rules() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert escape_data("\x1b[31m\u202e") == "\ufffd[31m\ufffd"


def _verdict(*findings: tuple[Finding, bool]) -> Verdict:
    return replace(_verdicts.passing(), findings=findings)


CHANGED: Final = {"gates/cli.py": frozenset({11, 12, 42})}


def test_only_unwaived_findings_on_changed_lines_are_annotated_most_severe_first() -> None:
    verdict = _verdict(
        (Finding("ruff", "E501", Severity.LOW, "gates/cli.py", 11, "Line too long"), False),
        (Finding("bandit", "B602", Severity.HIGH, "gates/cli.py", 42, "shell=True"), False),
        (Finding("mypy", "arg-type", Severity.MEDIUM, "gates/cli.py", 12, "Argument 1"), False),
        (Finding("ruff", "F401", Severity.LOW, "gates/cli.py", 13, "unchanged line"), False),
        (Finding("ruff", "F401", Severity.LOW, "gates/other.py", 11, "unchanged file"), False),
        (Finding("ruff", "E501", Severity.HIGH, "gates/cli.py", 11, "waived"), True),
        (Finding("pip-audit", "GHSA-1", Severity.HIGH, "", 0, "no file"), False),
    )
    assert workflow_commands(verdict, CHANGED) == [
        "::error file=gates/cli.py,line=42,title=bandit B602::shell=True",
        "::warning file=gates/cli.py,line=12,title=mypy arg-type::Argument 1",
        "::notice file=gates/cli.py,line=11,title=ruff E501::Line too long",
    ]


def test_gates_that_block_or_warn_come_first_without_a_file() -> None:
    verdict = _verdicts.mixed()
    commands = workflow_commands(verdict, {})
    blocking = [g for g in verdict.gates if g.status in (Status.FAIL, Status.ERROR, Status.WARN)]
    assert len(commands) == len(blocking)
    assert commands[0] == (
        "::error title=gates%3A unit-coverage (fail)::line coverage 89.99%25 is below 90%25"
    )
    assert any(
        command.startswith("::warning title=gates%3A flaky (warn)::") for command in commands
    )


def test_the_number_of_annotations_is_bounded() -> None:
    findings = tuple(
        (Finding("ruff", "E501", Severity.LOW, "gates/cli.py", 11, f"n{i}"), False)
        for i in range(80)
    )
    commands = workflow_commands(_verdict(*findings), CHANGED, limit=50)
    assert len(commands) == 50
    assert commands[-1] == (
        "::notice title=gates::31 more annotations not shown: see the job summary and the verdict"
    )


def test_paths_outside_the_repository_get_no_file() -> None:
    verdict = _verdict(
        (Finding("t", "r", Severity.LOW, "../etc/passwd", 1, "m"), False),
        (Finding("t", "r", Severity.LOW, "/etc/passwd", 1, "m"), False),
    )
    changed = {"../etc/passwd": frozenset({1}), "/etc/passwd": frozenset({1})}
    assert workflow_commands(verdict, changed) == ["::notice title=t r::m", "::notice title=t r::m"]


@pytest.mark.parametrize("text", _verdicts.HOSTILE)
def test_hostile_text_stays_inside_one_command(text: str) -> None:
    finding = Finding(text, text, Severity.HIGH, f"gates/{text}.py", 3, text)
    verdict = replace(
        _verdict((finding, False)),
        gates=(replace(_verdicts.passing().gates[0], status=Status.FAIL, name=text, reason=text),),
    )
    commands = workflow_commands(verdict, {f"gates/{text}.py": frozenset({3})})
    assert len(commands) == 2
    for command in commands:
        assert "\n" not in command and "\r" not in command
        assert command.count("::") >= 2
        head, _, message = command[2:].partition("::")
        assert re.fullmatch(r"(error|warning|notice) [^:]*", head), head
        assert not re.search("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]", message)
        # properties hold no raw separators: every ":" and "," a value had is escaped
        for prop in head.split(" ", 1)[1].split(","):
            name, _, value = prop.partition("=")
            assert name in ("file", "line", "title")
            assert ":" not in value and "," not in value
