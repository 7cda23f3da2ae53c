"""The baseline corpus, judged: which findings keep their identity under each kind of edit.

``python -m benchmarks.baseline_corpus`` prints, per case of
``tests/assets/baseline-corpus/`` (make.sh there records it), how gates
classified each finding of the edited code against a baseline recorded from
``before``, next to the label the corpus expects (make.py there says how each
label is made, without gates):

* ``unchanged``: the same finding as before the edit; kept when gates matched
  it to the baseline (what must hold for >= 99 % under the first kinds of
  edit: lines inserted above, ruff format, a function moved, a file renamed);
* ``duplicate``: on a line pasted as a copy of a flagged line; caught when gates
  called it new (what must hold for 100 %);
* ``edited``: on a flagged line that was edited; ``new``: anything else the
  edit created. Caught when gates called them new.

Each case runs in a fresh git repository (``before`` committed, then the case),
so renames are followed by git's rename detection as in a real checkout. Also
imported by ``tests/unit/baseline/test_corpus.py``, which asserts the figures.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gates.baseline.apply import compare
from gates.baseline.identity import identify, tree_sources
from gates.baseline.store import Baseline, entry_of
from gates.model.reports import Finding
from gates.readers.findings import bandit_json, mypy_json, ruff_json
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

ROOT: Final = Path(__file__).resolve().parents[1]
ASSETS: Final = ROOT / "tests" / "assets"
CORPUS: Final = ASSETS / "baseline-corpus"
PROJECT: Final = CORPUS / "project"
FIXED_ROOT: Final = "/tmp/gates-corpus"  # noqa: S108 - where make.sh ran the tools: a path in reports, never opened
CASES: Final = {
    "inserted": "lines inserted above",
    "reformatted": "ruff format",
    "reformatted-narrow": "ruff format --line-length 60",
    "moved": "a function moved within its file",
    "renamed": "a file renamed",
    "duplicated": "a flagged line pasted again",
    "edited": "a flagged line edited",
}
KEEPING: Final = ("inserted", "reformatted", "reformatted-narrow", "moved", "renamed")
SALT: Final = "c0" * 16
LABELS: Final = ("unchanged", "duplicate", "edited", "new")
_REPORTS: Final = (
    (ruff_json.read, "ruff/0.17.6/check-corpus-{case}.json"),
    (bandit_json.read, "bandit/1.9.4/corpus-{case}.json"),
    (mypy_json.read, "mypy/2.4.1/corpus-{case}.jsonl"),
)

_Place = tuple[str, str, str, int]  # tool, rule, path, line


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One case: per label, how many findings the corpus expects, and how many gates called new."""

    case: str
    expected: Counter[str]
    called_new: Counter[str]
    stale: int  # baseline entries that matched nothing

    def kept(self) -> int:
        """Unchanged findings gates matched to the baseline."""
        return self.expected["unchanged"] - self.called_new["unchanged"]

    def caught(self, label: str) -> int:
        """Findings of ``label`` gates called new."""
        return self.called_new[label]


def read_findings(case: str) -> list[Finding]:
    """The findings of a case's three recorded reports, as gates reads them."""
    context = ReadContext(root=FIXED_ROOT)
    found: list[Finding] = []
    for read, pattern in _REPORTS:
        path = ASSETS / pattern.format(case=case)
        data = path.read_bytes()
        found += read(Blob(str(path), data, ""), context).findings
    return found


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, timeout=120)


def _check_out(tree: Path, repo: Path) -> None:
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    shutil.copytree(tree, repo, dirs_exist_ok=True)


def evaluate_case(case: str, work: Path) -> CaseResult:
    """Record a baseline from ``before``, apply the case in git, and classify its findings."""
    repo = work / case
    repo.mkdir(parents=True)
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "corpus@example.invalid")
    _git(repo, "config", "user.name", "corpus")
    _check_out(PROJECT / "before", repo)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "before", "--no-gpg-sign")
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    before = read_findings("before")
    entries = tuple(map(entry_of, before, identify(before, tree_sources(repo), salt=SALT)))
    _git(repo, "apply", "--index", str(PROJECT / f"{case}.patch"))  # before/, edited
    _git(repo, "commit", "-qm", case, "--no-gpg-sign")
    after = read_findings(case)
    comparison = compare(
        after, Baseline(commit, entries, SALT), root=repo, sources=tree_sources(repo)
    )
    new = Counter(_place(f) for f in comparison.new)
    expected, called_new = _tally(expected_labels(case), new)
    return CaseResult(case, expected, called_new, len(comparison.matching.stale))


def _place(finding: Finding) -> _Place:
    return (finding.tool, finding.rule, finding.path, finding.line)


def expected_labels(case: str) -> list[tuple[_Place, str]]:
    rows = json.loads((PROJECT / "expected" / f"{case}.json").read_text(encoding="utf-8"))
    return [((tool, rule, path, line), label) for tool, rule, path, line, label in rows]


def _tally(
    expected: Sequence[tuple[_Place, str]], new: Counter[_Place]
) -> tuple[Counter[str], Counter[str]]:
    """Per label: findings expected, and of them those gates called new (a multiset by place).

    Where several findings share a place, the ones gates called new are
    counted against the labels that expect new first.
    """
    totals: Counter[str] = Counter()
    called: Counter[str] = Counter()
    left = Counter(new)
    order = {"duplicate": 0, "edited": 1, "new": 2, "unchanged": 3}
    for place, label in sorted(expected, key=lambda row: (row[0], order[row[1]])):
        totals[label] += 1
        if left[place] > 0:
            left[place] -= 1
            called[label] += 1
    return totals, called


def evaluate(work: Path) -> list[CaseResult]:
    return [evaluate_case(case, work) for case in CASES]


def table(results: Sequence[CaseResult]) -> str:
    """The figures, as the Markdown table BENCHMARKS.md shows."""
    lines = [
        "| case | edit | findings | unchanged: kept | duplicates: new | edited: new | other new: new | stale entries |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        cells = [
            f"{r.kept()} / {r.expected['unchanged']}",
            *(
                f"{r.caught(label)} / {r.expected[label]}" if r.expected[label] else "-"
                for label in ("duplicate", "edited", "new")
            ),
        ]
        lines.append(
            f"| `{r.case}` | {CASES[r.case]} | {sum(r.expected.values())} | "
            + " | ".join(cells)
            + f" | {r.stale} |"
        )
    keeping = [r for r in results if r.case in KEEPING]
    kept = sum(r.kept() for r in keeping)
    total = sum(r.expected["unchanged"] for r in keeping)
    lines.append("")
    lines.append(
        f"Kept under the first five cases: {kept} of {total} ({100 * kept / total:.2f} %)."
    )
    return "\n".join(lines)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="gates-corpus-") as folder:
        sys.stdout.write(table(evaluate(Path(folder))) + "\n")


if __name__ == "__main__":
    main()
