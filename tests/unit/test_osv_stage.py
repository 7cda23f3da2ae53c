"""The security stage with ``advisories=``: the offline audit instead of pip-audit, the project installed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gates.nox import Pipeline
from tests.unit.test_nox import drive


@pytest.fixture
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GATES_INSTALL", "gates==9.9")
    return tmp_path


def _tools(session: Any) -> list[str]:
    return [step[step.index("--tool") + 1] for step in session.gates_runs()]


def test_advisories_run_the_offline_audit_instead_of_pip_audit(in_project: Path) -> None:
    pipeline = Pipeline(package="pkg", audit=["-r", "requirements.txt"], advisories="osv")
    session = drive(pipeline.run_security, "security")
    assert _tools(session) == ["bandit", "detect-secrets", "osv-offline"]
    audit = session.gates_runs()[2]
    assert "gates-osv-json=osv.json" in audit
    assert audit[audit.index("--") + 1 :] == [
        "python",
        "-m",
        "gates.osv",
        "--advisories",
        "osv",
        "--max-age-days",
        "90",
        "-o",
        "{stage_dir}/osv.json",
        "-r",
        "requirements.txt",
    ]
    assert not any("pip-audit" in arg for install in session.installs for arg in install)
    assert "." in session.installs[0]  # the audit reads the installed versions: the project's too
    assert pipeline.planned("security") == ("bandit", "detect-secrets", "osv-offline")


def test_without_advisories_pip_audit_stays_the_dependency_audit(in_project: Path) -> None:
    pipeline = Pipeline(package="pkg")
    assert _tools(drive(pipeline.run_security, "security")) == [
        "bandit",
        "detect-secrets",
        "pip-audit",
    ]
    assert pipeline.planned("security") == ("bandit", "detect-secrets", "pip-audit")


def test_no_audit_target_runs_neither_audit(in_project: Path) -> None:
    pipeline = Pipeline(package="pkg", audit=(), advisories="osv", advisories_max_age_days=30)
    assert _tools(drive(pipeline.run_security, "security")) == ["bandit", "detect-secrets"]
    assert pipeline.planned("security") == ("bandit", "detect-secrets")
