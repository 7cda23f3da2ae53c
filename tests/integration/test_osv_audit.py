"""The offline dependency audit through the real command line: a vulnerable pin blocks, its fix passes.

A small project pins its runtime dependencies; the security stage runs
``python -m gates.osv`` through ``gates run`` against a copy of the OSV
fixtures (tests/assets/osv/) whose ``modified`` times are set to yesterday, so
the copy is fresh whenever the test runs; ``gates check`` judges the report.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.integration.conftest import ASSETS, PY, Gates, Ran, commit_all

POLICY = """[gates]
base = "main"

[gate.dependencies]
metric = "findings"
tool = "osv-offline"
max = 0
"""


def _advisories(tmp_path: Path, *, age: timedelta) -> Path:
    """The fixture advisories, each last modified ``age`` ago."""
    folder = tmp_path / "osv"
    folder.mkdir()
    stamp = (datetime.now(UTC) - age).strftime("%Y-%m-%dT%H:%M:%SZ")
    for path in sorted((ASSETS / "osv" / "advisories").glob("*.json")):
        advisory = json.loads(path.read_text())
        advisory["modified"] = stamp
        (folder / path.name).write_text(json.dumps(advisory))
    return folder


def _audit(bare: Gates, tmp_path: Path, requirements: str, folder: Path) -> Ran:
    (bare.root / "requirements.txt").write_text(requirements)
    (bare.root / "gates.toml").write_text(POLICY)
    commit_all(bare.root, "pins")
    command = [PY, "-m", "gates.osv", "--advisories", str(folder), "-o", "{stage_dir}/osv.json"]
    ran = bare.run(
        "security",
        "--tool",
        "osv-offline",
        "--report",
        "gates-osv-json=osv.json",
        "--",
        *command,
        "-r",
        "requirements.txt",
    )
    assert ran.code == 0, ran.out + ran.err
    return bare.check()


def test_a_known_vulnerable_pin_blocks_naming_the_advisory(bare: Gates, tmp_path: Path) -> None:
    folder = _advisories(tmp_path, age=timedelta(days=1))
    ran = _audit(bare, tmp_path, "requests==2.19.1\nidna==3.7\n", folder)
    assert ran.code == 1, ran.out
    verdict = ran.verdict()
    gate = verdict.gate("dependencies")
    assert gate["status"] == "fail"
    found = [(f["tool"], f["rule"], f["severity"]) for f in verdict.document["findings"]]
    assert found == [
        ("osv-offline", "GHSA-j8r2-6x86-q33q", "medium"),
        ("osv-offline", "PYSEC-2018-28", "high"),
    ]
    assert verdict.document["counts"]["packages_audited"] == 2


def test_the_fixed_pin_passes(bare: Gates, tmp_path: Path) -> None:
    folder = _advisories(tmp_path, age=timedelta(days=1))
    ran = _audit(bare, tmp_path, "requests==2.32.3\nidna==3.7\n", folder)
    assert ran.code == 0, ran.out
    assert ran.verdict().gate("dependencies")["status"] == "pass"


def test_a_stale_folder_blocks_even_when_nothing_matches(bare: Gates, tmp_path: Path) -> None:
    folder = _advisories(tmp_path, age=timedelta(days=120))
    ran = _audit(bare, tmp_path, "requests==2.32.3\n", folder)
    assert ran.code == 3, ran.out
    gate = ran.verdict().gate("dependencies")
    assert gate["status"] == "error"
    assert [p["slug"] for p in gate["problems"]] == ["advisories-stale"]


def test_an_empty_folder_never_passes(bare: Gates, tmp_path: Path) -> None:
    (tmp_path / "osv").mkdir()
    ran = _audit(bare, tmp_path, "requests==2.32.3\n", tmp_path / "osv")
    assert ran.code == 3, ran.out
    problem = ran.verdict().problem("dependencies", "advisories-unusable")
    assert "holds no OSV advisory" in problem["message"]
    assert problem["hint"]


def test_one_known_unusable_file_can_be_waived_by_its_path(bare: Gates, tmp_path: Path) -> None:
    folder = _advisories(tmp_path, age=timedelta(days=1))
    (folder / "PYSEC-2099-1.json").write_text('{"id": "PYSEC-2099-1"')
    blocked = _audit(bare, tmp_path, "requests==2.32.3\n", folder)
    assert blocked.code == 3, blocked.out
    problem = blocked.verdict().problem("dependencies", "advisories-unusable")
    assert problem["subject"] == str(folder / "PYSEC-2099-1.json")
    waiver = (
        f'\n[[waiver]]\nevidence = "osv-offline:advisories-unusable:{problem["subject"]}"\n'
        'owner = "o"\nreason = "a broken record upstream"\nexpires = 2030-01-31\n'
    )
    (bare.root / "gates.toml").write_text(POLICY + waiver)
    commit_all(bare.root, "waiver")
    waived = bare.check()
    assert waived.code == 0, waived.out
    assert waived.verdict().gate("dependencies")["status"] == "waived"
