"""The easy mistakes in a gates.toml, through the real command line: exit 2, never a traceback.

Each policy is one mistake in an otherwise valid file; ``gates check`` must
name the file and the key path, say what is wrong, and suggest what was meant
only when that is plausible. The stage and tool names are checked against the
evidence there, so those cases record a stage first.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.conftest import ASSETS, Gates, Ran

LINT = '[gate.lint]\nmetric = "findings"\ntool = "ruff"\nmax = 0\n'
WAIVER = 'owner = "o"\nreason = "r"\nexpires = 2030-01-31\n'
JUNIT = (
    b'<testsuites><testsuite name="s" tests="1"><testcase classname="t" name="a"/>'
    b"</testsuite></testsuites>\n"
)


def policy_error(ran: Ran, path: Path, *words: str) -> None:
    """Exit 2; one "policy error" naming ``path`` and ``words``, a next step, no traceback."""
    assert ran.code == 2, ran.out + ran.err
    assert ran.out == ""
    assert ran.err.startswith(f"policy error: {path}: "), ran.err
    assert "\n  next: " in ran.err
    assert "Traceback" not in ran.err
    for word in words:
        assert word in ran.err, ran.err


def check(bare: Gates, tmp_path: Path, text: str) -> tuple[Ran, Path]:
    path = tmp_path / "policy.toml"  # outside the project: its evidence stays fresh
    path.write_text(text)
    return bare.check(config=path), path


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            '[gates.tests]\nmetric = "tests.failed"\nmax = 0\n',
            ["gates.tests: is not a known key", "next: did you mean [gate.tests]?"],
        ),
        (
            f'[gate]\nbase = "main"\n{LINT}',
            ["gate.base: should be a table", "`base` is a setting: did you mean [gates]"],
        ),
        (
            f'{LINT}[[waivers]]\ngate = "lint"\n{WAIVER}',
            ["waivers: is not a known key", "next: did you mean [[waiver]]?"],
        ),
        (
            '[gate.cov]\nmetric = "coverage"\nmin = 90\n',
            ["gate.cov.metric: 'coverage' is not a known metric", "`coverage.percent`"],
        ),
        (
            LINT.replace("max = 0", 'max = 0\nseverity = "HIGH"'),
            ["gate.lint.severity:", "found 'HIGH'", "lower case: did you mean `high`?"],
        ),
        (
            '[gate.cov]\nmetric = "coverage.percent"\nmin = "90%"\n',
            ["gate.cov.min: should be a number, found a string", "did you mean min = 90?"],
        ),
        (LINT.replace('"ruff"', '"rufff"'), ["gate.lint.tool: 'rufff'", "did you mean `ruff`?"]),
        (
            '[gate.cov]\nmetric = "coverage.percent"\nmin = 90\nstage = ".gates/unit"\n',
            ["gate.cov.stage: '.gates/unit' is not a stage folder name", "did you mean `unit`?"],
        ),
        (
            '[gate.cov]\nmetric = "coverage.percent"\nmin = 90\ntool = "coverage"\n',
            ["gate.cov.tool: does not apply", "chooses its evidence with `stage`"],
        ),
        (
            f'{LINT}[[waiver]]\nfinding = "GHSA-j8r2-6x86-q33q"\n{WAIVER}',
            ["waiver[0].finding", 'did you mean finding = "pip-audit:GHSA-j8r2-6x86-q33q"?'],
        ),
    ],
)
def test_a_policy_mistake_names_the_key_and_what_was_meant(
    bare: Gates, tmp_path: Path, text: str, words: list[str]
) -> None:
    ran, path = check(bare, tmp_path, text)
    policy_error(ran, path, *words)


def test_a_stage_typo_names_the_stages_that_exist(bare: Gates, tmp_path: Path) -> None:
    assert bare.replay("unit", "junit-xml=junit.xml", JUNIT, tool="pytest", fresh=True).code == 0
    text = '[gate.tests]\nmetric = "tests.failed"\nstage = "units"\nmax = 0\non-missing = "warn"\n'
    ran, path = check(bare, tmp_path, text)
    policy_error(
        ran,
        path,
        "gate.tests.stage: no stage is named 'units': .gates/ holds `unit`;",
        "the standard stages are `lint`, `type`, `unit`,",
        "next: did you mean `unit`?",
    )


def test_a_stage_of_ones_own_is_judged_once_it_ran(bare: Gates, tmp_path: Path) -> None:
    assert bare.replay("units", "junit-xml=junit.xml", JUNIT, tool="pytest", fresh=True).code == 0
    ran, _ = check(bare, tmp_path, '[gate.t]\nmetric = "tests.failed"\nstage = "units"\nmax = 0\n')
    assert ran.code == 0, ran.out + ran.err
    assert ran.verdict().gate("t")["status"] == "pass"


def test_a_typo_of_a_tool_gates_reads_is_a_policy_error_that_suggests_it(
    bare: Gates, tmp_path: Path
) -> None:
    ran, path = check(bare, tmp_path, LINT.replace('"ruff"', '"semgrepp"'))
    policy_error(
        ran,
        path,
        "gate.lint.tool: 'semgrepp' is not a tool gates knows",
        "next: did you mean `semgrep`?",
    )


def test_a_tool_typo_names_the_tools_recorded(bare: Gates, tmp_path: Path) -> None:
    # Opengrep, semgrep's fork, writes the same SARIF; gates does not read it natively,
    # so only the evidence on disk can tell a typo of its name.
    sarif = (ASSETS / "sarif" / "semgrep" / "1.185.0" / "findings.sarif").read_bytes()
    assert bare.replay("scan", "sarif=opengrep.sarif", sarif, tool="opengrep", fresh=True).code == 0
    ran, path = check(bare, tmp_path, LINT.replace('"ruff"', '"opengrepp"'))
    policy_error(
        ran,
        path,
        "gate.lint.tool: no evidence comes from a tool named 'opengrepp'",
        "the stages recorded `opengrep`",
        "next: did you mean `opengrep`?",
    )


def test_a_tool_gates_does_not_know_is_missing_evidence_that_says_how_to_record_it(
    bare: Gates, tmp_path: Path
) -> None:
    ran, _ = check(bare, tmp_path, LINT.replace('"ruff"', '"flake8"'))
    assert ran.code == 3, ran.out + ran.err
    problem = ran.verdict().problem("lint", "missing-evidence")
    assert problem["message"].startswith("holds no flake8 evidence")
    assert "gates does not know flake8" in problem["hint"]
    assert "--report sarif=FILE" in problem["hint"]


def test_a_stage_like_none_is_missing_evidence_that_lists_the_stages_there(
    bare: Gates, tmp_path: Path
) -> None:
    assert bare.replay("unit", "junit-xml=junit.xml", JUNIT, tool="pytest", fresh=True).code == 0
    ran, _ = check(bare, tmp_path, '[gate.t]\nmetric = "tests.failed"\nstage = "e2e"\nmax = 0\n')
    assert ran.code == 3, ran.out + ran.err
    problem = ran.verdict().problem("t", "missing-evidence")
    assert problem["message"].endswith("does not exist (.gates/ holds unit)")
    assert problem["hint"] == (
        "run the stage: `nox -s e2e` (or, if no stage is named 'e2e', fix the gate's `stage`)"
    )
