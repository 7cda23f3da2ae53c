"""The noxfile and the policy gates init writes, for the choices it made per project."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from gates.init.scaffold import Layout, detect, render_noxfile, render_policy
from gates.nox import Pipeline
from gates.policy.load import parse_policy

_LAYOUT = Layout(
    packages=("src/attr", "src/attrs"),
    tests=("tests",),
    integration=None,
    benchmarks=(),
    install=("-e", "."),
    base="origin/main",
)


def _pipeline(noxfile: str) -> Pipeline:
    """The Pipeline a noxfile's call builds (its arguments evaluated, nothing registered)."""
    call = noxfile[noxfile.index("Pipeline(") : noxfile.rindex(".register()")]
    built = eval(call, {"Pipeline": Pipeline, "None": None})  # noqa: S307 - our own rendering
    assert isinstance(built, Pipeline)
    return built


def test_several_packages_are_gated_together() -> None:
    """attrs: coverage, bandit and mypy read src/attr and src/attrs, the policy both globs."""
    noxfile = render_noxfile(_LAYOUT)
    assert _pipeline(noxfile).package == ["src/attr", "src/attrs"]
    text = render_policy(_LAYOUT)
    policy = parse_policy(tomllib.loads(text))
    coverage = [gate for gate in policy.gates if gate.metric.name.startswith("coverage.")]
    assert coverage and all(gate.paths == ("src/attr/*", "src/attrs/*") for gate in coverage)
    assert "#   coverage report --include='src/attr/*,src/attrs/*'\n" in text
    single = render_policy(replace(_LAYOUT, packages=("src/attrs",)))
    assert max(map(len, text.splitlines())) <= max(map(len, single.splitlines()))


def test_the_runner_formatter_and_audit_choices_are_written_with_their_reasons() -> None:
    layout = replace(
        _LAYOUT,
        packages=("more_itertools",),
        runner="unittest",
        runner_why="the project runs its tests with unittest (tox.ini [testenv]: `python -m "
        "unittest -v`) and does not use pytest: the test stages run them with unittest too",
        format=None,
        format_why="the project formats with black (.pre-commit-config.yaml), not ruff format",
        audit=("setup.py",),
        audit_why="the install_requires of setup.py",
        bench_install=(".[benchmarking,compare]",),
        type_install=("--group", "mypy"),
        benchmarks=("benchmarking",),
    )
    noxfile = render_noxfile(layout)
    built = _pipeline(noxfile)
    assert (built.runner, built.format, list(built.audit)) == ("unittest", None, ["setup.py"])
    assert built.extra_install == {
        "type": ["--group", "mypy"],
        "benchmark": [".[benchmarking,compare]"],
    }
    assert (
        "    # the project runs its tests with unittest (tox.ini [testenv]: `python -m" in noxfile
    )
    assert "    # the install_requires of setup.py\n" in noxfile
    policy = render_policy(layout)
    assert "# the project runs its tests with unittest" in policy  # under the tests gate
    assert 'tool = "ruff"             # ruff check; formatting is not gated (noxfile.py)' in policy
    assert "`coverage run -m gates.unittest_junit discover`" in policy.replace("\n# ", " ")
    nothing = render_policy(
        replace(layout, audit=(), audit_why="setup.py declares no install_requires")
    )
    assert "# Nothing is audited: setup.py declares no install_requires. When" in nothing
    assert "[gate.dependencies]" not in nothing.replace("# [gate.dependencies]", "")
    plain = render_policy(replace(_LAYOUT, benchmarks=("benchmarking",)))
    longest = max(map(len, plain.splitlines()))  # the choices' comments are wrapped
    assert max(map(len, [*nothing.splitlines(), *policy.splitlines()])) <= longest


def _mypy(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_projects_own_mypy_passes_the_noxfile_where_nox_is_not_installed(
    tmp_path: Path,
) -> None:
    """humanize's `tox -e mypy` runs `mypy .` in an environment without nox or gates."""
    (tmp_path / "pyproject.toml").write_text(
        "[tool.mypy]\nstrict = true\nwarn_unused_ignores = true\nwarn_unused_configs = true\n"
        "[tool.ruff.lint]\nselect = ['ALL']\nignore = ['D203', 'D213', 'COM812', 'CPY001']\n"
    )
    noxfile = render_noxfile(replace(_LAYOUT, packages=("pkg",)))
    (tmp_path / "noxfile.py").write_text(noxfile)
    checked = _mypy(tmp_path, "--no-site-packages", ".")  # nox and gates: not importable
    assert checked.returncode == 0, checked.stdout
    assert "no issues found in 1 source file" in checked.stdout
    # without its first line the same mypy fails on the imports: the line is what passes it
    (tmp_path / "noxfile.py").write_text(noxfile.split("\n", 1)[1])
    failed = _mypy(tmp_path, "--no-site-packages", ".")
    assert failed.returncode == 1 and 'module named "nox"' in failed.stdout
    (tmp_path / "noxfile.py").write_text(noxfile)
    for command in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        ruff = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "noxfile.py"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert ruff.returncode == 0, ruff.stdout + ruff.stderr


@pytest.mark.parametrize("length", [60, 88])
def test_a_dict_of_stage_installs_is_split_as_ruff_format_would(
    tmp_path: Path, length: int
) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.ruff]\nline-length = {length}\n")
    layout = replace(
        _LAYOUT,
        style=replace(_LAYOUT.style, line_length=length),
        type_install=("--group", "typing-and-stubs"),
        bench_install=(".[benchmarking,compare,profiling]", "-r", "requirements-bench.txt"),
    )
    (tmp_path / "noxfile.py").write_text(render_noxfile(layout))
    ruff = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--diff", "--no-cache", "noxfile.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def test_a_baseline_turns_new_on_for_the_findings_gates_and_its_absence_says_how() -> None:
    adopted = parse_policy(tomllib.loads(render_policy(replace(_LAYOUT, baseline=True))))
    findings = {gate.name: gate.new for gate in adopted.gates if gate.metric.name == "findings"}
    # a known vulnerability is waived with an expiry, never baselined
    assert findings == {"lint": True, "types": True, "code-security": True, "dependencies": False}
    text = render_policy(_LAYOUT)
    fresh = parse_policy(tomllib.loads(text))
    assert not any(gate.new for gate in fresh.gates)
    assert text.count("# new = true\n") == 3
    assert "`gates baseline` records them in" in text and "uncomment `new = true`" in text


def test_init_finds_the_baseline_file(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_pkg.py").write_text("def test_ok() -> None:\n    pass\n")
    assert not detect(tmp_path).baseline
    (tmp_path / "gates-baseline.json").write_text("{}")
    assert detect(tmp_path).baseline
