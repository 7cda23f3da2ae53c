"""The security stage with ``advisories=``: the offline audit instead of pip-audit, the project installed."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import nox
import pytest

from gates import __version__
from gates.nox import Pipeline
from gates.osv.advisories import fingerprint
from tests.unit.test_nox import FakeSession, drive


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


def test_the_audit_is_recorded_as_gates_own_version(in_project: Path) -> None:
    pipeline = Pipeline(package="pkg", audit=["-r", "requirements.txt"], advisories="osv")
    audit = drive(pipeline.run_security, "security").gates_runs()[2]
    assert audit[audit.index("--tool-version") + 1] == __version__


def test_a_refreshed_folder_or_a_new_day_runs_the_audit_again(tmp_path: Path) -> None:
    folder = tmp_path / "osv"
    folder.mkdir()
    (folder / "A-1.json").write_text("{}")
    first = fingerprint(folder, today="2026-12-04")
    assert fingerprint(folder, today="2026-12-04") == first
    assert fingerprint(folder, today="2026-12-05") != first  # the age is judged again each day
    (folder / "A-2.json").write_text("{}")
    assert fingerprint(folder, today="2026-12-04") != first
    assert fingerprint(tmp_path / "nowhere", today="2026-12-04") != first
    (folder / "gone.json").symlink_to(tmp_path / "nowhere.json")  # broken: still a fingerprint
    assert fingerprint(folder, today="2026-12-04") != first


def test_the_security_stages_inputs_name_the_advisories_only_when_it_audits_offline(
    in_project: Path,
) -> None:
    offline = Pipeline(package="pkg", audit=["-r", "r.txt"], advisories="osv")
    online = Pipeline(package="pkg", audit=["-r", "r.txt"])
    session = cast(nox.Session, FakeSession("security"))
    assert "advisories" in offline.inputs(session, "security")
    assert "advisories" not in online.inputs(session, "security")
