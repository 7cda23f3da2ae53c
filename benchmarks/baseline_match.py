"""How long the baseline takes on 10,000 findings: identities, matching, the file.

``python -m benchmarks.baseline_match [FINDINGS] [--rounds N]`` writes a
generated project into a temporary folder (250 modules of about 315 lines:
classes, methods, calls, strings; deterministic), puts 40 findings on each
module (10,000 by default) with realistic rules and messages, records their
baseline, inserts three lines at the top of every module (so every finding
moves), and times, in interleaved rounds:

* **match**: :func:`gates.baseline.match.match`, today's 10,000 identities
  against the baseline's 10,000 (the requirement: under one second);
* **identify**: reading and parsing the 250 modules and the identity of each
  finding (:func:`gates.baseline.identity.identify`), next to the floor: a
  bare ``ast.parse`` of the same modules;
* **compare**: both, as ``gates check`` runs them (:func:`gates.baseline.apply.compare`);
* **write file** and **read file**: ``gates-baseline.json`` of 10,000 entries.

It checks that every finding kept its identity, so a fast wrong answer
cannot pass for a result. Figures: BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import ast
import gc
import random
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from benchmarks._timing import Task, interleave, table
from gates.baseline.apply import compare
from gates.baseline.identity import Identity, identify, tree_sources
from gates.baseline.match import match
from gates.baseline.store import Baseline, entry_of, load_baseline, write_baseline
from gates.model.reports import Finding, Severity

__all__ = ["main", "project"]

MODULES = 250
_RULES = (
    (
        "ruff",
        "S307",
        Severity.MEDIUM,
        "Use of possibly insecure function; consider using `ast.literal_eval`",
    ),
    ("ruff", "E501", Severity.LOW, "Line too long (123 > 100)"),
    ("ruff", "ANN001", Severity.LOW, "Missing type annotation for function argument `value`"),
    ("mypy", "no-untyped-def", Severity.MEDIUM, "Function is missing a type annotation"),
    ("mypy", "arg-type", Severity.MEDIUM, 'Argument 1 to "total" has incompatible type "str"'),
    ("bandit", "B602", Severity.HIGH, "subprocess call with shell=True identified"),
)
SALT = "00" * 16
FLOOR = "ast.parse of the modules alone (the floor)"
COMMIT = ""  # no git repository here: renames are not followed (tests/unit/baseline/test_git.py)


def _module(rng: random.Random, number: int) -> tuple[str, list[int]]:
    """A module of about 400 lines, and the lines that carry a finding."""
    lines = [f'"""Module {number}: generated for the baseline benchmark."""', "import os", ""]
    flagged: list[int] = []
    for cls in range(8):
        lines += ["", f"class Handler{number}x{cls}:", f'    """Handles case {cls}."""', ""]
        for method in range(5):
            name = f"step_{method}_{rng.randrange(10**6)}"
            lines.append(f"    def {name}(self, value, limit={rng.randrange(100)}):")
            flagged.append(len(lines))
            body = [
                f"        result = compute(value, '{name}', limit * {rng.randrange(9) + 1})",
                f"        if result > {rng.randrange(1000)}:",
                f"            return eval(str(result) + '{rng.randrange(10**6)}')",
                "        log = os.path.join('logs', str(value))",
                f"        return subprocess.call('echo ' + log + ' {number}', shell=True)",
                "",
            ]
            lines += body
            flagged.append(len(lines) - 3)
    return "\n".join(lines) + "\n", flagged


def project(root: Path, findings: int, *, modules: int = MODULES) -> list[Finding]:
    """Write ``modules`` modules under ``root``; ``findings`` findings spread over them."""
    rng = random.Random(20261203)  # noqa: S311 - reproducible code, not a secret
    per_module = max(1, findings // modules)
    found: list[Finding] = []
    for number in range(modules):
        text, flagged = _module(rng, number)
        path = f"pkg/mod_{number:03}.py"
        (root / "pkg").mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
        for index in range(per_module):
            tool, rule, severity, message = _RULES[index % len(_RULES)]
            line = flagged[index % len(flagged)]
            found.append(Finding(tool, rule, severity, path, line, message))
    return found[:findings]


def _shift(root: Path, findings: Sequence[Finding]) -> list[Finding]:
    """Three lines inserted at the top of every module: every finding moves down by three."""
    for path in sorted({f.path for f in findings}):
        target = root / path
        target.write_text("# inserted\n# inserted\n\n" + target.read_text(encoding="utf-8"))
    return [f._replace(line=f.line + 3) for f in findings]


def _parse_all(modules: Sequence[str]) -> None:
    """Parse each module and drop its tree, the garbage collector paused as identify pauses it."""
    gc.disable()
    try:
        for text in modules:
            ast.parse(text)
    finally:
        gc.enable()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("findings", type=int, nargs="?", default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--modules", type=int, default=MODULES)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gates-baseline-bench-") as folder:
        root = Path(folder)
        before = project(root, args.findings, modules=args.modules)
        sources = tree_sources(root)
        entries = tuple(map(entry_of, before, identify(before, sources, salt=SALT)))
        baseline = Baseline(COMMIT, entries, SALT)
        after = _shift(root, before)
        today: list[Identity] = identify(after, tree_sources(root), salt=SALT)
        kept = len(match([e.identity for e in entries], today).pairs)
        if kept != len(after):
            raise SystemExit(f"only {kept} of {len(after)} findings kept their identity")
        file = root / "gates-baseline.json"
        write_baseline(file, baseline)
        modules = [
            (root / path).read_text(encoding="utf-8") for path in sorted({f.path for f in after})
        ]
        tasks = [
            Task(FLOOR, lambda: _parse_all(modules)),
            Task("match", lambda: match([e.identity for e in entries], today)),
            Task(
                "identify (read and parse the modules)",
                lambda: identify(after, tree_sources(root), salt=SALT),
            ),
            Task(
                "compare (identify + match)",
                lambda: compare(after, baseline, root=root, sources=tree_sources(root)),
            ),
            Task("write gates-baseline.json", lambda: write_baseline(file, baseline)),
            Task("read gates-baseline.json", lambda: load_baseline(file, display="x")),
        ]
        series = interleave(tasks, rounds=args.rounds)
        ratios = {label: FLOOR for label in series if label.startswith(("identify", "compare"))}
        size = file.stat().st_size
    sys.stdout.write(
        f"{len(after):,} findings in {args.modules} modules; all kept their identity after three "
        f"lines were inserted at the top of every module; gates-baseline.json {size:,} bytes; "
        f"{args.rounds} interleaved rounds, medians\n\n" + table(series, ratios) + "\n"
    )


if __name__ == "__main__":
    main()
