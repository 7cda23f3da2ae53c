"""gates.toml -> Policy: the vocabulary, the domains, and errors naming the key path."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import jsonschema
import pytest

from gates.catalog.metrics import METRICS
from gates.errors import PolicyError
from gates.model.reports import Severity
from gates.policy.load import load_policy, parse_policy
from gates.policy.schema import json_schema
from gates.policy.settings import Budget, glob_match

SCHEMA_FILE = Path(__file__).parents[2] / "gates" / "data" / "gates.schema.json"

FULL = """
[gates]
reports = ".gates"
base = "origin/main"
max-report-mb = 64

[gate.unit-coverage]
metric = "coverage.percent"
stage = "unit"
min = 90

[gate.combined-coverage]
metric = "coverage.percent"
stage = ["unit", "integration"]
min = 85
level = "warn"

[gate.patch-coverage]
metric = "coverage.patch_percent"
min = 90
on-missing = "warn"

[gate.tests]
metric = "tests.failed"
max = 0

[gate.security]
metric = "findings"
tool = ["bandit", "pip-audit"]
severity = "high"
rule = "B*"
path = ["src/**"]
max = 0
description = "no high findings"

[gate.benchmarks]
metric = "benchmark.regressions"
slowdown = "7.5%"
max = 0

[[waiver]]
finding = "pip-audit:GHSA-xxxx-xxxx-xxxx"
owner = "alice"
reason = "not reachable"
expires = 2027-01-31

[[waiver]]
evidence = "pip-audit:audit-incomplete"
owner = "bob"
reason = "offline build machine"
expires = 2027-02-01

