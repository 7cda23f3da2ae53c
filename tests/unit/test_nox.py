"""The stage recipes: which sessions a Pipeline registers and what each runs.

These drive the recipes with a recording stand-in for ``nox.Session``; the
end-to-end tests (tests/e2e) run them for real through Nox.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import itertools
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import nox
import nox.command
import pytest
from nox import registry

from gates import __version__
from gates.nox import ACTIONLINT_RUNNER, LoadConfig, Pipeline, gates_install, tool_pins
from gates.stage import install, recipes
from gates.stage.commands.semgrep import PACK


class FakeVirtualenv:
    def __init__(self, location: Path) -> None:
        self.location = str(location)


class FakeSession:
    """Records what a recipe asks Nox to do."""

    def __init__(
        self, name: str, *, posargs: tuple[str, ...] = (), backend: str = "uv", pip_help: str = ""
    ) -> None:
        self.name = name
        self.posargs = list(posargs)
        self.installs: list[tuple[str, ...]] = []
        self.runs: list[tuple[tuple[str, ...], dict[str, Any]]] = []
        self.install_runs: list[tuple[str, ...]] = []
        self.warnings: list[str] = []
        self.logs: list[str] = []
        self.env: dict[str, str] = {}
        self.venv_backend = backend
        self.virtualenv = FakeVirtualenv(Path(".nox") / name)
        self.pip_help = pip_help or "  --group <GROUP>  Install the specified dependency group"

    def install(self, *args: str) -> None:
        self.installs.append(args)

    def run_install(self, *args: str, **_kwargs: Any) -> str | None:
        """``uv export`` writes its file; ``pip install --help`` answers."""
        self.install_runs.append(args)
        if "--output-file" in args:
            out = Path(args[args.index("--output-file") + 1])
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text("attrs==25.1.0\nmypy==1.11.2\nruff==0.16.2 ; python_version >= '3'\n")
        return self.pip_help if "--help" in args else None

    def log(self, message: str) -> None:
        self.logs.append(message)

    def constraints(self) -> list[str]:
        """The lines of the constraints file of the last install."""
        args = self.installs[-1]
        return Path(args[args.index("-c") + 1]).read_text().splitlines()

    def run(self, *args: str, **kwargs: Any) -> str | None:
        self.runs.append((args, kwargs))
        return "git version 2.39.5" if args[:2] == ("git", "--version") else None

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def gates_runs(self) -> list[list[str]]:
        return [list(args) for args, _ in self.runs if args[:2] == ("gates", "run")]


def drive(recipe: Any, name: str, **kwargs: Any) -> FakeSession:
    session = FakeSession(name, **kwargs)
    recipe(cast(nox.Session, session))
    return session


@pytest.fixture
def fresh_registry() -> Iterator[dict[str, Any]]:
    saved = dict(registry._REGISTRY)
    registry._REGISTRY.clear()
    yield registry._REGISTRY
    registry._REGISTRY.clear()
    registry._REGISTRY.update(saved)


@pytest.fixture
def in_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GATES_INSTALL", "gates==9.9")
    return tmp_path


def test_enabled_stages_follow_the_configuration() -> None:
    assert Pipeline(package="pkg").stages == ("lint", "type", "unit", "security", "diff")
    full = Pipeline(package="pkg", integration="it", benchmarks="bench", load=SCENARIO)
    assert full.stages == recipes.STAGES
    bare = Pipeline(package="pkg", security=False, diff=False)
    assert bare.stages == ("lint", "type", "unit")


def test_register_defines_parallel_reusable_sessions_and_the_verdict(
    fresh_registry: dict[str, Any],
) -> None:
    Pipeline(package="pkg", integration="tests/integration").register()
    assert list(fresh_registry) == [
        "lint",
        "type",
        "unit",
        "integration",
        "security",
        "diff",
        "gates",
    ]
    assert fresh_registry["gates"].requires == list(Pipeline(package="p", integration="i").stages)
    assert fresh_registry["diff"].requires == ["unit", "integration"]
    for func in fresh_registry.values():
        assert func.allow_parallel is True
        assert func.reuse_venv is True
        assert func.venv_backend == "uv|virtualenv"
        assert func.__doc__


def test_lint_records_check_file_list_and_format_in_one_stage(in_project: Path) -> None:
    session = drive(Pipeline(package="pkg", lint=["src"]).run_lint, "lint")
    steps = session.gates_runs()
    assert [step[step.index("--") + 1 :] for step in steps] == [
        ["ruff", "check", "--no-fix", "--output-format", "json", "src"],
        ["ruff", "check", "--no-fix", "--show-files", "src"],
        ["radon", "cc", "--json", "--show-closures", "pkg"],  # the package, not the lint paths
        ["radon", "mi", "--json", "pkg"],
        [
            "complexipy",
            "pkg",
            "--isolated",
            "--quiet",
            "--ignore-complexity",
            "--max-complexity-allowed",
            "0",
            "--cache-dir",
            str(Path(".nox/lint/complexipy-cache")),
            "--output-format",
            "sarif",
            "--output",
            "{stage_dir}/complexipy.sarif",
        ],
        [
            "pylint",
            "--disable=all",
            "--enable=duplicate-code",
            "--persistent=n",
            "--output-format=json2",
            "pkg",
        ],
        ["ruff", "format", "--check", "--output-format", "json", "src"],
    ]
    assert steps[2][steps[2].index("--stdout") + 1] == "radon-cc-json=radon-cc.json"
    assert steps[3][steps[3].index("--stdout") + 1] == "radon-mi-json=radon-mi.json"
    assert steps[4][steps[4].index("--report") + 1] == "complexipy-sarif=complexipy.sarif"
    assert steps[5][steps[5].index("--stdout") + 1] == (
        "pylint-duplicate-code-json=pylint-duplicates.json"
    )
    assert "--append" not in steps[0]
    assert all("--append" in step for step in steps[1:])
    assert session.installs == [
        (
            "-c",
            ".nox/lint/gates-constraints.txt",
            "gates==9.9",
            "ruff",
            "radon",
            "complexipy",
            "pylint",
        )
    ]
    assert "ruff==0.17.6" in session.constraints()  # gates' pin: the project pins no ruff
    assert "radon==6.0.1" in session.constraints()
    assert "complexipy==8.3.0" in session.constraints()
    assert "pylint==4.1.5" in session.constraints()
    assert all(
        kwargs["success_codes"] == [0, 3] for args, kwargs in session.runs if args[0] == "gates"
    )


def test_tests_stages_keep_coverage_data_apart_and_install_the_project(in_project: Path) -> None:
    pipeline = Pipeline(package="src/pkg", integration="tests/it", install=["-e", ".[test]"])
    session = drive(pipeline.run_integration, "integration", posargs=("-x",))
    steps = session.gates_runs()
    commands = [step[step.index("--") + 1 :] for step in steps]
    assert commands == [
        [
            "python",
            "-m",
            "gates.stage.rerun",
            "--report-log",
            "{stage_dir}/reportlog.jsonl",
            "--reruns",
            "2",
            "--",
            "coverage",
            "run",
            "--parallel-mode",  # every attempt's data, combined
            "--source=src/pkg",
            "-m",
            "pytest",
            "tests/it",
            "--junitxml={stage_dir}/junit.xml",
            "-o",
            "junit_family=xunit2",
            "-x",
        ],
        ["coverage", "json", "-o", "{stage_dir}/coverage.json"],
        ["coverage", "xml", "-o", "{stage_dir}/coverage.xml"],
        ["coverage", "report", "--format=text"],
    ]
    assert [step[step.index("--tool") + 1] for step in steps] == ["pytest", *["coverage"] * 3]
    assert "--append" not in steps[0] and all("--append" in step for step in steps[1:])
    envs = [kwargs["env"] for args, kwargs in session.runs if args[:2] == ("gates", "run")]
    assert envs == [{"COVERAGE_FILE": ".gates/integration/.coverage"}] * 4
    assert session.installs[0][2:4] == ("-e", ".[test]")
    assert "pytest-cov" not in session.installs[0]
    assert session.installs[0][-2:] == ("coverage", "pytest-reportlog")
    reports = [step[i + 1] for step in steps for i, arg in enumerate(step) if arg == "--report"]
    assert reports == [
        "pytest-reportlog=reportlog.jsonl",
        "junit-xml=junit.xml",
        "coverage-json=coverage.json",
        "cobertura-xml=coverage.xml",
    ]
    assert steps[3][steps[3].index("--stdout") + 1] == "coverage-report=coverage-report.txt"


class SettingsSession(FakeSession):
    """A session whose environment answers the coverage settings probe."""

    def __init__(self, name: str, answer: str) -> None:
        super().__init__(name)
        self.answer = answer

    def run(self, *args: str, **kwargs: Any) -> str | None:
        if args[:2] == ("python", "-c"):
            self.runs.append((args, kwargs))
            return self.answer
        return super().run(*args, **kwargs)


def _pytest_command(answer: str) -> list[str]:
    session = SettingsSession("unit", answer)
    Pipeline(package="pkg").run_unit(cast(nox.Session, session))
    first = session.gates_runs()[0]
    return first[first.index("--") + 1 :]


@pytest.mark.parametrize(
    ("answer", "source", "no_cov"),
    [
        ('gates-coverage-settings:{"measures": true, "pytest_cov": false}', False, False),
        ('warning\ngates-coverage-settings:{"measures": false, "pytest_cov": true}', True, True),
        ("Coverage.py error: bad config", True, False),  # coverage.py says it in the run
        ("gates-coverage-settings:{not json", True, False),
        ("gates-coverage-settings:[1]", True, False),
    ],
)
def test_the_projects_coverage_configuration_decides_what_is_measured(
    in_project: Path, answer: str, source: bool, no_cov: bool
) -> None:
    """No --source beside the project's own source/include; pytest-cov off when installed."""
    command = _pytest_command(answer)
    assert ("--source=pkg" in command) is source
    assert ("--no-cov" in command) is no_cov
    assert not any(arg.startswith("--cov") for arg in command)


