"""Secrets: a planted secret in new code blocks, and so does a second copy of a baselined one.

The real detect-secrets runs through gates' runner on a project whose
settings hold a token the team has accepted (recorded in the baseline); the
verdict never shows a secret.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.conftest import Gates, commit_all, git, step

TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"  # GitHub's documented fake format
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"  # AWS's documented example key
SETTINGS = f'"""Settings."""\n\nGITHUB_TOKEN = "{TOKEN}"\nLOG_LEVEL = "INFO"\n'

POLICY = """\
[gates]
base = "main"

[gate.secrets]
metric = "findings"
tool = "detect-secrets"
max = 0
new = true
"""


def _scan(gates: Gates) -> None:
    command = [sys.executable, "-m", "gates.secrets_scan", "pkg", "-o", "{stage_dir}/secrets.json"]
    options = ["--tool", "detect-secrets", "--report", "gates-secrets-json=secrets.json"]
    assert gates.stage("security", [step(*options, command=command)]) == [0]


@pytest.fixture
def accepted(bare: Gates) -> Gates:
    root = bare.root
    (root / "pkg" / "settings.py").write_text(SETTINGS)
    (root / "gates.toml").write_text(POLICY)
    commit_all(root, "settings")
    git(root, "branch", "-f", "main", "HEAD")
    _scan(bare)
    ran = bare("baseline", "--root", str(root), "--config", str(root / "gates.toml"))
    assert ran.code == 0, ran.err
    assert "detect-secrets 1" in ran.out
    commit_all(root, "accept the token")
    return bare


def test_an_accepted_secret_passes_and_is_never_shown(accepted: Gates) -> None:
    ran = accepted.check()
    assert ran.code == 0, ran.out
    baseline = (accepted.root / "gates-baseline.json").read_text()
    assert TOKEN not in ran.out + ran.err + baseline
    assert "github-token" in baseline


@pytest.mark.parametrize(
    ("code", "rule", "line"),
    [
        (f'\n\ndef connect():\n    key = "{AWS_KEY}"\n    return key\n', "aws-access-key", 8),
        (f'\n\ndef clone():\n    token = "{TOKEN}"\n    return token\n', "github-token", 8),
    ],
    ids=["a new secret", "a second copy of the accepted one"],
)
def test_a_secret_in_new_code_blocks_named_and_never_shown(
    accepted: Gates, code: str, rule: str, line: int
) -> None:
    root = accepted.root
    (root / "pkg" / "settings.py").write_text(SETTINGS + code)
    commit_all(root, "new code")
    _scan(accepted)
    ran = accepted.check()
    verdict = ran.verdict()
    assert ran.code == 1
    offenders = verdict.gate("secrets")["offenders"]
    assert [(o["label"], o["path"], o["line"]) for o in offenders] == [
        (f"detect-secrets {rule}", "pkg/settings.py", line)
    ]
    assert TOKEN not in ran.out + ran.err
    assert AWS_KEY not in ran.out + ran.err


def test_a_project_below_the_repository_top_is_scanned_from_its_own_folder(tmp_path: Path) -> None:
    """``nox -s gates`` in ``examples/paybot`` of a checkout: its files, named from there."""
    project = tmp_path / "examples" / "app"
    (project / "pkg").mkdir(parents=True)
    (project / "pkg" / "settings.py").write_text(SETTINGS, encoding="utf-8")
    (project / "pkg" / "__init__.py").write_text("", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "add", "-A")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t.invalid", "commit", "-qm", "app")
    out = tmp_path / "secrets.json"
    subprocess.run(
        [sys.executable, "-m", "gates.secrets_scan", "pkg", "-o", str(out)],
        cwd=project, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["files_scanned"] == 2
    assert [(s["path"], s["line"]) for s in report["secrets"]] == [("pkg/settings.py", 3)]
    assert report["errors"] == []
