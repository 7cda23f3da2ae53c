"""``gates baseline`` in-process: findings evidence recorded, kept, pruned, and refused when untrusted.

The evidence is a ``gates-secrets-json`` report replayed through ``gates run``
(``cat``) in a small git repository: an unverified secret is a high finding,
recorded; a verified one is critical, never recorded.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from gates.cli import main
from gates.errors import ExitCode
from gates.readers.secrets import gates_secrets

POLICY = """\
[gates]
base = "main"

[gate.secrets]
metric = "findings"
tool = "detect-secrets"
max = 0
new = true
"""
LINES = 14


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", "-c", "commit.gpgsign=false",
         *args],
        cwd=root, check=True, capture_output=True, timeout=60,
    )  # fmt: skip


@pytest.fixture
def root(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    (project / "gates.toml").write_text(POLICY, encoding="utf-8")
    (project / ".gitignore").write_text(".gates/\n", encoding="utf-8")
    body = "".join(f'KEY_{n} = "value-{n}-{"x" * n}"\n' for n in range(1, LINES + 1))
    (project / "pkg" / "settings.py").write_text(body, encoding="utf-8")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "settings")
    return project


def _secret(line: int, *, verified: bool = False) -> dict[str, object]:
    return {"path": "pkg/settings.py", "line": line, "type": "Secret Keyword", "verified": verified}


def _scan(root: Path, secrets: list[dict[str, object]], *, stage: str = "security") -> None:
    """The security stage, its report written by ``cat``: what the scan would have found."""
    report = {
        "format": "gates-secrets",
        "version": 1,
        "scanner": {"name": "detect-secrets", "version": "1.5.0", "detectors": ["KeywordDetector"]},
        "paths": ["pkg"],
        "files_scanned": 1,
        "secrets": secrets,
        "errors": [],
    }
    source = root.parent / "secrets-report.json"
    source.write_text(json.dumps(report), encoding="utf-8")
    code = main(
        [
            "run", stage, "--root", str(root), "--tool", "detect-secrets",
            "--tool-version", "1.5.0", "--stdout", "gates-secrets-json=secrets.json",
            "--", "cat", str(source),
        ]
    )  # fmt: skip
    assert code == 0


def _baseline(
    root: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, list[str], str]:
    capsys.readouterr()
    code = main(["baseline", "--root", str(root), "--config", str(root / "gates.toml"), *extra])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def _recorded(root: Path) -> list[int]:
    document = json.loads((root / "gates-baseline.json").read_text(encoding="utf-8"))
    return sorted(int(entry["line"]) for entry in document["findings"])


def test_new_findings_are_added_and_a_critical_one_is_not(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _scan(root, [_secret(1), _secret(2), _secret(3, verified=True)])
    code, out, err = _baseline(root, capsys)
    assert code == 0, err
    assert out[0] == "gates-baseline.json: 2 findings accepted (detect-secrets 2)"
    assert out[1] == "  0 already in the baseline, 2 added"
    assert (
        "  1 critical finding not recorded: only a [[waiver]] with an expiry accepts one"
        in (out[2])
    )
    assert out[3].startswith("    detect-secrets ") and "pkg/settings.py:3" in out[3]
    assert out[-1] == "review gates-baseline.json and commit it"
    assert _recorded(root) == [1, 2]
    document = json.loads((root / "gates-baseline.json").read_text(encoding="utf-8"))
    assert "value-1" not in json.dumps(document)  # the secret's text is never recorded

    code, out, _ = _baseline(root, capsys)  # again: nothing new
    assert code == 0
    assert out[1] == "  2 already in the baseline, 0 added"


def test_a_finding_gone_is_kept_until_pruned_and_fresh_starts_over(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _scan(root, [_secret(1), _secret(2)])
    assert _baseline(root, capsys)[0] == 0
    salt = json.loads((root / "gates-baseline.json").read_text(encoding="utf-8"))["salt"]
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "baseline")
    _scan(root, [_secret(1), _secret(4)])

    code, out, _ = _baseline(root, capsys)
    assert code == 0
    assert out[0] == "gates-baseline.json: 3 findings accepted (detect-secrets 3)"
    assert out[1] == "  1 already in the baseline, 1 added"
    assert out[2] == "  1 no longer found, kept (`gates baseline --prune` removes them):"
    assert "pkg/settings.py:2" in out[3]
    assert _recorded(root) == [1, 2, 4]
    assert json.loads((root / "gates-baseline.json").read_text(encoding="utf-8"))["salt"] == salt

    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "baseline again")
    _scan(root, [_secret(1), _secret(5)])
    code, out, _ = _baseline(root, capsys, "--prune")
    assert code == 0
    assert out[1] == "  1 already in the baseline, 1 new not added (`gates baseline` adds them)"
    assert out[2] == "  2 no longer found, removed:"
    assert _recorded(root) == [1]

    (root / "gates-baseline.json").write_text("<<<<<<< HEAD\n", encoding="utf-8")
    code, _, err = _baseline(root, capsys)
    assert code == ExitCode.EVIDENCE and "gates-baseline.json" in err, err
    code, out, _ = _baseline(root, capsys, "--fresh")
    assert code == 0
    assert out[1] == "  0 already in the baseline, 2 added"
    assert _recorded(root) == [1, 5]


def test_more_than_ten_stale_entries_are_counted_not_listed(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _scan(root, [_secret(n) for n in range(1, LINES + 1)])
    assert _baseline(root, capsys)[0] == 0
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "baseline")
    _scan(root, [])
    code, out, _ = _baseline(root, capsys, "--prune")
    assert code == 0
    assert out[0] == "gates-baseline.json: 0 findings accepted (none)"
    assert out[2] == f"  {LINES} no longer found, removed:"
    assert sum(line.startswith("    detect-secrets ") for line in out) == 10
    assert f"    … and {LINES - 10} more" in out


def test_no_findings_evidence_is_refused(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _baseline(root, capsys)
    assert code == ExitCode.EVIDENCE and out == []
    assert "holds findings: there is nothing to record" in err
    assert not (root / "gates-baseline.json").exists()


def test_stale_evidence_is_refused(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _scan(root, [_secret(1)])
    with (root / "pkg" / "settings.py").open("a", encoding="utf-8") as handle:
        handle.write('LATER = "edited after the scan"\n')
    code, out, err = _baseline(root, capsys)
    assert code == ExitCode.EVIDENCE and out == []
    assert "the findings evidence cannot be trusted, so no baseline was recorded" in err
    assert not (root / "gates-baseline.json").exists()


def test_many_problems_are_counted_after_the_first_three(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stages = ("security", "secrets-a", "secrets-b", "secrets-c", "secrets-d")
    for stage in stages:
        _scan(root, [_secret(1)], stage=stage)
    (root / "pkg" / "settings.py").write_text("EDITED = 1\n", encoding="utf-8")
    code, out, err = _baseline(root, capsys)
    assert code == ExitCode.EVIDENCE and out == []
    assert "no baseline was recorded" in err
    assert f"(+{len(stages) - 3} more)" in err


def test_a_reader_that_crashes_is_an_internal_error(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _scan(root, [_secret(1)])

    def crash(*_: object) -> None:
        raise RuntimeError("a reader bug")

    monkeypatch.setattr(gates_secrets, "read", crash)
    code, out, err = _baseline(root, capsys)
    assert code == ExitCode.INTERNAL and out == []
    assert "gates crashed reading" in err and "no baseline recorded" in err
    assert not (root / "gates-baseline.json").exists()
