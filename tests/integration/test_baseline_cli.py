"""Adopting gates on code with findings: `gates baseline`, then only new findings block.

The real ruff, mypy and bandit run on a project whose legacy module has
findings of each; `gates baseline` records them, and `gates check` with
`new = true` gates passes. Then the code is edited the way people edit it
(lines inserted above, a function moved) and one new finding of each tool is
added: exactly those three block, named. A `changed = true` gate counts the
findings on the lines the branch changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.conftest import (
    Gates,
    commit_all,
    git,
    lint_stage,
    security_stage,
    type_stage,
)

LEGACY = '''\
"""Legacy helpers, written before anyone ran a linter."""

import os
import subprocess


def run(command):
    return subprocess.call(command, shell=True)


def load(text):
    try:
        return eval(text)
    except:
        return None


def size(path):
    return os.path.getsize(path)
'''

POLICY = """\
[gates]
base = "main"

[gate.lint]
metric = "findings"
tool = "ruff"
max = 0
new = true

[gate.types]
metric = "findings"
tool = "mypy"
max = 0
new = true

[gate.security]
metric = "findings"
tool = "bandit"
max = 0
new = true

[gate.lint-changed]
metric = "findings"
tool = "ruff"
max = 0
changed = true
level = "warn"
"""


def _security() -> list[list[str]]:
    return security_stage()[:1]  # bandit alone


def _stages(gates: Gates) -> None:
    for name, steps in (
        ("lint", lint_stage("pkg")),
        ("type", type_stage("pkg")),
        ("security", _security()),
    ):
        assert gates.stage(name, steps) == [0] * len(steps), name


@pytest.fixture
def adopted(bare: Gates) -> Gates:
    """The project with its legacy findings recorded in a committed baseline."""
    root = bare.root
    (root / "pkg" / "legacy.py").write_text(LEGACY)
    (root / "gates.toml").write_text(POLICY)
    commit_all(root, "legacy code")
    git(root, "branch", "-f", "main", "HEAD")  # the legacy code is the base's
    _stages(bare)
    ran = bare("baseline", "--root", str(root), "--config", str(root / "gates.toml"))
    assert ran.code == 0, ran.err
    assert "added" in ran.out
    commit_all(root, "baseline")
    return bare


def _findings(root: Path) -> list[dict[str, object]]:
    document = json.loads((root / "gates-baseline.json").read_text())
    findings: list[dict[str, object]] = document["findings"]
    return findings


def test_adopting_with_a_baseline_passes_on_the_old_findings(adopted: Gates) -> None:
    recorded = _findings(adopted.root)
    assert {entry["tool"] for entry in recorded} == {"ruff", "mypy", "bandit"}
    ran = adopted.check()  # recording the baseline left the evidence fresh
    verdict = ran.verdict()
    assert verdict.statuses() == {
        "lint": "pass",
        "types": "pass",
        "security": "pass",
        "lint-changed": "pass",
    }
    assert ran.code == 0
    assert "in the baseline" in verdict.gate("types")["reason"]


EDITED = LEGACY.replace(
    '"""Legacy helpers, written before anyone ran a linter."""\n',
    '"""Legacy helpers, written before anyone ran a linter."""\n\n# Moved: size first.\n',
).replace(
    "def run(command):",
    "def size(path):\n    return os.path.getsize(path)\n\n\ndef run(command):",
)
EDITED = EDITED[: EDITED.rindex("def size(path):")].rstrip() + "\n"
NEW_CODE = """

def total(values: list[int]) -> int:
    import json
    assert values
    return sum(values) + "0"
