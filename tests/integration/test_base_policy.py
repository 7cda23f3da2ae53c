"""A pull request that lowers its own thresholds is still judged by the base branch's.

The project's ``gates.toml`` plays the pull request's policy; a stricter copy
outside the project plays the base branch's (``git show origin/main:gates.toml``
in CI). The same evidence passes under the pull request's policy alone and
fails under ``--base-policy``, and the verdict names the loosening.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.conftest import GATES_TOML, Gates


def _base_policy(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "base-gates.toml"
    path.write_text(text)
    return path


@pytest.mark.slow
def test_lowering_a_threshold_in_the_pull_request_does_not_apply(
    gates: Gates, tmp_path: Path
) -> None:
    alone = gates.check()
    assert alone.code == 0, alone.out
    assert alone.verdict().gate("coverage")["status"] == "pass"

    base = _base_policy(tmp_path, GATES_TOML.replace("min = 80", "min = 100"))
    judged = gates.check("--base-policy", str(base))
    assert judged.code == 1, judged.out
    verdict = judged.verdict()
    assert verdict.gate("coverage")["status"] == "fail"
    assert verdict.gate("coverage")["bound"] == ">= 100"
    notes = verdict.document["notes"]
    assert notes[0].startswith("policy: ") and "base-gates.toml" in notes[0]
    assert (
        "policy change: coverage min 100 → 80 (not applied: policy changes apply after merge)"
        in notes
    )
    assert verdict.document["policy"].endswith("gates.toml")


@pytest.mark.slow
def test_the_loosening_shows_in_the_markdown_verdict(gates: Gates, tmp_path: Path) -> None:
    base = _base_policy(tmp_path, GATES_TOML.replace("min = 80", "min = 100"))
    ran = gates(
        "check",
        "--root",
        str(gates.root),
        "--config",
        str(gates.root / "gates.toml"),
        "--base-policy",
        str(base),
        "--format",
        "markdown",
    )
    assert ran.code == 1
    assert "coverage min 100 → 80 (not applied: policy changes apply after merge)" in ran.out


@pytest.mark.slow
def test_a_tightening_in_the_pull_request_applies(gates: Gates, tmp_path: Path) -> None:
    base = _base_policy(tmp_path, GATES_TOML.replace("min = 80", "min = 10"))
    judged = gates.check("--base-policy", str(base))
    assert judged.code == 0, judged.out
    coverage = judged.verdict().gate("coverage")
    assert coverage["bound"] == ">= 80"
    assert (
        "policy change: coverage min 10 → 80 (applied: it only tightens)"
        in (judged.verdict().document["notes"])
    )


@pytest.mark.slow
def test_an_invalid_base_policy_is_a_policy_error_naming_it(gates: Gates, tmp_path: Path) -> None:
    base = _base_policy(tmp_path, GATES_TOML.replace("min = 80", "minn = 80"))
    ran = gates.check("--base-policy", str(base))
    assert ran.code == 2
    assert str(base) in ran.err
    assert "gate.coverage.minn" in ran.err


@pytest.mark.slow
def test_base_overrides_the_policys_base_for_patch_coverage(
    gates: Gates, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = gates.check("--base", "origin/release")
    assert ran.verdict().slugs("patch") == ["wrong-base"]
    monkeypatch.setenv("GATES_BASE", "origin/release")
    assert gates.check().verdict().slugs("patch") == ["wrong-base"]
    monkeypatch.setenv("GATES_BASE", "main")
    assert gates.check().verdict().gate("patch")["status"] == "pass"
