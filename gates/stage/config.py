"""A pipeline's configuration: which folders, which install, which stages (``gates.nox.Pipeline``'s fields)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gates.catalog.stages import CATALOGUE
from gates.stage.coverage import (
    as_paths,
)
from gates.stage.testrunner import check_options

__all__ = ["PipelineConfig"]


@dataclass(frozen=True)
class PipelineConfig:
    """How a repository's evidence is made: which folders, which install, which stages.

    ``package`` is what coverage measures, mypy and bandit check; ``tests`` the
    unit tests; ``integration`` and ``benchmarks`` enable those stages.
    ``install`` is the pip arguments that install the project the way it
    declares its development environment: ``["-e", ".[test]"]``, or with PEP
    735 groups ``["-e", ".", "--group", "dev"]``. ``lock`` is the project's
    ``uv.lock``: when it is there, the project's dependencies and groups are
    installed at exactly its versions (``uv export --frozen``). ``semgrep``
    adds semgrep to the security stage (:mod:`gates.stage.semgrep`). What is
    *good enough* is not here: that is ``gates.toml``.
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
    # semgrep in the security stage, offline: True for gates' rule pack, or rule folders of the
    # project's own ("gates" names the pack); False: not run (semgrep is a heavy install)
    semgrep: bool | Sequence[str] = False
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

    @property
    def stages(self) -> tuple[str, ...]:
        """The enabled stages, in pipeline order."""
        return tuple(
            item.name
            for item in CATALOGUE
            if not item.enabled_by or getattr(self, item.enabled_by) not in (None, False)
        )
