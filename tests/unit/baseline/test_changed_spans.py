"""``changed = true`` on findings that span lines: a complex function counts when its body changed.

The findings are the radon reader's, from radon's real report of the fixture
package (tests/assets/radon/6.0.1/); the change is a real git diff of that
package's source.
"""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from gates.baseline.git import Changes, changed_lines
from gates.baseline.marks import Marks, pick
from gates.readers.complexity import radon_cc
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import read_blob

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "radon" / "6.0.1"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, capture_output=True, check=True, timeout=60)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(ASSETS / "project" / "app", root / "app")
    (root / "app" / "broken.py").unlink()
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.email", "gates@example.invalid")
    _git(root, "config", "user.name", "gates tests")
    _git(root, "config", "commit.gpgsign", "false")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    _git(root, "checkout", "-qb", "feature")
    return root


def _changed(changes: Changes) -> list[str]:
    """The complex functions a ``changed = true`` gate counts, by name."""
    blob = read_blob(ASSETS / "cc-clean.json", display="radon/cc-clean.json")
    findings = radon_cc.read(blob, ReadContext("/repo")).findings
    touched = Counter(f for f in findings if changes.touches_span(f.path, f.line, f.end))
    picked = pick(findings, Marks(changed=touched, against="main"), new=False, changed=True)
    return sorted(f.message.split("`")[1] for f in picked.findings)


def test_an_edit_inside_a_complex_functions_body_counts_it_and_no_other(repo: Path) -> None:
    source = repo / "app" / "complex.py"
    text = source.read_text()
    assert text.splitlines()[9] == '        return "error"'  # line 10: in classify's body
    source.write_text(text.replace('return "error"', 'return "failed"'))
    assert _changed(changed_lines(repo, "main")) == ["classify"]


def test_an_edit_outside_every_complex_function_counts_none(repo: Path) -> None:
    source = repo / "app" / "simple.py"
    source.write_text(source.read_text() + "\n\nCONSTANT = 1\n")
    (repo / "app" / "complex.py").write_text(
        (repo / "app" / "complex.py").read_text().replace('"""Complex', '"""Very complex')
    )
    assert _changed(changed_lines(repo, "main")) == []


def test_a_new_file_counts_every_complex_function_in_it(repo: Path) -> None:
    _git(repo, "rm", "-q", "--cached", "app/complex.py")  # untracked now: new in this change
    assert _changed(changed_lines(repo, "main")) == ["Router.route", "classify"]


@pytest.mark.parametrize(
    ("line", "end", "touched"),
    [
        (4, 22, True),
        (11, 22, False),
        (4, 9, False),
        (10, 10, True),
        (10, 0, True),
        (11, 0, False),
        (1, 2**53, True),
        (11, 2**53, False),
    ],
)
def test_a_span_is_touched_when_any_of_its_lines_changed(
    line: int, end: int, touched: bool
) -> None:
    changes = Changes(against="main", lines={"a.py": frozenset({10})}, new_files=frozenset())
    assert changes.touches_span("a.py", line, end) is touched
    assert not changes.touches_span("b.py", line, end)
