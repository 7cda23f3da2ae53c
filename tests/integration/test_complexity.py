"""Complexity with the real radon and complexipy: a complex function the change adds blocks, an old one does not.

radon 6.0.1 and complexipy 8.3.0 (the lint stage's pins) measure a project
whose base already holds a complex function and a deeply nested one; the
branch adds another. ``complexity.max_changed`` (cyclomatic),
``complexity.cognitive_max_changed`` and ``changed = true`` findings gates
name the new one only; with the old ones in a committed baseline, a
``new = true`` gate does too. A file the tools cannot parse blocks every
complexity gate.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.readers.complexity import pylint_duplicates
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import read_blob
from tests.integration.conftest import PY, Gates, commit_all, git, step

COMPLEX = """\


def {name}(code: int, strict: bool, verbose: bool) -> str:
    if code == 0:
        return "ok"
    if code == 1:
        return "warn"
    if code == 2:
        return "error"
    if code == 3 and strict:
        return "fatal"
    if code == 4 or verbose:
        return "noisy"
    for _ in range(code):
        if strict:
            break
    while code > 100:
        code -= 1
    if code < 0:
        return "negative"
    return "unknown"
"""

# cyclomatic complexity 7 (radon: rank B, no finding), cognitive complexity 21 (complexipy)
NESTED = """\


def {name}(rows: list[list[int]], flag: bool) -> int:
    for row in rows:
        if row:
            for cell in row:
                if cell:
                    if flag:
                        while cell > 1:
                            cell -= 1
                        return cell
    return 0
"""

POLICY = """\
[gates]
base = "main"

[gate.complexity]
metric = "complexity.max_changed"
tool = "radon"
max = 10

[gate.complex-changed]
metric = "findings"
tool = "radon"
changed = true
max = 0

[gate.complex-new]
metric = "findings"
tool = "radon"
new = true
max = 0

[gate.complexity-max]
metric = "complexity.max"
tool = "radon"
max = 100

[gate.maintainability]
metric = "complexity.mi_min"
tool = "radon"
min = 0

[gate.cognitive]
metric = "complexity.cognitive_max_changed"
tool = "complexipy"
max = 15

[gate.cognitive-changed]
metric = "findings"
tool = "complexipy"
changed = true
max = 0

[gate.cognitive-new]
metric = "findings"
tool = "complexipy"
new = true
max = 0

[gate.cognitive-max]
metric = "complexity.cognitive_max"
tool = "complexipy"
max = 100

