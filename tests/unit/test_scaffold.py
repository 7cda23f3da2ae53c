"""gates init: layout detection and the files it writes."""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from gates.errors import UsageError
from gates.init.scaffold import Layout, detect, init, render_noxfile, render_policy
from gates.policy.load import parse_policy

PINS = b"ruff==0.17.6\n"


@pytest.fixture(autouse=True)
def _no_resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    """gates init asks uv whether the groups install (the index): not in these tests."""
    monkeypatch.setattr("gates.init.environment.devenv._uv_binary", lambda: None)


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _pyproject(name: str, *, extra: str = "") -> str:
    return f'[project]\nname = "{name}"\nversion = "1"\ndependencies = ["attrs"]\n{extra}'


def test_src_layout_with_a_test_extra(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": _pyproject(
                "My-Lib", extra='[project.optional-dependencies]\ntest = ["pytest"]\n'
            ),
            "src/my_lib/__init__.py": "",
            "src/other/__init__.py": "",
            "tests/test_a.py": "",
        },
    )
    layout = detect(tmp_path)
    assert layout.packages == ("src/my_lib", "src/other")  # every package of src/
    assert layout.tests == ("tests",)
    assert layout.integration is None
    assert layout.install == ("-e", ".[test]")
    assert layout.dependencies


def test_flat_layout_split_tests_dependency_group_and_no_dependencies(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "tool"\nversion = "1"\n'
            '[dependency-groups]\ndev = ["pytest"]\n',
            "tool/__init__.py": "",
            "docs/conf/__init__.py": "",
            "tests/unit/test_a.py": "",
            "tests/integration/test_b.py": "",
            "benchmarks/bench_x.py": "def test_x(benchmark):\n    benchmark(len, [])\n",
        },
    )
    layout = detect(tmp_path)
    assert (layout.packages, layout.tests, layout.integration) == (
        ("tool",),
        ("tests/unit",),
        "tests/integration",
    )
    assert layout.benchmarks == ("benchmarks",)
    assert layout.install == ("-e", ".", "--group", "dev")
    assert not layout.dependencies


def test_requirements_files_and_a_single_module(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "solo"\nversion = "1"\n',
            "solo.py": "",
            "setup.py": "",
            "requirements-dev.txt": "pytest\n",
            "test/test_solo.py": "",
        },
    )
    layout = detect(tmp_path)
    assert (layout.packages, layout.tests) == (("solo.py",), ("test",))
    assert layout.install == ("-e", ".", "-r", "requirements-dev.txt")


def test_dependencies_listed_only_in_requirements_txt_are_installed_and_audited(
    tmp_path: Path,
) -> None:
    """`pip-audit .` would audit nothing here, and the tests could not import attrs."""
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "app"\nversion = "1"\n',
            "app/__init__.py": "",
            "requirements.txt": "attrs\n",
            "tests/test_app.py": "",
        },
    )
    layout = detect(tmp_path)
    assert layout.dependencies
    assert layout.audit == ("-r", "requirements.txt")
    assert layout.install == ("-e", ".", "-r", "requirements.txt", "pytest")
    noxfile = render_noxfile(layout)
    compile(noxfile, "noxfile.py", "exec")
    assert 'audit=["-r", "requirements.txt"],' in noxfile
    _write(tmp_path, {"pyproject.toml": _pyproject("app")})  # declared: the project is audited
    assert detect(tmp_path).audit == (".",)
    assert "audit=" not in render_noxfile(detect(tmp_path))


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({"a/__init__.py": "", "b/__init__.py": "", "tests/t.py": ""}, "cannot tell which package"),
        ({"pkg/__init__.py": ""}, "cannot find the tests"),
        ({"pyproject.toml": "[project", "pkg/__init__.py": "", "tests/t.py": ""}, "not valid TOML"),
    ],
)
def test_what_cannot_be_detected_is_a_usage_error_that_says_what_to_pass(
    tmp_path: Path, files: dict[str, str], words: str
) -> None:
    _write(tmp_path, files)
    with pytest.raises(UsageError) as caught:
        detect(tmp_path)
    assert words in caught.value.message
    assert "--" in caught.value.hint


