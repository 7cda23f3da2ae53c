"""An offline pip-audit through the real command line: one short paragraph, still fail closed.

pip-audit that cannot reach its vulnerability service skips every package and
exits 0 (tests/assets/pip-audit/2.10.1/all-skipped.json, recorded so). The
verdict must block, keep every skipped package in the JSON verdict (a waiver
may name one), and tell a person in one line how many packages were not
audited, why, a few of their names and the next step, in the terminal and in
Markdown alike; the waivers of this repository's own gates.toml still accept it.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from tests.integration.conftest import ASSETS, Gates, Ran

RECORDED = ASSETS / "pip-audit" / "2.10.1" / "all-skipped.json"
POLICY = '[gates]\nbase = "main"\n\n[gate.dependencies]\nmetric = "findings"\ntool = "pip-audit"\nmax = 0\n'
REASON = '("Dependency not found on PyPI and could not be audited")'
WAIVER = 'owner = "o"\nreason = "offline"\nexpires = 2030-01-31\n'


def offline(bare: Gates, packages: int = 0) -> None:
    """The recorded offline report, or one derived from it with ``packages`` packages."""
    data = RECORDED.read_bytes()
    if packages:
        names = [f"pkg-{i:02d}" for i in range(packages)]
        reason = "Dependency not found on PyPI and could not be audited: {} (1.0)"
        skipped = [{"name": name, "skip_reason": reason.format(name)} for name in names]
        data = json.dumps({"dependencies": skipped, "fixes": []}).encode()
    report = "pip-audit-json=pip-audit.json"
    assert bare.replay("security", report, data, tool="pip-audit", fresh=True).code == 0


def check(bare: Gates, tmp_path: Path, *argv: str, policy: str = POLICY) -> Ran:
    path = tmp_path / "policy.toml"
    path.write_text(policy)
    return bare("check", "--root", str(bare.root), "--config", str(path), *argv)


def test_every_skipped_package_is_one_line_and_still_blocks(bare: Gates, tmp_path: Path) -> None:
    offline(bare)
    ran = check(bare, tmp_path, "--format", "json")
    assert ran.code == 3
    gate = ran.verdict().gate("dependencies")
    assert gate["status"] == "error"
    # the machine contract keeps one problem per package, for waivers and tools
    assert [(p["slug"], p["subject"]) for p in gate["problems"]] == [
        ("audit-incomplete", "requests"),
        ("audit-incomplete", "py"),
        ("audit-incomplete", "idna"),
        ("audit-incomplete", "acme-internal-lib"),
        ("no-packages-audited", "pip-audit"),
    ]
    assert gate["reason"] == (
        f".gates/security/pip-audit.json: not audited by pip-audit {REASON}: requests, py, idna "
        "and 1 more (4 in all) (+1 more)"
    )


def test_the_terminal_and_markdown_say_it_in_one_paragraph(bare: Gates, tmp_path: Path) -> None:
    offline(bare, packages=30)
    terminal = check(bare, tmp_path)
    markdown = check(bare, tmp_path, "--format", "markdown")
    assert terminal.code == markdown.code == 3
    text = " ".join(terminal.out.split())  # the terminal wraps lines; Markdown does not
    names = "pkg-00, pkg-01, pkg-02, pkg-03, pkg-04 and 25 more (30 in all)"
    read = html.unescape(markdown.out).replace("\\[", "[").replace("\\]", "]")
    for out in (text, read):
        assert out.count("[audit-incomplete]") == 1, out
        assert f"not audited by pip-audit {REASON}: {names}" in out
        assert "rerun the security stage with network access" in out
        assert 'evidence = "pip-audit:audit-incomplete:<package>"' in out
        assert out.count("[no-packages-audited]") == 1
        assert "pkg-05" not in out  # a few names, not thirty
    assert len(re.findall(r"^- \*\*Problem:\*\*", markdown.out, re.MULTILINE)) == 2
    assert "packages audited 0 · packages skipped 30" in text


def test_a_package_waiver_covers_that_package_only(bare: Gates, tmp_path: Path) -> None:
    offline(bare)
    waiver = f'[[waiver]]\nevidence = "pip-audit:audit-incomplete:acme-internal-lib"\n{WAIVER}'
    ran = check(bare, tmp_path, "--format", "json", policy=f"{POLICY}\n{waiver}")
    assert ran.code == 3
    gate = ran.verdict().gate("dependencies")
    subjects = [p["subject"] for p in gate["problems"] if p["slug"] == "audit-incomplete"]
    assert subjects == ["requests", "py", "idna"]
    assert gate["reason"].startswith(
        f".gates/security/pip-audit.json: not audited by pip-audit {REASON}: requests, py, idna "
        "(+1 more)"
    )


def test_the_waivers_of_an_offline_machine_still_accept_it(bare: Gates, tmp_path: Path) -> None:
    offline(bare, packages=30)
    own = (Path(__file__).resolve().parents[2] / "gates.toml").read_text()
    waivers = own[own.index("[[waiver]]") :]  # this repository's own, unchanged
    ran = check(
        bare, tmp_path, "--format", "json", "--today", "2027-01-01", policy=f"{POLICY}\n{waivers}"
    )
    assert ran.code == 0, ran.out
    gate = ran.verdict().gate("dependencies")
    assert gate["status"] == "waived"
    assert gate["reason"].startswith(
        "not run or incomplete, waived (evidence pip-audit:audit-incomplete"
    )
    assert gate["problems"] == []
