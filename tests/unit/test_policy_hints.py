"""Did you mean ...? The hints of policy errors, and a policy's names against the evidence."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest

from gates import nox as gates_nox
from gates.catalog.stages import STAGES
from gates.errors import PolicyError
from gates.policy.hints import closest, suggest
from gates.policy.load import GateSpec, parse_policy
from gates.policy.names import check_names


def gates(text: str) -> tuple[GateSpec, ...]:
    return parse_policy(tomllib.loads(text)).gates


def stage_gate(stage: str, *, on_missing: str = "block") -> tuple[GateSpec, ...]:
    return gates(
        f'[gate.cov]\nmetric = "coverage.percent"\nstage = "{stage}"\nmin = 90\n'
        f'on-missing = "{on_missing}"\n'
    )


def tool_gate(tool: str) -> tuple[GateSpec, ...]:
    return gates(f'[gate.lint]\nmetric = "findings"\ntool = "{tool}"\nmax = 0\n')


def check_error(specs: tuple[GateSpec, ...], stages: list[str], tools: set[str]) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        check_names(specs, stages=stages, tools=tools, folder=".gates")
    return caught.value


def test_the_standard_stages_are_the_recipes() -> None:
    assert gates_nox.STAGES == STAGES


@pytest.mark.parametrize(
    ("word", "choices", "expected"),
    [
        ("minn", ["min", "max"], "min"),
        ("UNIT", ["unit", "lint"], "unit"),  # without case
        ("tests", ["reports", "base", "max-report-mb"], None),  # half a match is no suggestion
        ("x", [], None),
    ],
)
def test_closest_suggests_only_a_plausible_name(
    word: str, choices: list[str], expected: str | None
) -> None:
    assert closest(word, choices) == expected


def test_suggest_lists_the_valid_names_when_none_is_close() -> None:
    assert suggest("minn", ["max", "min"]) == "did you mean `min`?"
    assert suggest("speed", ["max", "min"]) == "valid: `max`, `min`"


# ---------------------------------------------------------------- stages against the evidence


@pytest.mark.parametrize("on_missing", ["block", "warn"])
def test_a_stage_that_reads_like_a_typo_is_a_policy_error(on_missing: str) -> None:
    error = check_error(stage_gate("units", on_missing=on_missing), ["lint", "unit"], set())
    assert error.key == "gate.cov.stage"
    assert error.exit_code == 2
    assert error.slug == "policy-unknown-stage"
    assert "no stage is named 'units': .gates/ holds `lint`, `unit`" in error.message
    assert "the standard stages are `lint`, `type`, `unit`," in error.message
    assert error.hint.startswith("did you mean `unit`?")


def test_a_typo_of_a_standard_stage_is_caught_before_any_stage_ran() -> None:
    error = check_error(stage_gate("integrations"), [], set())
    assert ".gates/ holds no stage" in error.message
    assert error.hint.startswith("did you mean `integration`?")


def test_a_typo_of_a_stage_of_ones_own_is_caught() -> None:
    error = check_error(stage_gate("hostle"), ["hostile"], set())
    assert error.hint.startswith("did you mean `hostile`?")


@pytest.mark.parametrize(
    ("stage", "folders"),
    [
        ("unit", []),  # a standard stage not run: missing evidence, judged by on-missing
        ("units", ["units", "unit"]),  # a stage of one's own that ran
        ("unit-fast", ["unit"]),  # not a near miss: missing evidence, if absent
        ("e2e", ["unit"]),
    ],
)
def test_a_stage_that_exists_or_reads_like_no_other_is_not_a_policy_error(
    stage: str, folders: list[str]
) -> None:
    check_names(stage_gate(stage), stages=folders, tools=set(), folder=".gates")


# ---------------------------------------------------------------- tools against the evidence


def test_a_tool_that_reads_like_a_recorded_one_is_a_policy_error() -> None:
    error = check_error(tool_gate("opengrepp"), ["lint"], {"opengrep", "ruff"})
    assert error.key == "gate.lint.tool"
    assert error.slug == "policy-unknown-tool"
    assert "no evidence comes from a tool named 'opengrepp'" in error.message
    assert "the stages recorded `opengrep`, `ruff`" in error.message
    assert error.hint == "did you mean `opengrep`?"


@pytest.mark.parametrize(
    ("tool", "recorded"),
    [
        ("opengrep", {"opengrep"}),
        ("flake8", {"ruff"}),  # like nothing recorded: missing evidence, with how to record it
        ("bandit", set()),  # a tool gates knows, not run: missing evidence
    ],
)
def test_a_recorded_or_unlike_tool_is_not_a_policy_error(tool: str, recorded: set[str]) -> None:
    check_names(tool_gate(tool), stages=["lint"], tools=recorded, folder=".gates")


def test_a_path_glob_that_matches_no_file_is_a_policy_error() -> None:
    """jmespath: `path = "jmespth/**"` on a mypy gate hid its two errors behind a pass."""
    [gate] = parse_policy(
        tomllib.loads(
            '[gate.types]\nmetric = "findings"\ntool = "mypy"\npath = "jmespth/**"\nmax = 0\n'
        )
    ).gates
    files = ["jmespath/parser.py", "jmespath/lexer.py", "tests/test_parser.py", "setup.py"]
    with pytest.raises(PolicyError) as caught:
        check_names([gate], stages=[], tools=[], folder=".gates", files=files)
    assert caught.value.slug == "policy-unknown-path"
    assert caught.value.key == "gate.types.path"
    assert "did you mean `jmespath/…`?" in caught.value.hint
    check_names([gate], stages=[], tools=[], folder=".gates", files=None)  # unknown: no check
    fixed = dataclasses.replace(gate, paths=("jmespath/*", "nowhere/*", "*.py"))
    with pytest.raises(PolicyError):  # every glob must match: each is a filter of its own
        check_names([fixed], stages=[], tools=[], folder=".gates", files=files)
    matching = dataclasses.replace(gate, paths=("jmespath/*", "*.py"))
    check_names([matching], stages=[], tools=[], folder=".gates", files=files)