def test_explicit_package_and_tests_win_and_must_exist(tmp_path: Path) -> None:
    _write(tmp_path, {"lib/core/__init__.py": "", "checks/check_a.py": ""})
    layout = detect(tmp_path, package="lib/core", tests="checks")
    assert (layout.packages, layout.tests) == (("lib/core",), ("checks",))
    with pytest.raises(UsageError, match="--package src/nope: no such file or folder"):
        detect(tmp_path, package="src/nope", tests="checks")
    with pytest.raises(UsageError, match="--tests nope: no such file or folder"):
        detect(tmp_path, package="lib/core", tests="nope")


def test_dependencies_that_do_not_install_here_are_no_dependencies(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "lib"\nversion = "1"\n'
            "dependencies = [\"typing-extensions; python_version < '3.0'\"]\n",
            "lib/__init__.py": "",
            "tests/t.py": "",
        },
    )
    layout = detect(tmp_path)
    assert not layout.dependencies  # nothing to audit: the gate could never pass
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "lib"\nversion = "1"\n'
        'dependencies = ["typing-extensions; python_version < \'3.0\'", "attrs>=20"]\n'
    )
    assert detect(tmp_path).dependencies


def test_a_typing_group_goes_to_the_type_stage(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "lib"\nversion = "1"\n'
            '[dependency-groups]\ntests = ["pytest"]\ntyping = ["types-requests"]\n',
            "lib/__init__.py": "",
            "tests/t.py": "",
        },
    )
    layout = detect(tmp_path)
    assert layout.type_install == ("--group", "typing")
    assert 'extra_install={"type": ["--group", "typing"]}' in render_noxfile(layout)


def test_without_a_remote_head_the_base_is_a_guess_and_says_so(tmp_path: Path) -> None:
    _write(tmp_path, {"lib/__init__.py": "", "tests/t.py": ""})
    layout = detect(tmp_path)
    assert (layout.base, layout.base_detected) == ("origin/main", False)


def test_an_existing_noxfile_is_kept_and_the_lines_to_add_are_given(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "noxfile.py": "import nox\n\n@nox.session\ndef docs(session): ...\n",
            "lib/__init__.py": "",
            "tests/t.py": "",
        },
    )
    result = init(tmp_path, pins=PINS)
    assert set(result.written) == {"gates.toml", "gates-tools.txt"}
    assert "def docs" in (tmp_path / "noxfile.py").read_text()  # the project's own session
    assert result.noxfile_lines.startswith("from gates.nox import Pipeline\n")
    assert 'package="lib"' in result.noxfile_lines
    assert result.noxfile_lines.rstrip().endswith(").register()")


