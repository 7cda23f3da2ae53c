"""``python -m gates.secrets_scan`` in-process: the report counts, names and locates, never the secret."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from gates import secrets_scan

AWS_KEY = "AKIAIOSFODNN7EXAMPLE"  # AWS's documented example key
SETTINGS = f'"""Settings."""\n\nKEY = "{AWS_KEY}"\nAGAIN = "{AWS_KEY}"\nLEVEL = "INFO"\n'


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid", *args],
        cwd=root, check=True, capture_output=True, timeout=60,
    )  # fmt: skip


def _project(root: Path) -> Path:
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "settings.py").write_text(SETTINGS, encoding="utf-8")
    (root / "pkg" / "clean.py").write_text("VALUE = 1\n", encoding="utf-8")
    return root


def _report(path: Path) -> dict[str, object]:
    document: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return document


def test_a_git_project_is_scanned_and_the_secret_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _project(tmp_path / "repo")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "x")
    monkeypatch.chdir(root)
    out = tmp_path / "out" / "secrets.json"
    out.parent.mkdir()
    assert secrets_scan.main(["pkg", "missing", "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert AWS_KEY not in text
    report = _report(out)
    assert report["format"] == "gates-secrets" and report["version"] == 1
    assert report["paths"] == ["pkg", "missing"]
    assert report["files_scanned"] == 2
    secrets = report["secrets"]
    assert isinstance(secrets, list)
    assert [(s["path"], s["line"], s["type"], s["verified"]) for s in secrets] == [
        ("pkg/settings.py", 3, "AWS Access Key", False),
        ("pkg/settings.py", 4, "AWS Access Key", False),  # each line that holds it
    ]
    assert all(set(s) == {"path", "line", "type", "verified"} for s in secrets)  # no hash
    assert report["errors"] == [{"path": "missing", "reason": "does not exist"}]
    scanner = report["scanner"]
    assert isinstance(scanner, dict) and scanner["name"] == "detect-secrets"
    assert "AWSKeyDetector" in scanner["detectors"]
    assert scanner["detectors"] == sorted(scanner["detectors"])
    assert capsys.readouterr().err == "2 potential secrets in 2 files\n"


def test_a_project_below_the_top_is_named_from_its_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path / "examples" / "app")
    (tmp_path / "other.py").write_text(f'KEY = "{AWS_KEY}"\n', encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "x")
    (project / "pkg" / "untracked.py").write_text(f'KEY = "{AWS_KEY}"\n', encoding="utf-8")
    monkeypatch.chdir(project)
    out = tmp_path / "secrets.json"
    assert secrets_scan.main(["pkg", "-o", str(out)]) == 0
    report = _report(out)
    assert report["files_scanned"] == 2  # tracked files only, not the one above, not untracked
    secrets = report["secrets"]
    assert isinstance(secrets, list)
    assert {s["path"] for s in secrets} == {"pkg/settings.py"}
    assert capsys.readouterr().err == "2 potential secrets in 2 files\n"


def test_outside_git_a_named_file_is_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "one.py").write_text(f'KEYS = ["{AWS_KEY}", "{AWS_KEY}"]\n', encoding="utf-8")
    out = tmp_path / "r.json"
    assert secrets_scan.main(["one.py", "--output", str(out)]) == 0  # twice on a line: once
    report = _report(out)
    assert report["files_scanned"] == 1
    assert report["secrets"] == [
        {"path": "one.py", "line": 1, "type": "AWS Access Key", "verified": False}
    ]
    assert capsys.readouterr().err == "1 potential secret in 1 files\n"


def test_an_unreadable_file_is_an_error_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    (tmp_path / "one.py").write_text("VALUE = 1\n", encoding="utf-8")
    real_open = Path.open

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "one.py":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", refuse)
    out = tmp_path / "r.json"
    assert secrets_scan.main(["one.py", "--output", str(out)]) == 0
    monkeypatch.undo()
    report = _report(out)
    assert report["files_scanned"] == 0
    assert report["errors"] == [{"path": "one.py", "reason": "Permission denied"}]


def test_the_output_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        secrets_scan.main(["pkg"])
    assert exited.value.code == 2
    assert "--output" in capsys.readouterr().err
