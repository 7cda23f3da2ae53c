"""Exit codes of the command line: 0 pass, 1 fail, 2 usage or policy, 3 evidence, 4 bug.

No user error prints a traceback (``-v`` does); every error names the file or
the option and says what to do next; the JSON verdict is the same bytes when
the same evidence is judged again, in-process or by ``python -m gates``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gates import __version__
from gates.cli import check as cli_check
from gates.model.verdict import Verdict
from tests.integration.conftest import GATES_TOML, Gates, Ran, run_module


def policy(tmp_path: Path, text: str) -> Path:
    """A policy outside the project (a tracked gates.toml edited would make the evidence stale)."""
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return path


def user_error(ran: Ran, code: int, kind: str, *words: str) -> None:
    """A user error: ``code``, one ``kind`` message naming ``words``, a next step, no traceback."""
    assert ran.code == code, ran.err
    assert ran.out == ""
    assert ran.err.startswith(f"{kind}: "), ran.err
    assert "\n  next: " in ran.err
    assert "Traceback" not in ran.err
    for word in words:
        assert word in ran.err


# ---------------------------------------------------------------- 0 and 1


@pytest.mark.slow
def test_exit_0_when_every_gate_passes_or_only_warns(gates: Gates, tmp_path: Path) -> None:
    warn = GATES_TOML.replace("min = 80", 'min = 100\nlevel = "warn"')
    ran = gates.check(config=policy(tmp_path, warn))
    assert ran.code == 0, ran.out
    verdict = ran.verdict()
    assert verdict.gate("coverage")["status"] == "warn"
    assert verdict.document["status"] == "warn"
    assert not verdict.document["blocked"]


@pytest.mark.slow
def test_exit_1_when_a_gate_fails(gates: Gates, tmp_path: Path) -> None:
    ran = gates.check(config=policy(tmp_path, GATES_TOML.replace("min = 80", "min = 100")))
    assert ran.code == 1, ran.out
    verdict = ran.verdict()
    assert verdict.gate("coverage")["status"] == "fail"
    assert verdict.gate("coverage")["offenders"][0]["path"] == "pkg/calc.py"
    assert ran.err == ""


@pytest.mark.slow
def test_a_failed_gate_outranks_nothing_but_evidence_errors(gates: Gates, tmp_path: Path) -> None:
    (gates.root / ".gates" / "lint" / "ruff.json").unlink()
    ran = gates.check(config=policy(tmp_path, GATES_TOML.replace("min = 80", "min = 100")))
    assert ran.code == 3
    assert ran.verdict().statuses()["coverage"] == "fail"
    assert ran.verdict().statuses()["lint"] == "error"


# ---------------------------------------------------------------- 2


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["check", "--format", "yaml"], ["'yaml'", "valid formats: terminal"]),
        (["check", "--format", "json", "--format", "markdown"], ["standard output"]),
        (["check", "--today", "2027-02-30"], ["--today", "gates check --help"]),
        (["check", "--no-such-flag"], ["--no-such-flag"]),
        (["check", "--commit", "HEAD"], ["'HEAD' is not a commit SHA", "gates check --help"]),
        (["check", "--commit", "abc12"], ["'abc12' is not a commit SHA"]),
        ([], ["command"]),
        (["run", "unit", "--tool", "pytest"], ["no command to run", "put the command after --"]),
        (["run", "unit", "--tool", "x", "--report", "junit.xml", "--", "true"], ["FORMAT=PATH"]),
        (["run", "unit", "--tool", "x", "--report", "f=../up.xml", "--", "true"], ["inside"]),
        (["run", "u", "--tool", "x", "--report", "junit-xm=j.xml", "--", "true"], ["`junit-xml`"]),
        (["check", "--root", "no/such/folder"], ["--root no/such/folder: no such folder"]),
        (["run", "u", "--root", "nowhere", "--tool", "x", "--", "true"], ["no such folder"]),
        (["check", "--reports", ".gates\npath=/abs"], ["--reports", "U+000A"]),
        (["run", "u", "--reports", "e\x00", "--tool", "x", "--", "true"], ["U+0000"]),
        (["run", "u", "--tool", "x", "--report", "f=a\nb.xml", "--", "true"], ["U+000A"]),
        (["run", "u", "--tool", "x", "--stdout", "f=a\x00.json", "--", "true"], ["U+0000"]),
        (["run", "u", "--tool", "x\x1b", "--", "true"], ["--tool", "U+001B"]),
        (["run", "u", "--tool", "x", "--role", "\r", "--", "true"], ["--role", "U+000D"]),
    ],
)
def test_exit_2_on_usage_errors(
    bare: Gates, monkeypatch: pytest.MonkeyPatch, argv: list[str], words: list[str]
) -> None:
    monkeypatch.chdir(bare.root)
    user_error(bare(*argv), 2, "usage error", *words)


def test_a_tool_that_is_not_installed_fails_its_stage_with_a_manifest_that_says_so(
    bare: Gates, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(bare.root)
    ran = bare("run", "unit", "--tool", "x", "--", "no-such-program-here")
    user_error(ran, 3, "evidence error", ".gates/unit/manifest.json", "command not found")
    manifest = json.loads((bare.root / ".gates" / "unit" / "manifest.json").read_text())
    assert "no-such-program-here: command not found" in manifest["error"]


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (("min = 80", "mni = 80"), ["gate.coverage.mni", "did you mean `min`?"]),
        (('metric = "coverage.percent"', 'metric = "coverage.precent"'), ["coverage.precent"]),
        (("min = 80", "min = 120"), ["gate.coverage.min", "120", "docs/policy.md"]),
        (("[gate.coverage]", "[gate.coverage"), ["not valid TOML"]),
    ],
)
def test_exit_2_on_policy_errors(
    bare: Gates, tmp_path: Path, edit: tuple[str, str], words: list[str]
) -> None:
    assert edit[0] in GATES_TOML
    path = policy(tmp_path, GATES_TOML.replace(*edit))
    user_error(bare.check(config=path), 2, "policy error", str(path), *words)


def test_a_policy_error_never_sends_a_control_character_to_the_terminal(
    bare: Gates, tmp_path: Path
) -> None:
    """An unknown key is quoted in the message: its ESC would reach the terminal."""
    path = policy(tmp_path, GATES_TOML + '"clear\\u001b[2J" = 1\n')
    ran = bare.check(config=path)
    user_error(ran, 2, "policy error", "clear\ufffd[2J: is not a known key")
    assert "\x1b" not in ran.err


def test_exit_2_when_the_policy_file_is_missing(bare: Gates, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    user_error(bare.check(config=missing), 2, "policy error", str(missing), "--config")


# ---------------------------------------------------------------- 3


def test_exit_3_when_a_stage_cannot_produce_its_evidence(bare: Gates) -> None:
    ran = bare.run("unit", "--tool", "maker", "--report", "junit-xml=junit.xml", "--", "false")
    user_error(ran, 3, "evidence error", ".gates/unit/manifest.json", "maker exited 1")
    assert "read maker's output" in ran.err
    verdict = bare.check().verdict()
    assert verdict.problem("tests", "stage-failed")["path"] == ".gates/unit/manifest.json"


def test_exit_3_when_there_is_no_evidence_at_all(bare: Gates) -> None:
    ran = bare.check()
    assert ran.code == 3
    verdict = ran.verdict()
    assert set(verdict.statuses().values()) == {"error"}
    assert any("no evidence at all" in note for note in verdict.document["notes"])
    for name in verdict.statuses():
        for problem in verdict.problems(name):
            assert problem["path"], problem
            assert problem["hint"], problem


def test_exit_3_outside_a_git_repository(bare: Gates, tmp_path: Path) -> None:
    outside = tmp_path / "not-a-repository"
    outside.mkdir()
    ran = bare("check", "--root", str(outside), "--config", str(bare.root / "gates.toml"))
    user_error(ran, 3, "evidence error", "not a git repository", "git repository")


# ---------------------------------------------------------------- 4 and -v


def _boom(*_args: object, **_kwargs: object) -> Verdict:
    raise RuntimeError("boom")


def test_exit_4_on_a_bug_prints_a_version_block_and_no_traceback(
    bare: Gates, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_check, "evaluate", _boom)
    ran = bare.check()
    assert ran.code == 4
    assert ran.verdict().document["exit_code"] == 4  # a crash still leaves a verdict
    assert "Traceback" not in ran.err
    lines = ran.err.splitlines()
    assert lines[0] == "internal error: RuntimeError: boom"
    assert lines[1] == (
        "  gates crashed evaluating the evidence against the policy; the verdict blocks with exit 4"
    )
    assert "This is a bug in gates" in lines[2]
    assert "with -v" in lines[2]
    assert f"  gates {__version__}" in lines
    assert any(line.startswith("  python 3.") for line in lines)
    assert any(line.startswith("  platform ") for line in lines)
    assert any(line.startswith("  command gates check --root ") for line in lines)


def test_verbose_shows_the_traceback_of_a_bug(bare: Gates, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_check, "evaluate", _boom)
    ran = bare.check("-v")
    assert ran.code == 4
    assert "Traceback (most recent call last)" in ran.err
    assert 'raise RuntimeError("boom")' in ran.err
    assert f"  gates {__version__}" in ran.err


def test_verbose_shows_the_traceback_of_a_user_error(bare: Gates, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    quiet = bare.check(config=missing)
    loud = bare.check("-v", config=missing)
    assert quiet.code == loud.code == 2
    assert "Traceback" not in quiet.err
    assert "Traceback (most recent call last)" in loud.err
    assert loud.err.endswith(quiet.err)


# ---------------------------------------------------------------- python -m gates, determinism


def test_python_m_gates_exit_codes(bare: Gates) -> None:
    usage = run_module("check", "--format", "yaml", cwd=bare.root)
    assert usage.returncode == 2
    assert usage.stderr.startswith("usage error: unknown format 'yaml'")
    assert "Traceback" not in usage.stderr
    version = run_module("--version", cwd=bare.root)
    assert (version.returncode, version.stdout) == (0, f"gates {__version__}\n")
    evidence = run_module("check", cwd=bare.root)
    assert evidence.returncode == 3
    assert "BLOCKED" in evidence.stdout


@pytest.mark.slow
def test_the_json_verdict_is_the_same_bytes_every_time(gates: Gates, tmp_path: Path) -> None:
    (gates.root / ".gates" / "lint" / "ruff.json").unlink()  # an error verdict, with problems
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert gates.check("--format", f"json:{first}").code == 3
    assert gates.check("--format", f"json:{second}").code == 3
    assert first.read_bytes() == second.read_bytes()
    config = str(gates.root / "gates.toml")
    child = run_module("check", "--config", config, "--format", "json", cwd=gates.root)
    assert child.returncode == 3
    assert child.stdout.encode() == first.read_bytes()


@pytest.mark.slow
def test_the_terminal_verdict_names_the_file_and_the_next_step(gates: Gates) -> None:
    (gates.root / ".gates" / "unit" / "junit.xml").unlink()
    ran = gates("check", "--root", str(gates.root), "--config", str(gates.root / "gates.toml"))
    assert ran.code == 3
    assert ".gates/unit/junit.xml" in ran.out
    assert "next:" in ran.out
    assert "nox -s unit" in ran.out
