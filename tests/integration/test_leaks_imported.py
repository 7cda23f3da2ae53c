"""A project's own gitleaks or TruffleHog report, recorded by ``gates run`` and judged.

Neither tool can be installed here, so a stand-in writes what each would for
the project: gitleaks' JSON report (the finding object of gitleaks 8.30.1's
own expected report, tests/assets/gitleaks/8.30.1/json_simple.json) and
TruffleHog's JSON lines (tests/assets/trufflehog/3.89.1/). It finds the
GitHub token by its prefix in the files under ``pkg/``. The verdict, the
manifest and the baseline never hold the token.
"""

from __future__ import annotations

import json
import sys

import pytest

from tests.integration.conftest import Gates, commit_all, git, step

TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"  # GitHub's documented fake format
SETTINGS = f'"""Settings."""\n\nGITHUB_TOKEN = "{TOKEN}"\nLOG_LEVEL = "INFO"\n'
DEPLOY = f'"""Deploy."""\n\n\ndef clone() -> str:\n    return "{TOKEN}"\n'

POLICY = """\
[gates]
base = "main"

[gate.secrets]
metric = "findings"
tool = "{tool}"
max = 0
new = true
"""

# The stand-in: `fake.py gitleaks|trufflehog [--exit-code N] [--report-path FILE]`.
FAKE = """\
import json, pathlib, sys

tool, args = sys.argv[1], sys.argv[2:]
found = []
for path in sorted(pathlib.Path("pkg").glob("*.py")):
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        start = line.find("ghp_")
        if start >= 0:
            found.append((str(path), number, line[start : start + 40], line.strip()))
if tool == "gitleaks":
    report = [
        {"RuleID": "github-pat", "Description": "Uncovered a GitHub Personal Access Token",
         "StartLine": n, "EndLine": n, "StartColumn": 1, "EndColumn": 40, "Match": match,
         "Secret": secret, "File": file, "SymlinkFile": "", "Commit": "", "Entropy": 4.8,
         "Author": "", "Email": "", "Date": "", "Message": "", "Tags": [],
         "Fingerprint": f"{file}:github-pat:{n}"}
        for file, n, secret, match in found
    ]
    pathlib.Path(args[args.index("--report-path") + 1]).write_text(json.dumps(report, indent=1))
    sys.exit(int(args[args.index("--exit-code") + 1]) if found else 0)
for file, n, secret, _ in found:
    print(json.dumps({
        "SourceMetadata": {"Data": {"Filesystem": {"file": file, "line": n}}}, "SourceID": 1,
        "SourceType": 15, "SourceName": "trufflehog - filesystem", "DetectorType": 8,
        "DetectorName": "Github", "DecoderName": "PLAIN", "Verified": False, "Raw": secret,
        "RawV2": "", "Redacted": "", "ExtraData": None, "StructuredData": None}))
sys.exit(183 if found and "--fail" in args else 0)
"""


def _scan(gates: Gates, tool: str, *, exit_code: str = "0") -> int:
    fake = [sys.executable, str(gates.root.parent / "fake.py"), tool]
    if tool == "gitleaks":
        command = [*fake, "dir", "pkg", "--report-format", "json"]
        command += ["--report-path", "{stage_dir}/gitleaks.json", "--exit-code", exit_code]
        options = ["--tool", "gitleaks", "--report", "gitleaks-json=gitleaks.json"]
    else:
        command = [*fake, "filesystem", "pkg", "--json", "--fail", "--no-update"]
        options = ["--tool", "trufflehog", "--stdout", "trufflehog-json=trufflehog.jsonl"]
    options += ["--tool-version", "8.30.1" if tool == "gitleaks" else "3.89.1"]
    [code] = gates.stage("security", [step(*options, command=command)])
    return code


def _accepted(gates: Gates, tool: str) -> Gates:
    root = gates.root
    (root.parent / "fake.py").write_text(FAKE)
    (root / "pkg" / "settings.py").write_text(SETTINGS)
    (root / "gates.toml").write_text(POLICY.format(tool=tool))
    commit_all(root, "settings")
    git(root, "branch", "-f", "main", "HEAD")
    assert _scan(gates, tool) == 0
    ran = gates("baseline", "--root", str(root), "--config", str(root / "gates.toml"))
    assert ran.code == 0, ran.err
    assert f"{tool} 1" in ran.out
    commit_all(root, "accept the token")
    return gates


@pytest.mark.parametrize("tool", ["gitleaks", "trufflehog"])
def test_a_baselined_leak_passes_and_a_second_copy_blocks(bare: Gates, tool: str) -> None:
    gates = _accepted(bare, tool)
    assert _scan(gates, tool) == 0
    passed = gates.check()
    assert passed.code == 0, passed.out
    assert passed.verdict().gate("secrets")["status"] == "pass"

    (gates.root / "pkg" / "deploy.py").write_text(DEPLOY)
    commit_all(gates.root, "deploy")
    assert _scan(gates, tool) == 0
    blocked = gates.check()
    assert blocked.code == 1, blocked.out
    offenders = blocked.verdict().gate("secrets")["offenders"]
    rule = "github-pat" if tool == "gitleaks" else "Github"
    assert [(o["label"], o["path"], o["line"]) for o in offenders] == [
        (f"{tool} {rule}", "pkg/deploy.py", 5)
    ]
    manifest = (gates.root / ".gates" / "security" / "manifest.json").read_text()
    baseline = (gates.root / "gates-baseline.json").read_text()
    assert TOKEN not in passed.out + blocked.out + blocked.err + baseline + manifest


def test_gitleaks_exit_1_is_not_trusted_since_it_also_means_a_partial_scan(bare: Gates) -> None:
    gates = _accepted(bare, "gitleaks")
    assert _scan(gates, "gitleaks", exit_code="1") != 0  # gitleaks' default --exit-code
    written = (gates.root / ".gates" / "security" / "gitleaks.json").read_text()
    assert [leak["RuleID"] for leak in json.loads(written)] == ["github-pat"]  # a full report
    ran = gates.check()
    assert ran.code == 3, ran.out
    assert "--exit-code 0" in ran.out
    assert TOKEN not in ran.out + ran.err


@pytest.mark.parametrize("tool", ["gitleaks", "trufflehog"])
def test_a_scan_that_finds_nothing_passes(bare: Gates, tool: str) -> None:
    (bare.root.parent / "fake.py").write_text(FAKE)
    (bare.root / "gates.toml").write_text(POLICY.format(tool=tool).replace("new = true\n", ""))
    commit_all(bare.root, "policy")
    assert _scan(bare, tool) == 0
    name, empty = ("gitleaks.json", "[]") if tool == "gitleaks" else ("trufflehog.jsonl", "")
    assert (bare.root / ".gates" / "security" / name).read_text().strip() == empty
    ran = bare.check()
    assert ran.code == 0, ran.out
    assert ran.verdict().gate("secrets")["observed"] == 0
