"""What the comment vouches for: the pipeline files, the judging policy, the composed comment."""

from __future__ import annotations

from dataclasses import replace
from typing import Final

import pytest

from gates.ci.github_pulls import Changes
from gates.ci.trust import (
    UNVERIFIED_HEADING,
    Facts,
    Provenance,
    compose,
    judging,
    pipeline_files,
    tool_config_files,
)
from gates.errors import PolicyError
from gates.model.verdict import Verdict
from gates.outputs import OutputFormat, render
from gates.outputs.markdown import MARKER
from tests.unit.outputs import _verdicts

MERGE: Final = "4" * 40
BASE: Final = b"""\
[gates]
reports = ".gates"

[gate.coverage]
metric = "coverage.percent"
min = 90
"""
CLEAN: Final = Provenance(MERGE, "main", "main:gates.toml")


def facts(
    *,
    base: bytes | None = BASE,
    head: bytes | None = BASE,
    changed: tuple[str, ...] = ("pkg/calc.py",),
    unlisted: int = 0,
) -> Facts:
    return Facts(MERGE, "main", base, head, Changes(changed, unlisted))


# ---------------------------------------------------------------- what decides the evidence


@pytest.mark.parametrize(
    "path",
    [
        ".github/workflows/ci.yml",
        ".github/workflows/new-evil.yml",  # a new workflow can take the name of the one that ran
        ".github/actions/setup/action.yml",
        "noxfile.py",
        "gates-tools.txt",
    ],
)
def test_the_files_of_the_pipeline(path: str) -> None:
    found = pipeline_files(
        ["docs/x.md", path], noxfile="noxfile.py", config="gates.toml", settings_changed=False
    )
    assert found == (path,)


def test_the_noxfile_and_the_policy_are_where_the_workflow_says() -> None:
    paths = ["noxfile.py", "ci/noxfile.py", "ci/gates.toml", "gates.toml"]
    found = pipeline_files(
        paths, noxfile="ci/noxfile.py", config="ci/gates.toml", settings_changed=True
    )
    assert found == ("ci/noxfile.py", "ci/gates.toml")


def test_the_policy_counts_only_when_its_settings_changed() -> None:
    for changed, expected in ((False, ()), (True, ("gates.toml",))):
        found = pipeline_files(
            ["gates.toml"], noxfile="noxfile.py", config="gates.toml", settings_changed=changed
        )
        assert found == expected


@pytest.mark.parametrize(
    ("globs", "expected"),
    [
        (["/gates/"], ("gates/nox.py", "gates/readers/junit.py")),
        (["gates/"], ("gates/nox.py", "gates/readers/junit.py", "docs/gates/x.md")),
        (["tools/*.py"], ("tools/run.py",)),
    ],
)
def test_more_pipeline_globs_read_like_unaffected(
    globs: list[str], expected: tuple[str, ...]
) -> None:
    paths = ["gates/nox.py", "gates/readers/junit.py", "docs/gates/x.md", "tools/run.py", "a.py"]
    found = pipeline_files(
        paths, noxfile="noxfile.py", config="gates.toml", settings_changed=False, extra=globs
    )
    assert found == expected


def test_tool_configuration_in_any_folder_less_the_pipeline() -> None:
    paths = ["pyproject.toml", "sub/pyproject.toml", "tests/conftest.py", "uv.lock", "setup.py"]
    assert tool_config_files([*paths, "pkg/x.py"], exclude=["setup.py"]) == tuple(paths[:4])


# ---------------------------------------------------------------- the policy


def test_the_base_branch_policy_judges_and_the_pull_request_may_only_tighten() -> None:
    loosened = BASE.replace(b"min = 90", b"min = 10")
    judged = judging(facts(head=loosened), config="gates.toml", noxfile="noxfile.py")
    assert judged.policy.gates[0].min == 90
    assert judged.notes[0].startswith("policy: gates.toml judged with the base branch's thresholds")
    assert "(main:gates.toml)" in judged.notes[0]
    assert "coverage min 90 → 10 (not applied" in judged.notes[1]
    assert judged.provenance.pipeline == ()  # thresholds are the base's anyway
    tightened = judging(facts(head=BASE.replace(b"90", b"95")), config="gates.toml", noxfile="n")
    assert tightened.policy.gates[0].min == 95


def test_the_comparison_base_is_the_base_branch_as_the_stages_saw_it() -> None:
    judged = judging(facts(), config="gates.toml", noxfile="noxfile.py")
    assert judged.policy.settings.base == "origin/main"