def test_the_stage_combines_exactly_its_own_shards(in_project: Path) -> None:
    folder = in_project / ".gates" / "unit"
    folder.mkdir(parents=True)
    for name in (".coverage", ".coverage.host.1.a", ".coverage.host.2.b", ".coveragerc"):
        (folder / name).write_text("")
    session = drive(Pipeline(package="pkg").run_unit, "unit")
    combine = session.gates_runs()[1]
    assert combine[combine.index("--") + 1 :] == [
        "coverage",
        "combine",
        "--append",  # the main process wrote .coverage, its subprocesses the shards
        ".gates/unit/.coverage.host.1.a",
        ".gates/unit/.coverage.host.2.b",
    ]


@pytest.mark.parametrize(
    ("package", "measured"),
    [("solo.py", "solo"), ("src/solo.py", "solo"), ("src/pkg", "src/pkg"), ("pkg", "pkg")],
)
def test_coverage_measures_a_single_module_package_by_its_module_name(
    in_project: Path, package: str, measured: str
) -> None:
    session = drive(Pipeline(package=package).run_unit, "unit")
    args = session.gates_runs()[0]
    assert [arg for arg in args if arg.startswith("--source=")] == [f"--source={measured}"]


def test_several_package_paths_are_one_source_option(in_project: Path) -> None:
    session = drive(Pipeline(package=["src/a", "b.py"]).run_unit, "unit")
    assert "--source=src/a,b" in session.gates_runs()[0]