"""


def test_edits_keep_identities_and_only_the_new_finding_of_each_tool_blocks(
    adopted: Gates,
) -> None:
    root = adopted.root
    (root / "pkg" / "legacy.py").write_text(EDITED + NEW_CODE)
    commit_all(root, "move size, add total")
    _stages(adopted)
    ran = adopted.check()
    verdict = ran.verdict()
    assert ran.code == 1
    named = {
        gate: [(o["label"], o["line"]) for o in verdict.gate(gate)["offenders"]]
        for gate in ("lint", "types", "security")
    }
    line = EDITED.count("\n") + NEW_CODE.count("\n")  # the last line of the file
    assert named == {
        "lint": [("ruff F401", line - 2)],  # `import json`, unused
        "types": [("mypy operator", line)],  # int + str
        "security": [("bandit B101", line - 1)],  # assert
    }
    changed = verdict.gate("lint-changed")
    assert changed["status"] == "warn"
    assert [o["line"] for o in changed["offenders"]] == [line - 2]


def test_a_copy_of_a_baselined_violation_is_new(adopted: Gates) -> None:
    root = adopted.root
    copied = LEGACY.replace(
        "def size(path):",
        "def load_again(text):\n    return eval(text)\n\n\ndef size(path):",
    )
    (root / "pkg" / "legacy.py").write_text(copied)
    commit_all(root, "copy")
    _stages(adopted)
    verdict = adopted.check().verdict()
    assert [o["label"] for o in verdict.gate("security")["offenders"]] == ["bandit B307"]


def test_a_missing_or_corrupt_baseline_makes_every_finding_new(adopted: Gates) -> None:
    root = adopted.root
    path = root / "gates-baseline.json"
    text = path.read_text()
    path.write_text(text.replace('    {"tool"', '<<<<<<< HEAD\n    {"tool"', 1))
    verdict = adopted.check().verdict()
    assert verdict.exit_code == 3
    assert verdict.slugs("lint") == ["baseline-corrupt"]
    accepted = [entry for entry in json.loads(text)["findings"] if entry["tool"] == "ruff"]
    assert verdict.gate("lint")["offenders_total"] == len(accepted)  # none excused
    path.unlink()
    verdict = adopted.check().verdict()
    assert verdict.slugs("security") == ["baseline-missing"]
    assert verdict.statuses()["lint-changed"] == "pass"  # changed = true needs no baseline


def test_entries_no_longer_found_are_noted_and_pruned_only_on_demand(adopted: Gates) -> None:
    root = adopted.root
    (root / "pkg" / "legacy.py").write_text(
        LEGACY.replace("    except:\n", "    except Exception:\n")
    )
    commit_all(root, "fix the bare except")
    _stages(adopted)
    verdict = adopted.check().verdict()
    assert any("no finding any more" in note for note in verdict.document["notes"])
    rules = {str(entry["rule"]) for entry in _findings(root)}
    assert "E722" in rules  # the bare except
    config = ("--root", str(root), "--config", str(root / "gates.toml"))
    ran = adopted("baseline", *config)
    assert "1 no longer found, kept" in ran.out
    rules = {str(entry["rule"]) for entry in _findings(root)}
    assert {"E722", "BLE001"} <= rules  # kept, and the new `except Exception` accepted
    ran = adopted("baseline", "--prune", *config)
    assert ran.code == 0
    assert "1 no longer found, removed" in ran.out
    rules = {str(entry["rule"]) for entry in _findings(root)}
    assert "E722" not in rules
    assert "BLE001" in rules


def test_a_baseline_is_never_recorded_from_stale_evidence(adopted: Gates) -> None:
    root = adopted.root
    (root / "pkg" / "legacy.py").write_text(LEGACY + "\nx = eval('1')\n")
    ran = adopted("baseline", "--root", str(root), "--config", str(root / "gates.toml"))
    assert ran.code == 3
    assert "[stale-worktree]" in ran.err
    assert git(root, "status", "--short", "gates-baseline.json") == ""  # not rewritten


def test_a_critical_finding_is_never_recorded(adopted: Gates) -> None:
    root = adopted.root
    sarif = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "scanner", "rules": []}},
                "results": [
                    {
                        "ruleId": "leak",
                        "level": "error",
                        "properties": {"security-severity": "9.8"},
                        "message": {"text": "a key"},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "pkg/legacy.py"},
                                    "region": {"startLine": 8},
                                }
                            }
                        ],
                    }
                ],
            }
        ],
    }
    ran = adopted.replay(
        "scan", "sarif=scan.sarif", json.dumps(sarif).encode(), tool="scanner", fresh=True
    )
    assert ran.code == 0, ran.err
    ran = adopted("baseline", "--root", str(root), "--config", str(root / "gates.toml"))
    assert ran.code == 0, ran.err
    assert "1 critical finding not recorded" in ran.out
    assert all(entry["tool"] != "scanner" for entry in _findings(root))


def test_growing_the_baseline_is_named_in_the_verdict(adopted: Gates) -> None:
    root = adopted.root
    git(root, "branch", "-f", "main", "HEAD")  # the baseline is the base branch's now
    (root / "pkg" / "legacy.py").write_text(
        LEGACY + "\n\ndef again(text):\n    return eval(text)\n"
    )
    commit_all(root, "another eval")
    _stages(adopted)
    ran = adopted("baseline", "--root", str(root), "--config", str(root / "gates.toml"))
    assert ran.code == 0
    commit_all(root, "accept it")
    verdict = adopted.check().verdict()
    assert verdict.statuses()["security"] == "pass"  # accepted, by a change to the file
    grown = [note for note in verdict.document["notes"] if "more than main's" in note]
    assert len(grown) == 1
    assert grown[0].endswith(
        "accepts 2 findings more than main's (bandit B307 in pkg/legacy.py:23, "
        "mypy no-untyped-def in pkg/legacy.py:22)"
    )