def test_changed_settings_make_the_policy_part_of_the_pipeline() -> None:
    moved = BASE.replace(b'reports = ".gates"', b'reports = "elsewhere"')
    judged = judging(
        facts(head=moved, changed=("gates.toml",)), config="gates.toml", noxfile="noxfile.py"
    )
    assert judged.provenance.pipeline == ("gates.toml",)


@pytest.mark.parametrize(
    ("head", "why"),
    [
        (None, "this pull request has no gates.toml"),
        (b"[gate.x]\nmetric = 'nope'\n", "this pull request's gates.toml cannot be used"),
        (b"\xff", "cannot be used (gates.toml: is not UTF-8"),
    ],
)
def test_a_pull_request_policy_that_cannot_be_used_leaves_the_base_branchs(
    head: bytes | None, why: str
) -> None:
    judged = judging(
        facts(head=head, changed=("gates.toml",)), config="gates.toml", noxfile="noxfile.py"
    )
    assert judged.policy.gates[0].min == 90
    assert why in judged.notes[0]
    assert judged.provenance.pipeline == ("gates.toml",)


def test_without_a_base_policy_the_pull_requests_own_judges_and_that_is_a_doubt() -> None:
    judged = judging(facts(base=None), config="gates.toml", noxfile="noxfile.py")
    assert judged.policy.gates[0].min == 90
    assert judged.provenance.base_policy == ""
    assert any("has no policy file" in doubt for doubt in judged.provenance.doubts())


def test_no_policy_anywhere_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="on neither the base branch") as caught:
        judging(facts(base=None, head=None), config="gates.toml", noxfile="noxfile.py")
    assert caught.value.slug == "policy-missing"


def test_a_broken_base_policy_is_an_error_naming_the_branch() -> None:
    with pytest.raises(PolicyError, match=r"main:gates\.toml") as caught:
        judging(facts(base=b"[gates\n"), config="gates.toml", noxfile="noxfile.py")
    assert caught.value.slug == "policy-toml"


# ---------------------------------------------------------------- the comment


def _comment(verdict: Verdict, provenance: Provenance) -> str:
    return compose(verdict, render(verdict, OutputFormat.MARKDOWN), provenance)


DOUBTS: Final = {
    "pipeline": replace(CLEAN, pipeline=(".github/workflows/ci.yml",)),
    "no base policy": replace(CLEAN, base_policy=""),
    "unlisted": replace(CLEAN, unlisted=12),
    "dry run": Provenance(MERGE, "", ""),
}


def test_a_clean_pass_keeps_its_heading_and_says_what_it_trusts() -> None:
    body = _comment(_verdicts.passing(), CLEAN)
    lines = body.splitlines()
    assert lines[0] == MARKER
    assert lines[1].startswith("## ✔ gates: PASSED")
    assert lines[2] == ""
    assert lines[3].startswith("**Trust:** gates ")
    assert "with the base branch's policy (`main:gates.toml`)" in lines[3]
    assert "cannot verify the evidence itself" in lines[3]
    assert "changes none of the files that decide how the evidence is made" in body
    assert "Unverified" not in body
    assert "\n\n\n" not in body


@pytest.mark.parametrize("doubt", sorted(DOUBTS))
def test_every_doubt_turns_a_pass_into_unverified(doubt: str) -> None:
    body = _comment(_verdicts.passing(), DOUBTS[doubt])
    assert body.splitlines()[1] == UNVERIFIED_HEADING
    assert "PASSED" not in body
    assert "**⚠ Unverified:**" in body


@pytest.mark.parametrize("doubt", sorted(DOUBTS))
def test_a_block_keeps_its_heading_with_its_doubts(doubt: str) -> None:
    body = _comment(_verdicts.mixed(), DOUBTS[doubt])
    assert body.splitlines()[1].startswith("## ✖ gates: BLOCKED")
    assert "**⚠ Unverified:**" in body


def test_the_changed_files_are_named_inert_and_bounded() -> None:
    many = tuple(f".github/workflows/w{n}.yml" for n in range(20))
    body = _comment(_verdicts.passing(), replace(CLEAN, pipeline=("@x <b>`",), tooling=many))
    assert "`` @x <b>` ``" in body
    assert "`.github/workflows/w7.yml` and 12 more: review it" in body
    assert "w8.yml" not in body


def test_the_trust_block_follows_the_marker_when_there_is_no_heading() -> None:
    body = compose(_verdicts.passing(), f"{MARKER}\nno heading\n", CLEAN)
    assert body.startswith(f"{MARKER}\n\n**Trust:**")