def test_security_audits_dependencies_only_when_there_are_targets(in_project: Path) -> None:
    (in_project / "pyproject.toml").write_text("[tool.bandit]\nskips = []\n")
    with_audit = drive(Pipeline(package="pkg").run_security, "security")
    tools = [step[step.index("--tool") + 1] for step in with_audit.gates_runs()]
    assert tools == ["bandit", "detect-secrets", "pip-audit"]
    assert "-c" in with_audit.gates_runs()[0]  # bandit reads [tool.bandit] only when told to
    secrets = with_audit.gates_runs()[1]
    assert secrets[secrets.index("--") + 1 :] == [
        "python",
        "-m",
        "gates.secrets_scan",
        "pkg",
        "-o",
        "{stage_dir}/secrets.json",
    ]
    without = drive(Pipeline(package="pkg", audit=()).run_security, "security")
    tools = [step[step.index("--tool") + 1] for step in without.gates_runs()]
    assert tools == ["bandit", "detect-secrets"]


def test_diff_compares_with_the_policy_base_and_both_coverage_reports(in_project: Path) -> None:
    (in_project / "gates.toml").write_text('[gates]\nbase = "upstream/dev"\n')
    _manifest(in_project, "diff", error="")  # as the numstat step leaves it when it worked
    _manifest(in_project, "unit", error="")
    _manifest(in_project, "integration", error="")
    pipeline = Pipeline(package="pkg", integration="it")
    session = drive(pipeline.run_diff, "diff")
    numstat, diffcover = session.gates_runs()
    assert "git diff --numstat upstream/dev...HEAD -- 'pkg/*.py'" in numstat[-1]
    assert "# git diff --numstat upstream/dev...HEAD -- pkg/*.py'" in numstat[-1]
    assert numstat[numstat.index("--tool-version") + 1] == "2.39.5"
    assert diffcover[diffcover.index("--") + 1 :][:4] == [
        "diff-cover",
        ".gates/unit/coverage.xml",
        ".gates/integration/coverage.xml",
        "--compare-branch=upstream/dev",
    ]