def test_the_base_is_the_remote_default_branch(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q", "-b", "trunk")
    git(
        "-c",
        "user.email=t@e.invalid",
        "-c",
        "user.name=t",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "x",
    )
    git("update-ref", "refs/remotes/origin/trunk", "HEAD")
    git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    _write(tmp_path, {"pkg/__init__.py": "", "tests/t.py": ""})
    assert detect(tmp_path).base == "origin/trunk"


_LAYOUT = Layout(
    packages=("src/pkg",),
    tests=("tests/unit",),
    integration="tests/integration",
    benchmarks=(),
    install=("-e", ".[test]"),
    base="origin/main",
)


@pytest.mark.parametrize("integration", ["tests/integration", None])
@pytest.mark.parametrize("dependencies", [True, False])
def test_the_policy_written_is_valid_and_matches_the_layout(
    integration: str | None, dependencies: bool
) -> None:
    audit = (".",) if dependencies else ()
    text = render_policy(replace(_LAYOUT, integration=integration, audit=audit))
    policy = parse_policy(tomllib.loads(text))
    names = {gate.name for gate in policy.gates}
    assert {"unit-coverage", "patch-coverage", "tests", "lint", "types", "code-security"} <= names
    assert ("combined-coverage" in names) is (integration is not None)
    assert ("dependencies" in names) is dependencies


@pytest.mark.parametrize("benchmarks", [("benchmarks",), ()])
def test_a_project_with_benchmarks_gets_a_benchmark_gate(benchmarks: tuple[str, ...]) -> None:
    policy = parse_policy(tomllib.loads(render_policy(replace(_LAYOUT, benchmarks=benchmarks))))
    gates = {gate.name: gate for gate in policy.gates}
    assert ("benchmarks" in gates) is bool(benchmarks)
    if benchmarks:
        assert gates["benchmarks"].metric.name == "benchmark.regressions"
        assert gates["benchmarks"].slowdown == 0.05
        assert gates["benchmarks"].max == 0


def test_the_noxfile_written_compiles_and_passes_the_layout() -> None:
    text = render_noxfile(replace(_LAYOUT, benchmarks=("benchmarks",), audit=()))
    compile(text, "noxfile.py", "exec")
    assert 'package="src/pkg"' in text
    assert 'integration="tests/integration"' in text
    assert 'benchmarks="benchmarks"' in text
    assert 'install=["-e", ".[test]"]' in text
    assert "audit=[]" in text


def test_init_writes_everything_and_never_replaces_without_force(tmp_path: Path) -> None:
    _write(tmp_path, {"pkg/__init__.py": "", "tests/t.py": "", ".gitignore": "*.pyc"})
    result = init(tmp_path, pins=PINS)
    assert set(result.written) == {"noxfile.py", "gates.toml", "gates-tools.txt"}
    assert result.gitignore == (".gates/", ".nox/")
    assert (tmp_path / ".gitignore").read_text().splitlines()[0] == "*.pyc"
    assert (tmp_path / "gates-tools.txt").read_bytes() == PINS
    (tmp_path / "gates.toml").write_text("# mine\n")
    with pytest.raises(UsageError) as caught:
        init(tmp_path, pins=PINS)
    assert "already exist" in caught.value.message
    assert (tmp_path / "gates.toml").read_text() == "# mine\n"
    again = init(tmp_path, pins=PINS, force=True)
    assert again.gitignore == ()  # already ignored: not added twice
    assert (tmp_path / "gates.toml").read_text() != "# mine\n"


@pytest.mark.parametrize(
    ("package", "glob"),
    [("src/pkg", "src/pkg/*"), ("pkg/", "pkg/*"), ("solo.py", "solo.py"), (".", "*")],
)
def test_coverage_gates_read_only_the_package(package: str, glob: str) -> None:
    policy = parse_policy(tomllib.loads(render_policy(replace(_LAYOUT, packages=(package,)))))
    coverage = [gate for gate in policy.gates if gate.metric.name.startswith("coverage.")]
    assert {gate.name for gate in coverage} == {
        "unit-coverage",
        "integration-coverage",
        "combined-coverage",
        "patch-coverage",
    }
    assert all(gate.paths == (glob,) for gate in coverage)


def test_coverage_gates_read_the_total_coverage_report_prints_and_say_so() -> None:
    """The figure a user most likely means: the TOTAL coverage.py prints, branches included."""
    text = render_policy(_LAYOUT)
    policy = parse_policy(tomllib.loads(text))
    metrics = {gate.name: gate.metric.name for gate in policy.gates}
    assert metrics["unit-coverage"] == "coverage.total_percent"
    assert metrics["integration-coverage"] == "coverage.total_percent"
    assert metrics["combined-coverage"] == "coverage.total_percent"
    assert metrics["patch-coverage"] == "coverage.patch_percent"
    comment = text[: text.index("[gate.unit-coverage]")]
    assert "coverage report --include='src/pkg/*'" in comment  # which figure
    assert '"coverage.percent"' in comment and '"coverage.branch_percent"' in comment  # the others


def test_the_unaffected_globs_written_are_the_policys(tmp_path: Path) -> None:
    policy = parse_policy(tomllib.loads(render_policy(replace(_LAYOUT, unaffected=("*.md",)))))
    assert policy.settings.unaffected == ("*.md",)
    why = ("*.rst: .rst files lie where the stages read (tests/data/a.rst)",)
    text = render_policy(replace(_LAYOUT, unaffected=(), unaffected_why=why))
    assert parse_policy(tomllib.loads(text)).settings.unaffected == ()
    assert "# unaffected = []   # none: the stages read the project's documents" in text
    assert "# not *.rst: .rst files lie where the stages read (tests/data/a.rst)" in text
