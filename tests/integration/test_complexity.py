"""Complexity with the real radon: a complex function the change adds blocks, an old one does not.

radon 6.0.1 (the lint stage's pin) measures a project whose base already
holds a complex function; the branch adds another. ``complexity.max_changed``
and a ``changed = true`` findings gate name the new one only; with the old one
in a committed baseline, a ``new = true`` gate does too. A file radon cannot
parse blocks every complexity gate, naming the file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

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
"""


def _radon(gates: Gates) -> None:
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
    ]
    assert gates.stage("lint", steps) == [0, 0]


@pytest.fixture
def legacy(bare: Gates) -> Gates:
    """The base holds ``classify`` (complexity 12), in a committed baseline."""
    root = bare.root
    (root / "pkg" / "legacy.py").write_text('"""Old code."""\n' + COMPLEX.format(name="classify"))
    (root / "gates.toml").write_text(POLICY)
    commit_all(root, "legacy code")
    git(root, "branch", "-f", "main", "HEAD")
    _radon(bare)
    ran = bare("baseline", "--root", str(root), "--config", str(root / "gates.toml"))
    assert ran.code == 0, ran.err
    commit_all(root, "baseline")
    return bare


def test_an_old_complex_function_left_alone_passes(legacy: Gates) -> None:
    _radon(legacy)
    verdict = legacy.check().verdict()
    assert verdict.statuses() == {
        "complexity": "pass",
        "complex-changed": "pass",
        "complex-new": "pass",
        "complexity-max": "pass",
        "maintainability": "pass",
    }
    assert verdict.gate("complexity-max")["observed"] == 12  # radon's figure, reported


def test_a_complex_function_the_change_adds_blocks_named_and_the_old_one_does_not(
    legacy: Gates,
) -> None:
    root = legacy.root
    source = root / "pkg" / "legacy.py"
    source.write_text(source.read_text() + COMPLEX.format(name="route"))
    commit_all(root, "route")
    _radon(legacy)
    ran = legacy.check()
    verdict = ran.verdict()
    assert ran.code == 1
    for gate in ("complexity", "complex-changed", "complex-new"):
        assert verdict.gate(gate)["status"] == "fail", gate
        assert [o["line"] for o in verdict.gate(gate)["offenders"]] == [25], gate  # `def route`
    assert verdict.gate("complexity")["observed"] == 12


def test_an_edit_inside_the_old_function_counts_it_as_changed(legacy: Gates) -> None:
    source = legacy.root / "pkg" / "legacy.py"
    source.write_text(source.read_text().replace('return "error"', 'return "failed"'))
    commit_all(legacy.root, "edit")
    _radon(legacy)
    verdict = legacy.check().verdict()
    assert verdict.gate("complexity")["status"] == "fail"  # the change touched its body
    assert verdict.gate("complex-new")["status"] == "pass"  # and it is in the baseline


def test_a_file_radon_cannot_parse_blocks_every_complexity_gate(legacy: Gates) -> None:
    (legacy.root / "pkg" / "broken.py").write_text("def broken(:\n    return 1\n")
    _radon(legacy)
    verdict = legacy.check().verdict()
    assert verdict.exit_code == 3
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
    assert verdict.gate("maintainability")["status"] == "pass"