def _manifest(root: Path, stage: str, *, error: str) -> None:
    (root / ".gates" / stage).mkdir(parents=True, exist_ok=True)
    (root / ".gates" / stage / "manifest.json").write_text(json.dumps({"error": error}))


def test_without_its_base_the_diff_stage_says_so_and_runs_no_diff_cover(in_project: Path) -> None:
    _manifest(in_project, "diff", error="git exited 128")
    session = drive(Pipeline(package="pkg").run_diff, "diff")
    (numstat,) = session.gates_runs()  # diff-cover would only add an empty report
    assert session.warnings
    subprocess.run(["git", "init", "-q"], cwd=in_project, check=True)
    script = numstat[numstat.index("-c") + 1]
    ran = subprocess.run(
        ["sh", "-c", script], cwd=in_project, capture_output=True, text=True, check=False
    )
    assert ran.returncode == 128
    assert ran.stdout == ""  # no header: no numstat report that looks whole
    assert "the base ref origin/main is not in this clone: fetch it" in ran.stderr


@pytest.mark.parametrize(
    ("package", "pathspecs"),
    [
        ("src/pkg", "'src/pkg/*.py'"),
        ("src/pkg/", "'src/pkg/*.py'"),
        ("solo.py", "solo.py"),
        (".", "'*.py'"),
        (("a", "b.py"), "'a/*.py' b.py"),
    ],
)
def test_diff_counts_only_the_measured_code_as_changed_python(
    in_project: Path, package: str | tuple[str, ...], pathspecs: str
) -> None:
    """A change that adds only tests adds no line diff-cover measures: not a vacuous diff."""
    session = drive(Pipeline(package=package).run_diff, "diff")
    numstat = session.gates_runs()[0][-1]
    assert numstat.endswith(f"git diff --numstat origin/main...HEAD -- {pathspecs}")


