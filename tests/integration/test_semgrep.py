"""Semgrep, offline with gates' rule pack: the real semgrep, judged by the real gates check.

A broken rule or an unparsable file does not pass (semgrep exits 0 on the
latter); findings are baselined like every other tool's, and only a new one
blocks. Runs the semgrep of ``$GATES_SEMGREP`` (the ``tests`` Nox session sets
it to the ``semgrep_rules`` session's) or the one on PATH; semgrep is no
dependency of gates or of its test extra (a heavy install), so without one
these tests are skipped, saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gates.stage.commands.semgrep import PACK, REPORT, semgrep_command
from tests.integration.conftest import Gates, commit_all, git, step

SEMGREP = os.environ.get("GATES_SEMGREP") or shutil.which("semgrep") or ""
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SEMGREP, reason="semgrep is not installed (nox -s tests brings it)"),
]
EXAMPLES = Path(__file__).resolve().parents[1] / "assets" / "semgrep-rules"
OFFLINE = ["--metrics=off", "--disable-version-check"]

POLICY = """\
[gates]
base = "main"

[gate.sast]
metric = "findings"
tool = "semgrep"
max = 0
new = true
"""
LEGACY = '"""Old code."""\n\n\ndef calculate(expression):\n    return eval(expression)\n'


def _semgrep_test(rules: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SEMGREP, "--test", *OFFLINE, "--config", str(rules), str(EXAMPLES)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_every_rule_of_the_pack_passes_its_annotated_examples() -> None:
    done = _semgrep_test(PACK)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(list(PACK.glob('*.yaml')))}/{len(list(PACK.glob('*.yaml')))}" in done.stdout


def test_a_rule_that_misses_its_example_fails_the_rule_test(tmp_path: Path) -> None:
    rules = tmp_path / "pack"
    shutil.copytree(PACK, rules)
    rule = rules / "insecure-tempfile.yaml"
    rule.write_text(rule.read_text().replace("tempfile.mktemp(...)", "tempfile.mktmp(...)"))
    done = _semgrep_test(rules)
    assert done.returncode != 0, done.stdout


def _scan(gates: Gates, *configs: str, code: int = 0) -> None:
    """``gates run`` of semgrep as the security stage runs it; 3: the tool failed, recorded."""
    command = [SEMGREP, *semgrep_command(configs or (str(PACK),), ["pkg"])[1:]]
    options = ["--tool", "semgrep", "--report", f"semgrep-json={REPORT}"]
    assert gates.stage("security", [step(*options, command=command)]) == [code]


@pytest.fixture
def accepted(bare: Gates) -> Gates:
    root = bare.root
    (root / "pkg" / "legacy.py").write_text(LEGACY)
    (root / "gates.toml").write_text(POLICY)
    commit_all(root, "legacy")
    git(root, "branch", "-f", "main", "HEAD")
    _scan(bare)
    ran = bare("baseline", "--root", str(root), "--config", str(root / "gates.toml"))
    assert ran.code == 0, ran.err
    assert "semgrep 1" in ran.out
    commit_all(root, "accept the old finding")
    return bare


def test_an_old_finding_in_the_baseline_passes(accepted: Gates) -> None:
    ran = accepted.check()
    assert ran.code == 0, ran.out
    assert "eval-dynamic" in (accepted.root / "gates-baseline.json").read_text()


def test_only_the_new_finding_blocks_named(accepted: Gates) -> None:
    root = accepted.root
    (root / "pkg" / "legacy.py").write_text(
        "import pickle\n\n" + LEGACY + "\n\ndef load(blob):\n    return pickle.loads(blob)\n"
    )
    commit_all(root, "new code")
    _scan(accepted)
    ran = accepted.check()
    assert ran.code == 1, ran.out
    offenders = ran.verdict().gate("sast")["offenders"]
    assert [(o["label"], o["path"], o["line"]) for o in offenders] == [
        ("semgrep unsafe-deserialization", "pkg/legacy.py", 11)
    ]


def test_an_unparsable_file_does_not_pass_though_semgrep_exits_0(accepted: Gates) -> None:
    root = accepted.root
    # semgrep parses only the files one of its rules could match (its prefilter looks for the
    # rules' words first): a file without `eval` and the like is never parsed, and cannot hide one
    (root / "pkg" / "broken.py").write_text("def broken(text:\n    return eval(text)\n")
    commit_all(root, "a file that does not parse")  # semgrep scans the files git tracks
    _scan(accepted)
    manifest = (root / ".gates" / "security" / "manifest.json").read_text()
    assert '"exit_code": 0' in manifest
    ran = accepted.check()
    assert ran.code == 3, ran.out
    assert "scan-errors" in ran.out
    assert "pkg/broken.py" in ran.out


def test_a_broken_rule_does_not_pass(accepted: Gates, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "broken.yaml").write_text(
        "rules:\n  - id: broken\n    languages: [python]\n    severity: ERROR\n"
        "    message: m\n    pattern: eval(((\n"
    )
    _scan(accepted, str(PACK), str(rules), code=3)  # semgrep exits 2: recorded as failed
    ran = accepted.check()
    assert ran.code == 3, ran.out
    assert "stage-failed" in ran.out or "tool-crashed" in ran.out