[[waiver]]
gate = "tests"
owner = "carol"
reason = "flaky infra"
expires = 2026-12-01
"""


def parse(text: str) -> object:
    return parse_policy(tomllib.loads(text))


def error_of(text: str) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        parse(text)
    return caught.value


def test_full_policy_is_typed() -> None:
    policy = parse_policy(tomllib.loads(FULL))
    assert policy.settings.max_report_mb == 64
    assert policy.settings.budget == Budget(report_seconds=60, evidence_seconds=600, memory_mb=4096)
    names = [gate.name for gate in policy.gates]
    assert names == [
        "unit-coverage",
        "combined-coverage",
        "patch-coverage",
        "tests",
        "security",
        "benchmarks",
    ]
    combined = policy.gates[1]
    assert combined.stages == ("unit", "integration")
    assert combined.level == "warn"
    assert combined.bound == ">= 85"
    security = policy.gates[4]
    assert security.tools == ("bandit", "pip-audit")
    assert security.severity is Severity.HIGH
    assert security.rules == ("B*",)
    assert security.paths == ("src/**",)
    assert policy.gates[2].on_missing == "warn"
    assert policy.gates[5].slowdown == pytest.approx(0.075)
    assert [w.kind for w in policy.waivers] == ["finding", "evidence", "gate"]
    assert policy.waivers[0].expires == dt.date(2027, 1, 31)


@pytest.mark.parametrize(
    ("text", "key", "hint"),
    [
        ('[gate.a]\nmetric = "coverage.percnt"\nmin = 1', "gate.a.metric", "coverage.percent"),
        ('[gate.a]\nmetric = "coverage.percent"\nminn = 1\nmin = 1', "gate.a.minn", "min"),
        (
            '[gates]\nreport = "x"\n[gate.a]\nmetric = "findings"\nmax = 0',
            "gates.report",
            "reports",
        ),
        ('[gate.a]\nmetric = "findings"\nmax = 0\nlevel = "warning"', "gate.a.level", "warn"),
        ('[gate.a]\nmetric = "findings"\nmax = 0\nseverity = "hihg"', "gate.a.severity", "high"),
    ],
)
def test_unknown_names_suggest_the_closest(text: str, key: str, hint: str) -> None:
    error = error_of(text)
    assert error.key == key
    assert f"`{hint}`" in error.hint
    assert error.exit_code == 2


A = '[gate.a]\nmetric = "findings"\nmax = 0\n'
W = 'owner = "o"\nreason = "r"\nexpires = 2030-01-01\n'
UNIT = '[gate.unit-coverage]\nmetric = "coverage.percent"\nmin = 1\n'


@pytest.mark.parametrize(
    ("text", "key", "message", "hint"),
    [
        # a table in the wrong place: the table that was meant, never a near-miss key
        (
            '[gates.tests]\nmetric = "tests.failed"\nmax = 0\n',
            "gates.tests",
            "not a known key",
            "did you mean [gate.tests]?",
        ),
        (
            '[gate]\nbase = "origin/main"\n',
            "gate.base",
            "should be a table",
            "`base` is a setting: did you mean [gates]",
        ),
        (
            '[gate]\nmetric = "findings"\nmax = 0\n',
            "gate.metric",
            "should be a table",
            "name the gate, [gate.<name>]",
        ),
        (f"[gatess]\n{A}", "gatess", "not a known key", "did you mean [gates]?"),
        (
            f'{A}[[waivers]]\ngate = "a"\n{W}',
            "waivers",
            "not a known key",
            "did you mean [[waiver]]?",
        ),
        (
            f'{A}[waiver]\ngate = "a"\n{W}',
            "waiver",
            "array of tables",
            "write [[waiver]], with double brackets",
        ),
        (
            '[[gate]]\nmetric = "findings"\nmax = 0\n',
            "gate",
            "should be a table",
            "not an array of tables [[gate]]",
        ),
        (
            '[tests]\nmetric = "tests.failed"\nmax = 0\n',
            "tests",
            "not a known key",
            "did you mean [gate.tests]?",
        ),
        (f'base = "main"\n{A}', "base", "not a known key", "put it under [gates]"),
        (
            '[gate.unit.coverage]\nmetric = "coverage.percent"\nmin = 1\n',
            "gate.unit.coverage",
            "not a known key",
            'did you mean [gate."unit.coverage"]?',
        ),
        (
            f'[gates]\nmetric = "findings"\n{A}',
            "gates.metric",
            "not a known key",
            "did you mean a gate's table, [gate.<name>]?",
        ),
        (
            '[gate.a]\nmetric = "findings"\nmax = 0\nbase = "main"\n',
            "gate.a.base",
            "not a known key",
            "`base` is a setting: put it under [gates]",
        ),
        (
            f'{A}[[waiver]]\ngate = "a"\nmetric = "findings"\n{W}',
            "waiver[0].metric",
            "not a known key",
            "does not belong in a waiver",
        ),
        # values: what was meant
        (
            '[gate.a]\nmetric = "coverage"\nmin = 90\n',
            "gate.a.metric",
            "not a known metric",
            "did you mean `coverage.percent`? (the coverage metrics: `coverage.branch_percent`",
        ),
        (
            '[gate.a]\nmetric = "tests"\nmax = 0\n',
            "gate.a.metric",
            "not a known metric",
            "the tests metrics: `tests.duration_delta`, `tests.failed`, `tests.flaky`",
        ),
        (
            '[gate.a]\nmetric = "findings"\nmax = 0\nseverity = "HIGH"\n',
            "gate.a.severity",
            "found 'HIGH'",
            "severities are lower case: did you mean `high`?",
        ),
        (
            '[gate.a]\nmetric = "findings"\nmax = 0\nseverity = "warning"\n',
            "gate.a.severity",
            "should be one of critical, high, medium, low, info",
            "did you mean `medium`?",
        ),
        (
            '[gate.a]\nmetric = "coverage.percent"\nmin = "90%"\n',
            "gate.a.min",
            "should be a number, found a string",
            "did you mean min = 90? A bound is a number",
        ),
        (
            '[gate.a]\nmetric = "findings"\nmax = "0"\n',
            "gate.a.max",
            "should be a number",
            "did you mean max = 0?",
        ),
        (
            '[gate.a]\nmetric = "benchmark.regressions"\nmax = 0\nslowdown = 5\n',
            "gate.a.slowdown",
            "percentage",
            'did you mean slowdown = "5%"?',
        ),
        (
            '[gate.a]\nmetric = "benchmark.regressions"\nmax = 0\nslowdown = 0.05\n',
            "gate.a.slowdown",
            "percentage",
            'did you mean slowdown = "5%"?',
        ),
        (
            '[gate.a]\nmetric = "findings"\nmax = 0\nlevel = "WARN"\n',
            "gate.a.level",
            "should be one of",
            "did you mean `warn`?",
        ),
        # the names of tools and stages
        (
            '[gate.a]\nmetric = "findings"\nmax = 0\ntool = "rufff"\n',
            "gate.a.tool",
            "not a tool gates knows",
            "did you mean `ruff`?",
        ),
        (
            '[gate.a]\nmetric = "findings"\nmax = 0\ntool = ["bandit", "pip_audit"]\n',
            "gate.a.tool",
            "'pip_audit' is not a tool gates knows",
            "did you mean `pip-audit`?",
        ),
        (
            '[gate.a]\nmetric = "findings"\nmax = 0\ntool = "Ruff"\n',
            "gate.a.tool",
            "not a tool gates knows",
            "did you mean `ruff`?",
        ),
        (
            '[gate.a]\nmetric = "findings"\nmax = 0\ntool = "pytest"\n',
            "gate.a.tool",
            "'pytest' records coverage and tests, not findings",
            "tools with findings: `actionlint`",
        ),
        (
            '[gate.a]\nmetric = "coverage.percent"\nmin = 1\ntool = "coverage"\n',
            "gate.a.tool",
            "does not apply to metric 'coverage.percent'",
            "chooses its evidence with `stage`",
        ),
        (
            '[gate.a]\nmetric = "coverage.percent"\nmin = 1\nstage = ".gates/unit"\n',
            "gate.a.stage",
            "not a stage folder name",
            "did you mean `unit`?",
        ),
        (
            '[gate.a]\nmetric = "coverage.percent"\nmin = 1\nstage = "tests/unit/"\n',
            "gate.a.stage",
            "not a stage folder name",
            "did you mean `unit`?",
        ),
        # waivers
        (
            f'{A}[[waiver]]\nfinding = "GHSA-xxxx-xxxx-xxxx"\n{W}',
            "waiver[0].finding",
            "should read tool:rule",
            'did you mean finding = "pip-audit:GHSA-xxxx-xxxx-xxxx"?',
        ),
        (
            f'{A}[[waiver]]\nfinding = "B101"\n{W}',
            "waiver[0].finding",
            "tool:rule",
            'did you mean finding = "bandit:B101"?',
        ),
        (
            f'{A}[[waiver]]\ngate = "a"\nowner = "o"\nreason = "r"\nexpires = "2030-01-31"\n',
            "waiver[0].expires",
            "TOML date",
            "remove the quotes: expires = 2030-01-31",
        ),
        (
            f'{UNIT}[[waiver]]\ngate = "unit-covrage"\n{W}',
            "waiver[0].gate",
            "not defined",
            "did you mean `unit-coverage`?",
        ),
    ],
)
def test_a_mistake_is_named_with_what_was_meant(
    text: str, key: str, message: str, hint: str
) -> None:
    error = error_of(text)
    assert error.key == key
    assert message in error.message
    assert hint in error.hint
    assert error.exit_code == 2


@pytest.mark.parametrize(
    ("text", "key", "not_hinted"),
    [
        # "tests" is half of "reports": a suggestion that far off misleads, so list the keys
        (
            '[gates]\ntests = 1\n[gate.a]\nmetric = "findings"\nmax = 0\n',
            "gates.tests",
            "reports`?",
        ),
        ('[gate.a]\nmetric = "findings"\nmax = 0\nthreshold = 1\n', "gate.a.threshold", "?"),
        ('[gate.a]\nmetric = "findings"\nmax = 0\nseverity = "bad"\n', "gate.a.severity", "?"),
        ('[gate.a]\nmetric = "speed"\nmax = 0\n', "gate.a.metric", "?"),
    ],
)
def test_an_implausible_name_gets_the_valid_ones_not_a_guess(
    text: str, key: str, not_hinted: str
) -> None:
    error = error_of(text)
    assert error.key == key
    assert not_hinted not in error.hint
    assert error.hint.startswith(("valid: ", "gates' scale is "))


@pytest.mark.parametrize("tool", ["semgrep", "codeql", "flake8", "mypy-strict", "ruff-format"])
def test_a_tool_gates_does_not_know_is_not_a_policy_error(tool: str) -> None:
    policy = parse_policy(tomllib.loads(f'{A}tool = "{tool}"\n'))
    assert policy.gates[0].tools == (tool,)  # a SARIF scanner's name: checked against evidence


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ('[gate.a]\nmetric = "coverage.percent"\nmin = 120', "gate.a.min", "outside the domain"),
        ('[gate.a]\nmetric = "coverage.percent"\nmin = -1', "gate.a.min", "outside the domain"),
        ('[gate.a]\nmetric = "findings"\nmax = -1', "gate.a.max", "outside the domain"),
        ('[gate.a]\nmetric = "findings"\nmax = 0.5', "gate.a.max", "whole number"),
        ('[gate.a]\nmetric = "findings"\nmax = nan', "gate.a.max", "should be a number"),
        ('[gate.a]\nmetric = "findings"\nmax = "0"', "gate.a.max", "should be a number"),
        ('[gate.a]\nmetric = "findings"\nmax = true', "gate.a.max", "should be a number"),
        ('[gate.a]\nmetric = "findings"', "gate.a", "no bound"),
        ('[gate.a]\nmetric = "coverage.percent"\nmin = 90\nmax = 80', "gate.a", "above max"),
        ("[gate.a]\nmin = 1", "gate.a.metric", "required"),
        (
            '[gate.a]\nmetric = "coverage.percent"\nmin = 1\ntool = "ruff"',
            "gate.a.tool",
            "does not apply",
        ),
        (
            '[gate.a]\nmetric = "findings"\nmax = 0\nslowdown = "5%"',
            "gate.a.slowdown",
            "does not apply",
        ),
        (
            '[gate.a]\nmetric = "benchmark.regressions"\nmax = 0\nslowdown = "5"',
            "gate.a.slowdown",
            "percentage",
        ),
        (
            '[gate.a]\nmetric = "benchmark.regressions"\nmax = 0\nslowdown = "0%"',
            "gate.a.slowdown",
            "outside",
        ),
        ('[gate.a]\nmetric = "findings"\nmax = 0\nstage = []', "gate.a.stage", "non-empty"),
        ('[gate.a]\nmetric = "findings"\nmax = 0\nstage = "../x"', "gate.a.stage", "stage folder"),
        (
            '[gates]\nreports = "/tmp"\n[gate.a]\nmetric = "findings"\nmax = 0',
            "gates.reports",
            "inside",
        ),
        (
            '[gates]\nmax-report-mb = 0\n[gate.a]\nmetric = "findings"\nmax = 0',
            "gates.max-report-mb",
            "1 to 4096",
        ),
        (
            '[gates]\nmax-report-seconds = 0\n[gate.a]\nmetric = "findings"\nmax = 0',
            "gates.max-report-seconds",
            "1 to 3600 (CPU seconds)",
        ),
        (
            '[gates]\nmax-evidence-seconds = 1.5\n[gate.a]\nmetric = "findings"\nmax = 0',
            "gates.max-evidence-seconds",
            "1 to 86400 (CPU seconds)",
        ),
        (
            '[gates]\nmax-memory-mb = 32\n[gate.a]\nmetric = "findings"\nmax = 0',
            "gates.max-memory-mb",
            "64 to 1048576 (MiB)",
        ),
        (
            '[gates]\nbase = "--output=x"\n[gate.a]\nmetric = "findings"\nmax = 0',
            "gates.base",
            "a git ref",
        ),
        (
            '[gates]\nbase = "origin/main x"\n[gate.a]\nmetric = "findings"\nmax = 0',
            "gates.base",
            "a git ref",
        ),
        ("[gates]\n", "gate", "no gates"),
        ("gate = 1", "gate", "should be a table"),
        ('[gate."a b"]\nmetric = "findings"\nmax = 0', "gate.a b", "gate names"),
    ],
)
def test_invalid_values_name_the_key(text: str, key: str, words: str) -> None:
    error = error_of(text)
    assert error.key == key
    assert words in error.message


GATE = '[gate.a]\nmetric = "findings"\nmax = 0\n'


@pytest.mark.parametrize(
    ("waiver", "key", "words"),
    [
        (
            'finding = "ruff:E501"\nreason = "r"\nexpires = 2030-01-01',
            "waiver[0].owner",
            "required",
        ),
        (
            'finding = "ruff:E501"\nowner = "o"\nexpires = 2030-01-01',
            "waiver[0].reason",
            "required",
        ),
        ('finding = "ruff:E501"\nowner = "o"\nreason = "r"', "waiver[0].expires", "required"),
        (
            'finding = "ruff:E501"\nowner = "o"\nreason = "r"\nexpires = "2030-01-01"',
            "waiver[0].expires",
            "TOML date",
        ),
        (
            'finding = "ruff:E501"\nowner = "o"\nreason = "r"\nexpires = 2030-01-01T00:00:00',
            "waiver[0].expires",
            "TOML date",
        ),
        ('owner = "o"\nreason = "r"\nexpires = 2030-01-01', "waiver[0]", "exactly one"),
        (
            'finding = "E501"\nowner = "o"\nreason = "r"\nexpires = 2030-01-01',
            "waiver[0].finding",
            "tool:rule",
        ),
        (
            'gate = "nope"\nowner = "o"\nreason = "r"\nexpires = 2030-01-01',
            "waiver[0].gate",
            "not defined",
        ),
        (
            'gate = "a"\npath = "x"\nowner = "o"\nreason = "r"\nexpires = 2030-01-01',
            "waiver[0].path",
            "finding",
        ),
        (
            'gate = "a"\nowner = "  "\nreason = "r"\nexpires = 2030-01-01',
            "waiver[0].owner",
            "non-empty",
        ),
        (
            'gate = "a"\nowner = "o"\nreason = "r"\nexpires = 2030-01-01\nuntil = 1',
            "waiver[0].until",
            "known key",
        ),
    ],
)
def test_waivers_need_owner_reason_expiry(waiver: str, key: str, words: str) -> None:
    error = error_of(f"{GATE}[[waiver]]\n{waiver}\n")
    assert error.key == key
    assert words in error.message


def test_load_policy_reports_missing_file_and_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="does not exist") as missing:
        load_policy(tmp_path / "gates.toml")
    assert "gates init" in missing.value.hint
    bad = tmp_path / "bad.toml"
    bad.write_text("[gate.a\n")
    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(bad)
    binary = tmp_path / "bin.toml"
    binary.write_bytes(b"\xff\xfe")
    with pytest.raises(PolicyError, match="not UTF-8"):
        load_policy(binary)


def test_shipped_schema_is_generated_from_the_vocabulary() -> None:
    shipped = json.loads(SCHEMA_FILE.read_text())
    assert shipped == json_schema(), "run `gates schema > gates/data/gates.schema.json`"


def test_schema_accepts_valid_and_rejects_invalid_policies() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    document = tomllib.loads(FULL)
    for waiver in document["waiver"]:
        waiver["expires"] = waiver["expires"].isoformat()  # TOML dates are strings to JSON tools
    assert list(validator.iter_errors(document)) == []
    assert list(validator.iter_errors({"gate": {"a": {"metric": "coverage.percnt", "min": 1}}}))
    assert list(validator.iter_errors({"gate": {"a": {"metric": "findings"}}}))  # no bound
    assert list(validator.iter_errors({"gate": {"a": {"metric": "findings", "max": 0, "typo": 1}}}))


def test_every_metric_is_in_the_schema() -> None:
    gate = json_schema()["$defs"]["gate"]  # type: ignore[index]
    assert gate["properties"]["metric"]["enum"] == sorted(METRICS)


_ONE_GATE = '\n[gate.lint]\nmetric = "findings"\nmax = 0\n'


def test_unaffected_globs_are_read() -> None:
    policy = parse_policy(tomllib.loads('[gates]\nunaffected = ["*.md", "docs/"]\n' + _ONE_GATE))
    assert policy.settings.unaffected == ("*.md", "docs/")
    assert parse_policy(tomllib.loads(_ONE_GATE)).settings.unaffected == ()


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ('"*.md"', "should be an array of globs"),
        ('[""]', "should be an array of globs"),
        ("[1]", "should be an array of globs"),
        ('["*"]', "matches every Python file"),
        ('["**"]', "matches every Python file"),
        ('["*.py"]', "matches every Python file"),
        ('["**/*"]', "matches every Python file"),
        ('[":(top)x"]', "no `:`/`!` prefix"),
        ('["!docs/"]', "no `:`/`!` prefix"),
        ('["../elsewhere"]', "no `..`"),
        ('["docs/\\u0007"]', "control character"),
    ],
)
def test_unaffected_globs_that_cannot_be_are_refused(value: str, words: str) -> None:
    error = error_of(f"[gates]\nunaffected = {value}\n" + _ONE_GATE)
    assert error.key == "gates.unaffected"
    assert words in error.message


@pytest.mark.parametrize(
    ("pattern", "path", "matched"),
    [
        ("*.md", "README.md", True),
        ("*.md", "docs/deep/a.md", True),
        ("docs/", "docs/a/b.py", True),
        ("docs/", "src/docs/x.txt", True),
        ("/README.md", "README.md", True),
        ("/README.md", "sub/README.md", False),
        ("docs/*.rst", "docs/a/b.rst", False),
        ("docs/**/*.rst", "docs/a/b.rst", True),
        ("src/", "setup.py", False),
    ],
)
def test_glob_match_reads_globs_as_git_does(pattern: str, path: str, matched: bool) -> None:
    assert glob_match(pattern, path) is matched


_WAIVER = {"finding": '"ruff:E501"', "owner": '"me"', "reason": '"r"', "expires": "2027-01-31"}


@pytest.mark.parametrize("bad", ["\\n", "\\u0000", "\\r", "\\u001b", "\\t", "\\u0085"])
@pytest.mark.parametrize(
    ("table", "key", "value"),
    [
        ("gates", "reports", '".gates{}path=/abs"'),
        ("gates", "base", '"origin/main{}x"'),
        ("gate.a", "tool", '"ruff{}"'),
        ("gate.a", "rule", '["E5{}*"]'),
        ("gate.a", "path", '"src/{}**"'),
        ("waiver[0]", "owner", '"me{}"'),
        ("waiver[0]", "finding", '"ruff:E{}501"'),
    ],
)
def test_a_control_character_in_a_setting_or_name_is_refused(
    table: str, key: str, value: str, bad: str
) -> None:
    """`reports = ".gates\\npath=/abs"` passed the loader, and forged a line of $GITHUB_OUTPUT."""
    line = f"{key} = {value.format(bad)}\n"  # `bad` is a TOML escape
    if table == "gates":
        text = "[gates]\n" + line + GATE
    elif table == "gate.a":
        text = GATE + line
    else:
        fields = {**_WAIVER, key: value.format(bad)}
        text = GATE + "[[waiver]]\n" + "".join(f"{k} = {v}\n" for k, v in fields.items())
    error = error_of(text)
    assert error.key == f"{table}.{key}"
    assert "control character" in error.message


def test_free_text_may_break_lines_but_holds_no_other_control() -> None:
    policy = parse_policy(tomllib.loads(GATE + 'description = """two\nlines\tand a tab"""\n'))
    assert policy.gates[0].description == "two\nlines\tand a tab"
    error = error_of(GATE + 'description = "bell\\u0007"\n')
    assert (error.key, "U+0007" in error.message) == ("gate.a.description", True)


def test_the_budget_of_reading_is_read_from_gates() -> None:
    text = "[gates]\nmax-report-seconds = 5\nmax-evidence-seconds = 50\nmax-memory-mb = 512\n"
    settings = parse_policy(tomllib.loads(text + GATE)).settings
    assert settings.budget == Budget(report_seconds=5, evidence_seconds=50, memory_mb=512)