@pytest.mark.parametrize(
    ("policy", "base"),
    [(None, "origin/main"), ("[gates]\n", "origin/main"), ("[gates", "origin/main")],
)
def test_base_defaults_to_origin_main(in_project: Path, policy: str | None, base: str) -> None:
    if policy is not None:
        (in_project / "gates.toml").write_text(policy)
    assert Pipeline(package="pkg").base() == base


def test_benchmark_runs_gates_bench_with_the_install_pins_and_options(in_project: Path) -> None:
    pipeline = Pipeline(
        package="pkg",
        benchmarks=["bench", "more"],
        install=["-e", ".[test]"],
        extra_install={"benchmark": ["numpy"]},
        benchmark_args=["--budget", "300"],
    )
    session = drive(pipeline.run_benchmark, "benchmark", posargs=("-k", "parse"))
    ((args, kwargs),) = session.runs
    assert args[:2] == ("gates", "bench")
    assert "--install=-e '.[test]' numpy" in args
    constraints = Path(args[args.index("--constraints") + 1])
    assert constraints == (in_project / ".nox/benchmark/gates-constraints.txt").resolve()
    assert "pytest-benchmark==5.3.1" in constraints.read_text().splitlines()
    assert args[args.index("--budget") + 1] == "300"
    assert args[args.index("--base") + 1] == "origin/main"  # as the diff stage: $GATES_BASE wins
    assert args[args.index("--") + 1 :] == ("bench", "more", "-k", "parse")
    assert kwargs["success_codes"] == [0, 3]  # no evidence is recorded, and the verdict blocks
    # the session needs gates only: each side gets an environment of its own
    assert session.installs == [("-c", str(tool_pins()), "gates==9.9")]


SCENARIO = LoadConfig(
    service=["python", "-m", "app", "--port", "8000"],
    ready_url="http://127.0.0.1:8000/ready",
    locustfile="load/locustfile.py",
    host="http://127.0.0.1:8000",
    users=50,
    run_time_s=120,
    offered_rps=100.0,
    processes=2,
    locust_args=("--tags", "api"),
)


def test_load_runs_gates_load_with_the_scenario_and_the_project_installed(in_project: Path) -> None:
    pipeline = Pipeline(package="pkg", load=SCENARIO)
    session = drive(pipeline.run_load, "load", posargs=("--loglevel", "WARNING"))
    ((args, kwargs),) = session.runs
    assert args[:2] == ("gates", "load")
    assert "--service=python -m app --port 8000" in args
    assert "--ready-url=http://127.0.0.1:8000/ready" in args
    assert tuple(
        a
        for a in args
        if a.split("=")[0] in {"--users", "--run-time", "--offered-rps", "--processes"}
    ) == ("--users=50", "--run-time=120", "--offered-rps=100", "--processes=2")
    assert "--steps" not in args
    assert args[args.index("--") + 1 :] == ("--tags", "api", "--loglevel", "WARNING")
    assert kwargs["success_codes"] == [0, 3]  # no evidence is recorded, and the verdict blocks
    ((install, *_),) = session.installs
    assert install == "-c"  # the tools at their pins: Locust among them
    assert "locust" in session.installs[0]


def test_a_required_profile_with_memray_installs_both_profilers(in_project: Path) -> None:
    scenario = dataclasses.replace(SCENARIO, profile="required", memray=True)
    session = drive(Pipeline(package="pkg", load=scenario).run_load, "load")
    ((args, _),) = session.runs
    assert "--profile=required" in args and "--memray" in args
    assert {"py-spy", "memray"} <= set(session.installs[0])
    assert "--profile" not in " ".join(SCENARIO.arguments())


def test_a_profile_policy_gates_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError, match="profile is one of 'off', 'warn', 'required'"):
        dataclasses.replace(SCENARIO, profile="always")