[gate.duplication]
metric = "complexity.duplicated_lines"
tool = "pylint"
max = 1000
"""

_PYLINT = [PY, "-m", "pylint", "--disable=all", "--enable=duplicate-code", "--persistent=n"]
_PYLINT += ["--output-format=json2"]
_RADON_GATES = ("complexity", "complex-changed", "complex-new", "complexity-max")
_COGNITIVE_GATES = ("cognitive", "cognitive-changed", "cognitive-new", "cognitive-max")
_COMPLEXIPY = [
    str(Path(PY).parent / "complexipy"),
    "pkg",
    "--isolated",
    "--quiet",
    "--ignore-complexity",
    "--max-complexity-allowed",
    "0",
    "--output-format",
    "sarif",
    "--output",
    "{stage_dir}/complexipy.sarif",
]


def _lint(gates: Gates) -> list[int]:
    radon = [PY, "-m", "radon"]
    steps = [
        step(
            "--tool",
            "radon",
            "--stdout",
            "radon-cc-json=radon-cc.json",
            command=[*radon, "cc", "--json", "--show-closures", "pkg"],
        ),
        step(
            "--append",
            "--tool",
            "radon",
            "--stdout",
            "radon-mi-json=radon-mi.json",
            command=[*radon, "mi", "--json", "pkg"],
        ),
        step(
            "--append",
            "--tool",
            "complexipy",
            "--report",
            "complexipy-sarif=complexipy.sarif",
            command=[*_COMPLEXIPY, "--cache-dir", str(gates.root.parent / "complexipy-cache")],
        ),
        step(
            "--append",
            "--tool",
            "pylint",
            "--stdout",
            "pylint-duplicate-code-json=pylint-duplicates.json",
            command=[*_PYLINT, "pkg"],
        ),
    ]
    return gates.stage("lint", steps)


@pytest.fixture
def legacy(bare: Gates) -> Gates:
    """The base holds ``classify`` (complexity 12) and ``knotted`` (cognitive 21), in a committed baseline."""
    root = bare.root
    (root / "pkg" / "legacy.py").write_text('"""Old code."""\n' + COMPLEX.format(name="classify"))
    (root / "pkg" / "knotted.py").write_text('"""Old code."""\n' + NESTED.format(name="knotted"))
    (root / "gates.toml").write_text(POLICY)
    commit_all(root, "legacy code")
    git(root, "branch", "-f", "main", "HEAD")
    assert _lint(bare) == [0, 0, 0, 0]
    ran = bare("baseline", "--root", str(root), "--config", str(root / "gates.toml"))
    assert ran.code == 0, ran.err
    commit_all(root, "baseline")
    return bare


def test_an_old_complex_function_left_alone_passes(legacy: Gates) -> None:
    assert _lint(legacy) == [0, 0, 0, 0]
    verdict = legacy.check().verdict()
    assert verdict.statuses() == dict.fromkeys(
        (*_RADON_GATES, "maintainability", *_COGNITIVE_GATES, "duplication"), "pass"
    )
    assert verdict.gate("complexity-max")["observed"] == 12  # radon's figure, reported
    assert verdict.gate("cognitive-max")["observed"] == 21  # complexipy's, reported
    assert verdict.gate("cognitive")["observed"] == 0  # the change touched no function
    assert verdict.gate("duplication")["observed"] == 0


def test_a_complex_function_the_change_adds_blocks_named_and_the_old_one_does_not(
    legacy: Gates,
) -> None:
    root = legacy.root
    source = root / "pkg" / "legacy.py"
    source.write_text(source.read_text() + COMPLEX.format(name="route"))
    commit_all(root, "route")
    assert _lint(legacy) == [0, 0, 0, 0]
    ran = legacy.check()
    verdict = ran.verdict()
    assert ran.code == 1
    for gate in ("complexity", "complex-changed", "complex-new"):
        assert verdict.gate(gate)["status"] == "fail", gate
        assert [o["line"] for o in verdict.gate(gate)["offenders"]] == [25], gate  # `def route`
    assert verdict.gate("complexity")["observed"] == 12
    assert verdict.gate("cognitive")["observed"] == 12  # its cognitive complexity: not above 15
    assert verdict.gate("cognitive-changed")["status"] == "pass"


def test_a_nested_function_the_change_adds_blocks_by_its_cognitive_complexity(
    legacy: Gates,
) -> None:
    """Cyclomatic 7 passes radon's gates; cognitive 21 fails complexipy's, naming the new one only."""
    root = legacy.root
    source = root / "pkg" / "knotted.py"
    source.write_text(source.read_text() + NESTED.format(name="tangle"))
    commit_all(root, "tangle")
    assert _lint(legacy) == [0, 0, 0, 0]
    ran = legacy.check()
    verdict = ran.verdict()
    assert ran.code == 1
    for gate in ("cognitive", "cognitive-changed", "cognitive-new"):
        assert verdict.gate(gate)["status"] == "fail", gate
        assert [o["line"] for o in verdict.gate(gate)["offenders"]] == [16], gate  # `def tangle`
    assert verdict.gate("cognitive")["observed"] == 21
    assert {gate: verdict.gate(gate)["status"] for gate in _RADON_GATES} == dict.fromkeys(
        _RADON_GATES, "pass"
    )


def test_a_copied_function_is_a_duplicated_block_reported_with_both_places(legacy: Gates) -> None:
    root = legacy.root
    (root / "pkg" / "copied.py").write_text((root / "pkg" / "legacy.py").read_text())
    commit_all(root, "copy")
    assert _lint(legacy) == [0, 0, 0, 0]  # pylint exits 8 (a refactor message): it ran fine
    verdict = legacy.check().verdict()
    duplication = verdict.gate("duplication")
    assert duplication["status"] == "pass"  # reported: the policy's bound is loose
    assert duplication["observed"] == 18  # lines 5-22: the body of `classify` after its `def`
    assert duplication["reason"].endswith("18 lines in the copies of 1 duplicated block")
    report = root / ".gates" / "lint" / "pylint-duplicates.json"
    blob = read_blob(report, display="pylint-duplicates.json")
    (finding,) = pylint_duplicates.read(blob, ReadContext(str(root))).findings
    assert finding.message.endswith("places: pkg/copied.py:5-22, pkg/legacy.py:5-22")


def test_an_edit_inside_the_old_function_counts_it_as_changed(legacy: Gates) -> None:
    source = legacy.root / "pkg" / "legacy.py"
    source.write_text(source.read_text().replace('return "error"', 'return "failed"'))
    commit_all(legacy.root, "edit")
    assert _lint(legacy) == [0, 0, 0, 0]
    verdict = legacy.check().verdict()
    assert verdict.gate("complexity")["status"] == "fail"  # the change touched its body
    assert verdict.gate("complex-new")["status"] == "pass"  # and it is in the baseline


def test_a_file_the_tools_cannot_parse_blocks_every_complexity_gate(legacy: Gates) -> None:
    (legacy.root / "pkg" / "broken.py").write_text("def broken(:\n    return 1\n")
    assert _lint(legacy) == [0, 0, 3, 0]  # complexipy exits 1: the stage records no evidence
    verdict = legacy.check().verdict()
    assert verdict.exit_code == 3
    assert set(verdict.slugs("duplication")) == {"scan-errors"}  # pylint's syntax-error
    for gate in _COGNITIVE_GATES:  # complexipy's exit code: its report left the file out
        assert set(verdict.slugs(gate)) == {"stage-failed", "tool-crashed"}, gate
        assert "complexipy exited 1" in verdict.gate(gate)["reason"], gate
    for gate in ("complexity", "complex-changed", "complexity-max", "maintainability"):
        assert set(verdict.slugs(gate)) == {"scan-errors"}, gate  # cc's and mi's alike
        assert "pkg/broken.py" in verdict.gate(gate)["reason"], gate


def test_without_radons_cc_report_the_complexity_gates_are_missing_evidence(bare: Gates) -> None:
    root: Path = bare.root
    (root / "gates.toml").write_text(POLICY)
    commit_all(root, "policy")
    mi = [PY, "-m", "radon", "mi", "--json", "pkg"]
    only_mi = step("--tool", "radon", "--stdout", "radon-mi-json=radon-mi.json", command=mi)
    assert bare.stage("lint", [only_mi]) == [0]
    verdict = bare.check().verdict()
    assert verdict.exit_code == 3
    assert verdict.slugs("complexity") == ["missing-evidence"]
    assert verdict.slugs("complexity-max") == ["missing-evidence"]
    assert verdict.slugs("cognitive-max") == ["missing-evidence"]
    assert verdict.slugs("duplication") == ["missing-evidence"]
    assert "complexipy" in verdict.gate("cognitive")["reason"]
    assert verdict.gate("maintainability")["status"] == "pass"
