"""Today's findings against the baseline's: multisets, in passes from strict to loose."""

from __future__ import annotations

import hashlib
import textwrap

from gates.baseline.identity import Identity, identify
from gates.baseline.match import match
from gates.model.reports import Finding, Severity


def _identities(files: dict[str, str], *places: tuple[str, str, int]) -> list[Identity]:
    """Identities of findings (rule, path, line) in ``files``."""
    findings = [Finding("ruff", rule, Severity.LOW, path, line, "m") for rule, path, line in places]
    sources = {path: textwrap.dedent(text) for path, text in files.items()}
    return identify(findings, sources.get, salt="11" * 16)


BEFORE = """\
import subprocess


def run(cmd):
    return subprocess.call(cmd, shell=True)


def load(text):
    return eval(text)
"""


def test_lines_inserted_above_keep_every_identity() -> None:
    after = "# a new comment\nimport os\n\n" + BEFORE
    entries = _identities({"a.py": BEFORE}, ("S602", "a.py", 5), ("S307", "a.py", 9))
    today = _identities({"a.py": after}, ("S602", "a.py", 8), ("S307", "a.py", 12))
    result = match(entries, today)
    assert result.pairs == {0: 0, 1: 1}
    assert result.new == ()
    assert result.stale == ()


def test_a_copy_of_a_violation_is_new() -> None:
    after = BEFORE.replace(
        "    return eval(text)\n", "    return eval(text)\n    return eval(text)\n"
    )
    entries = _identities({"a.py": BEFORE}, ("S307", "a.py", 9))
    today = _identities({"a.py": after}, ("S307", "a.py", 9), ("S307", "a.py", 10))
    result = match(entries, today)
    assert result.pairs == {0: 0}  # of a line pasted right below itself, the first is the original
    assert result.new == (1,)


def test_a_copy_at_module_level_is_new() -> None:
    after = BEFORE.replace("import subprocess\n", "import subprocess\nx = eval(text)\n")
    entries = _identities({"a.py": BEFORE}, ("S307", "a.py", 9))
    today = _identities({"a.py": after}, ("S307", "a.py", 2), ("S307", "a.py", 10))
    assert match(entries, today).new == (0,)  # another scope: new, whatever its text says


def test_the_copy_placed_first_is_still_the_new_one() -> None:
    copy = "def first(text):\n    return eval(text)\n\n\n"
    after = BEFORE.replace("def load", copy + "def load")
    entries = _identities({"a.py": BEFORE}, ("S307", "a.py", 9))
    # the copy (line 9) is in another function: the original (line 13) keeps the identity
    today = _identities({"a.py": after}, ("S307", "a.py", 9), ("S307", "a.py", 13))
    assert match(entries, today).new == (0,)


def test_identical_copies_in_one_function_are_matched_by_count() -> None:
    twice = BEFORE.replace("    return eval(text)\n", "    eval(text)\n    eval(text)\n")
    thrice = BEFORE.replace("    return eval(text)\n", "    eval(text)\n" * 3)
    entries = _identities({"a.py": twice}, ("S307", "a.py", 9), ("S307", "a.py", 10))
    today = _identities(
        {"a.py": thrice}, ("S307", "a.py", 9), ("S307", "a.py", 10), ("S307", "a.py", 11)
    )
    result = match(entries, today)
    assert len(result.pairs) == 2
    assert len(result.new) == 1


def test_an_edited_flagged_line_is_new_and_its_entry_stale() -> None:
    after = BEFORE.replace("eval(text)", "eval(text.strip())")
    entries = _identities({"a.py": BEFORE}, ("S307", "a.py", 9))
    today = _identities({"a.py": after}, ("S307", "a.py", 9))
    result = match(entries, today)
    assert result.new == (0,)
    assert result.stale == (0,)


def test_a_rewrapped_statement_matches_by_the_statement() -> None:
    after = BEFORE.replace(
        "    return subprocess.call(cmd, shell=True)\n",
        "    return subprocess.call(\n        cmd,\n        shell=True,\n    )\n",
    )
    entries = _identities({"a.py": BEFORE}, ("S602", "a.py", 5))
    today = _identities({"a.py": after}, ("S602", "a.py", 7))  # flagged on `shell=True,` now
    assert match(entries, today).pairs == {0: 0}


def test_the_rule_the_tool_and_the_scope_are_part_of_the_identity() -> None:
    entries = _identities({"a.py": BEFORE}, ("S307", "a.py", 9))
    renamed = BEFORE.replace("def load", "def parse")
    assert match(entries, _identities({"a.py": BEFORE}, ("S102", "a.py", 9))).new == (0,)
    assert match(entries, _identities({"a.py": renamed}, ("S307", "a.py", 9))).new == (0,)
    assert match(entries, _identities({"b.py": BEFORE}, ("S307", "b.py", 9))).new == (0,)


def test_excluded_findings_stay_new_even_when_they_match() -> None:
    entries = _identities({"a.py": BEFORE}, ("S307", "a.py", 9))
    today = _identities({"a.py": BEFORE}, ("S307", "a.py", 9))
    result = match(entries, today, excluded=frozenset({0}))
    assert result.new == (0,)
    assert result.stale == (0,)


def test_a_finding_without_a_readable_line_is_known_by_its_message() -> None:
    def identity(message: str, path: str = "", line: int = 0) -> Identity:
        finding = Finding("pip-audit", "GHSA-1", Severity.HIGH, path, line, message)
        return identify([finding], {"a.py": "x = 1\n"}.get, salt="11" * 16)[0]

    assert identity("requests 2.0") == identity("requests 2.0")
    assert identity("requests 2.0") != identity("requests 2.1")
    assert identity("m", "gone.py", 3) == identity("m", "gone.py", 4)  # the file cannot be read
    assert identity("m", "a.py", 99) == identity("m", "a.py", 98)  # past the end of the file


def test_every_digest_is_keyed_with_the_salt() -> None:
    findings = [Finding("ruff", "S105", Severity.MEDIUM, "a.py", 1, "m")]
    line = {"a.py": 'password = "hunter2"\n'}.get
    one, other = (identify(findings, line, salt=salt)[0] for salt in ("11" * 16, "22" * 16))
    assert one[4:] != other[4:]  # text, preceding, context, statement: all differ
    assert all(a != b for a, b in zip(one[4:], other[4:], strict=True))
    bare = hashlib.blake2b(b'password="hunter2"', digest_size=8).hexdigest()
    assert bare not in one  # never the unkeyed hash of the line