def test_the_verdict_session_writes_terminal_json_and_markdown(in_project: Path) -> None:
    session = drive(Pipeline(package="pkg").run_gates, "gates", posargs=("--today", "2027-01-01"))
    (args, _) = session.runs[0]
    assert args[:2] == ("gates", "check")
    assert "json:.gates/verdict.json" in args
    assert "markdown:.gates/verdict.md" in args
    assert args[-2:] == ("--today", "2027-01-01")


def test_the_verdict_session_leaves_no_verdict_of_an_earlier_run(in_project: Path) -> None:
    """`gates check` writes no verdict when the policy is broken (exit 2): none may be left."""
    reports = in_project / ".gates"
    reports.mkdir()
    for name in ("verdict.json", "verdict.md"):
        (reports / name).write_text("from an earlier run")
    drive(Pipeline(package="pkg").run_gates, "gates")
    assert [path.name for path in reports.iterdir()] == ["verdict.exit"]  # what check exited


@pytest.mark.parametrize(
    ("manifest", "warned"),
    [
        ({"error": ""}, False),
        ({"error": "pytest exited 4"}, True),
        (None, True),
    ],
)
def test_a_stage_that_could_not_produce_evidence_warns(
    in_project: Path, manifest: dict[str, str] | None, warned: bool
) -> None:
    if manifest is not None:
        (in_project / ".gates" / "unit").mkdir(parents=True)
        (in_project / ".gates" / "unit" / "manifest.json").write_text(json.dumps(manifest))
    session = FakeSession("unit")
    Pipeline(package="pkg")._done(cast(nox.Session, session), "unit")
    assert bool(session.warnings) is warned
    if warned:
        assert "gates check` blocks" in session.warnings[0]


def test_gates_installs_from_the_override_a_checkout_or_the_release(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GATES_INSTALL", "-e /src/gates[test]")
    assert gates_install() == ["-e", "/src/gates[test]"]
    monkeypatch.delenv("GATES_INSTALL")
    checkout = Path(recipes.__file__).resolve().parents[3]
    assert gates_install() == [str(checkout)]  # the tests run from a checkout
    monkeypatch.setattr(
        install, "__file__", str(tmp_path / "site" / "gates" / "stage" / "install.py")
    )
    origins = {
        "": f"gates=={__version__}",  # from an index: the same release from it
        '{"url": "file:///src/gates", "dir_info": {}}': "gates @ file:///src/gates",
        '{"url": "https://example.invalid/gates.git", "vcs_info": {"vcs": "git", '
        '"commit_id": "abc123"}}': "gates @ git+https://example.invalid/gates.git@abc123",
    }
    for direct_url, spec in origins.items():
        distribution = FakeDistribution(direct_url or None)
        monkeypatch.setattr(importlib.metadata, "distribution", lambda _n, d=distribution: d)
        assert gates_install() == [spec]


class FakeDistribution:
    def __init__(self, direct_url: str | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        return self.direct_url if name == "direct_url.json" else None


def test_a_project_that_is_gates_itself_is_not_installed_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GATES_INSTALL", raising=False)
    monkeypatch.chdir(Path(recipes.__file__).resolve().parents[3])
    session = drive(Pipeline(package="gates", install=["-e", ".[test]"]).run_type, "type")
    assert session.installs == [("-c", ".nox/type/gates-constraints.txt", "-e", ".[test]", "mypy")]


def test_the_repository_pins_win_over_the_shipped_ones(tmp_path: Path) -> None:
    assert tool_pins(tmp_path).name == "tools.txt"
    (tmp_path / "gates-tools.txt").write_text("ruff==0.1\n")
    assert tool_pins(tmp_path) == tmp_path / "gates-tools.txt"


_GROUPS = '[project]\nname = "app"\nversion = "1"\n[dependency-groups]\ndev = ["pytest", "mypy"]\n'
_LOCK = (
    'version = 1\n[[package]]\nname = "mypy"\nversion = "1.11.2"\n'
    '[[package]]\nname = "ruff"\nversion = "0.16.2"\n'
)


def _sources(session: FakeSession) -> dict[str, str]:
    sources: dict[str, str] = json.loads(session.env[recipes.TOOL_SOURCES_ENV])
    return sources


def test_a_dependency_group_is_installed_by_an_installer_that_knows_it(in_project: Path) -> None:
    (in_project / "pyproject.toml").write_text(_GROUPS)
    pipeline = Pipeline(package="app", install=["-e", ".", "--group", "dev"])
    session = drive(pipeline.run_type, "type")
    assert session.install_runs == [("uv", "pip", "install", "--help")]
    assert session.installs[0][2:] == ("-e", ".", "--group", "dev", "gates==9.9", "mypy")
    assert "mypy==2.4.1" in session.constraints()  # the group names mypy without a version
    assert _sources(session)["mypy"].startswith("gates: gates' pins")


def test_an_installer_that_cannot_install_groups_stops_the_stage_saying_so(
    in_project: Path,
) -> None:
    (in_project / "pyproject.toml").write_text(_GROUPS)
    pipeline = Pipeline(package="app", install=["-e", ".", "--group", "dev"])
    session = FakeSession("unit", backend="virtualenv", pip_help="  -r, --requirement <file>")
    with pytest.raises(nox.command.CommandFailed) as caught:
        pipeline.run_unit(cast(nox.Session, session))
    assert session.install_runs == [("python", "-m", "pip", "install", "--help")]
    assert "dependency groups dev (--group)" in str(caught.value)
    assert "pip >= 25.1 or uv" in str(caught.value)
    assert not session.installs


def test_a_uv_lock_gives_the_stage_exactly_the_locked_versions(in_project: Path) -> None:
    (in_project / "pyproject.toml").write_text(_GROUPS)
    (in_project / "uv.lock").write_text(_LOCK)
    pipeline = Pipeline(
        package="app",
        install=["-e", ".[test]", "--group", "dev"],
        extra_install={"type": ["--group", "typing"]},
    )
    session = drive(pipeline.run_type, "type")
    ((export),) = session.install_runs
    assert export[:4] == ("uv", "export", "--frozen", "--no-hashes")
    assert "--no-default-groups" in export
    assert "--no-emit-project" in export
    flags = [f"{a} {b}" for a, b in itertools.pairwise(export)]
    assert {"--group dev", "--group typing", "--extra test"} <= set(flags)
    locked = ".nox/type/gates-locked.txt"
    # the groups come from the lock, the project from its own folder, mypy at the lock's version
    assert session.installs[0][2:] == ("-r", locked, "-e", ".[test]", "gates==9.9", "mypy==1.11.2")
    assert not any(line.startswith("mypy") for line in session.constraints())
    assert _sources(session)["mypy"] == "locked: uv.lock (mypy==1.11.2)"
    assert _sources(session)["ruff"] == "locked: uv.lock (ruff==0.16.2)"


def test_a_tool_the_project_pins_for_gates_wins_over_its_lock(in_project: Path) -> None:
    (in_project / "pyproject.toml").write_text(_GROUPS)
    (in_project / "uv.lock").write_text(_LOCK)
    (in_project / "gates-tools.txt").write_text("mypy==2.4.1\n")
    session = drive(Pipeline(package="app", install=["-e", ".", "--group", "dev"]).run_type, "type")
    assert "mypy==2.4.1" in session.constraints()
    assert session.installs[0][-1] == "mypy"
    locked = Path(".nox/type/gates-locked.txt").read_text().splitlines()
    assert locked == ["attrs==25.1.0", "ruff==0.16.2 ; python_version >= '3'"]  # mypy left out
    assert _sources(session)["mypy"] == "pinned: gates-tools.txt (mypy==2.4.1)"


def test_the_lint_stage_runs_the_ruff_the_project_locks(in_project: Path) -> None:
    (in_project / "pyproject.toml").write_text(_GROUPS)
    (in_project / "uv.lock").write_text(_LOCK)
    session = drive(Pipeline(package="app").run_lint, "lint")
    assert session.installs[0][2:] == (
        "gates==9.9",
        "ruff==0.16.2",
        "radon",
        "complexipy",
        "pylint",
    )
    assert not session.install_runs  # no project installed: nothing exported
    assert not any(line.startswith("ruff") for line in session.constraints())
    without = drive(Pipeline(package="app", lock=None).run_lint, "lint")
    assert without.installs[0][2:] == ("gates==9.9", "ruff", "radon", "complexipy", "pylint")
    assert "ruff==0.17.6" in without.constraints()


def test_a_version_the_project_declares_is_the_one_installed(in_project: Path) -> None:
    (in_project / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1"\n'
        '[dependency-groups]\ndev = ["mypy==1.13.0", "ruff<0.17", "coverage>=7"]\n'
    )
    session = drive(Pipeline(package="app", install=["-e", ".", "--group", "dev"]).run_unit, "unit")
    sources = _sources(session)
    assert sources["mypy"] == "declared: pyproject.toml [dependency-groups] dev (mypy==1.13.0)"
    assert sources["ruff"] == "declared: pyproject.toml [dependency-groups] dev (ruff<0.17)"
    assert sources["coverage"].startswith("gates: gates' pins, within coverage>=7")
    constraints = session.constraints()
    assert "coverage==7.17.5" in constraints
    assert not any(line.startswith(("mypy", "ruff")) for line in constraints)


def test_a_lock_project_without_uv_says_how_to_go_on(
    in_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (in_project / "uv.lock").write_text(_LOCK)
    monkeypatch.setattr("shutil.which", lambda _name: None)
    session = FakeSession("unit", backend="virtualenv")
    with pytest.raises(nox.command.CommandFailed, match=r"needs uv: install uv where nox runs"):
        Pipeline(package="app").run_unit(cast(nox.Session, session))


def test_a_broken_pyproject_stops_the_stage_with_the_file_named(in_project: Path) -> None:
    (in_project / "pyproject.toml").write_text("[project\n")
    with pytest.raises(nox.command.CommandFailed, match=r"pyproject.toml is not valid TOML"):
        drive(Pipeline(package="app").run_lint, "lint")


def test_the_benchmark_sides_get_the_pytest_benchmark_the_project_locks(in_project: Path) -> None:
    (in_project / "uv.lock").write_text(
        '[[package]]\nname = "pytest-benchmark"\nversion = "5.2.3"\n'
    )
    session = drive(Pipeline(package="pkg", benchmarks="bench").run_benchmark, "benchmark")
    ((args, _),) = session.runs
    lines = Path(args[args.index("--constraints") + 1]).read_text().splitlines()
    assert "pytest-benchmark==5.2.3" in lines
    assert "ruff==0.17.6" in lines  # gates' pins for the rest


class OldRuffSession(FakeSession):
    """A lint session whose project locks a ruff older than 0.16."""

    def run(self, *args: str, **kwargs: Any) -> str | None:
        if args == ("ruff", "--version"):
            self.runs.append((args, kwargs))
            return "ruff 0.15.12\n"
        return super().run(*args, **kwargs)


def test_a_ruff_older_than_0_16_is_format_checked_as_text(in_project: Path) -> None:
    session = OldRuffSession("lint")
    Pipeline(package="pkg").run_lint(cast(nox.Session, session))
    last = session.gates_runs()[-1]
    assert last[last.index("--") + 1 :] == ["ruff", "format", "--check", "."]
    assert last[last.index("--stdout") + 1] == "ruff-format-text=format.txt"


def test_the_files_the_stages_run_ship_with_gates() -> None:
    """The actionlint runner and the semgrep rule pack, found from their modules' places."""
    assert ACTIONLINT_RUNNER.is_file()
    assert sorted(PACK.glob("*.yaml"))
