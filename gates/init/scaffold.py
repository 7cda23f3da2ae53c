"""``gates init``: adopt gates in an existing Python project.

Detects every package of the project (:mod:`gates.init.layout.packages`), its tests, how
it installs its development environment (:mod:`gates.init.environment.devenv`) and runs its
tests (:mod:`gates.init.layout.projectruns`: tox, nox, unittest or pytest, black or ruff
format), what it depends on at run time (:mod:`gates.init.environment.runtime`); then writes a
short ``noxfile.py`` that imports the stage recipes, a commented
``gates.toml`` with the standard gates (:mod:`gates.init.initrender`), the tool
pins (``gates-tools.txt``), and adds ``.gates/`` and ``.nox/`` to
``.gitignore``. It never replaces an existing file without ``force``:
without it, nothing is written at all when one of the files exists.
"""

from __future__ import annotations

import platform
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from gates.errors import UsageError
from gates.init.documents import unaffected_documents
from gates.init.environment.devenv import (
    find_lock,
    has_workflows,
    install_args,
    project_tool_pins,
    stage_python,
    test_groups_only,
    type_install,
    uninstallable,
)
from gates.init.environment.projectenv import merge_install, read_install
from gates.init.environment.runtime import audit_plan
from gates.init.initrender import package_glob, render_noxfile, render_policy
from gates.init.layout.detect import benchmark_files, mypy_files, pytest_testpaths
from gates.init.layout.packages import find_packages, find_tests
from gates.init.layout.projectruns import how_it_runs
from gates.init.layout.subproject import propose_subproject, shown
from gates.init.noxstyle import Style, read_style
from gates.system.atomic import atomic_write
from gates.system.git import BASELINE_NAME, origin_head

__all__ = [
    "InitResult",
    "Layout",
    "detect",
    "init",
    "package_glob",
    "render_noxfile",
    "render_policy",
    "summary",
]

_IGNORED = (".gates/", ".nox/")


@dataclass(frozen=True, slots=True)
class Layout:
    """What ``gates init`` found in the project."""

    packages: tuple[str, ...]  # repository-relative paths of the packages (or modules) gated
    tests: tuple[str, ...]
    integration: str | None
    benchmarks: tuple[str, ...]  # the files (or folder) of tests that take `benchmark`
    install: tuple[str, ...]  # pip arguments that install the project's development environment
    base: str
    audit: tuple[str, ...] = (".",)  # pip-audit targets; () nothing to audit
    audit_why: str = ""  # what the targets are, or why there are none
    type_install: tuple[str, ...] = ()  # more pip arguments for the type stage (a typing group)
    bench_install: tuple[str, ...] = ()  # more pip arguments for the benchmark stage
    base_detected: bool = True  # False: no origin/HEAD, so `base` is a guess
    tests_from: str = ""  # the pytest configuration whose testpaths named the tests
    python: str | None = None  # the stages' Python, when this one is not what the project allows
    lock: str | None = None  # the project's uv.lock, relative to its root
    typecheck: tuple[str, ...] = ()  # what the project's mypy configuration checks (`files`)
    workflows: bool = False  # .github/workflows: the lint stage runs zizmor and actionlint
    # how the project's linters want the noxfile to look
    style: Style = field(default_factory=Style)
    notes: tuple[str, ...] = ()  # what init chose, and why, for the user to read
    unaffected: tuple[str, ...] = ()  # documents no stage reads: [gates] unaffected
    unaffected_why: tuple[str, ...] = ()  # why each other document suffix is not
    runner: str = "pytest"  # or "unittest"
    runner_why: str = ""
    format: str | None = "ruff"  # None: the project formats with black, not gated
    format_why: str = ""
    baseline: bool = False  # gates-baseline.json is there: findings gates count only new ones

    @property
    def dependencies(self) -> bool:
        """Whether the security stage audits runtime dependencies."""
        return bool(self.audit)


def detect(root: Path, *, package: str | None = None, tests: str | None = None) -> Layout:
    """Find the packages, tests, install, runner and base ref of the project at ``root``."""
    pyproject = _read_pyproject(root)
    packages = (
        _given_packages(root, package)
        if package
        else find_packages(root, pyproject, when_none=propose_subproject)
    )
    configured, tests_from = ((), "") if tests else pytest_testpaths(root)
    unit, integration = (
        ((_given(root, tests, "--tests"),), None)
        if tests
        else find_tests(root, packages, configured)
    )
    python = stage_python(root, pyproject)
    install, notes = _installable(root, pyproject, install_args(root, pyproject), python)
    benchmarks = _benchmarks(root)
    runs = how_it_runs(
        root,
        pyproject,
        install,
        tests=[*unit, *([integration] if integration else [])],
        benchmarks=benchmarks,
    )
    plan = audit_plan(root, pyproject)
    read = [*unit, *([integration] if integration else []), *benchmarks, *packages]
    unaffected, unaffected_why = unaffected_documents(root, read, runs.commands)
    base = _base(root)
    return Layout(
        packages=packages,
        tests=unit,
        integration=integration,
        benchmarks=benchmarks,
        install=runs.install,
        base=base or "origin/main",
        audit=plan.targets,
        audit_why=plan.why,
        type_install=_type_installable(root, pyproject, runs.install, python),
        bench_install=runs.bench_install,
        base_detected=bool(base),
        tests_from=tests_from if configured else "",
        python=python,
        lock=find_lock(root),
        typecheck=mypy_files(root),
        workflows=has_workflows(root),
        style=read_style(root),
        notes=(*notes, *runs.notes),
        unaffected=unaffected,
        unaffected_why=unaffected_why,
        runner=runs.runner,
        runner_why=runs.runner_why,
        format=runs.format,
        format_why=runs.format_why,
        baseline=(root / BASELINE_NAME).is_file(),
    )


def _type_installable(
    root: Path, pyproject: dict[str, object], install: tuple[str, ...], python: str | None
) -> tuple[str, ...]:
    """The type stage's typing group, unless it cannot install here either."""
    extra = type_install(pyproject, install)
    version = python or ".".join(platform.python_version_tuple()[:2])
    return () if extra and uninstallable(root, extra, python=version) else extra


def _installable(
    root: Path, pyproject: dict[str, object], install: tuple[str, ...], python: str | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The install, narrowed to the test group when the development groups need another Python."""
    version = python or ".".join(platform.python_version_tuple()[:2])
    why = uninstallable(root, install, python=version)
    narrowed = test_groups_only(pyproject, install) if why else ()
    if not narrowed:
        return install, ()
    groups = ", ".join(read_install(install).groups)
    note = (
        f"the {groups} dependency groups do not install on Python {version} ({why}); the "
        f"stages install the {narrowed[-1]} group: run them on a Python the groups allow "
        f'(python="3.N" in noxfile.py) to check the whole development environment'
    )
    return narrowed, (note,)


def _given(root: Path, path: str, option: str) -> str:
    """A folder or module named on the command line, which must exist."""
    if not (root / path).exists():
        raise UsageError(
            f"{option} {path}: no such file or folder under {root}",
            slug="usage",
            hint=f"pass a path relative to the project root, or leave {option} out to detect it",
        )
    return path


def _given_packages(root: Path, packages: str) -> tuple[str, ...]:
    """``--package src/a,src/b``: each must exist."""
    names = [item.strip() for item in packages.split(",") if item.strip()]
    return tuple(_given(root, name, "--package") for name in names)


def _read_pyproject(root: Path) -> dict[str, object]:
    path = root / "pyproject.toml"
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(
            f"pyproject.toml is not valid TOML: {error}",
            slug="usage",
            hint="fix pyproject.toml, or pass --package and --tests",
        ) from None


def _benchmarks(root: Path) -> tuple[str, ...]:
    """The benchmarks: their folder when they all live in one named so, else their files."""
    files = benchmark_files(root)
    tops = {file.split("/")[0] for file in files}
    if len(tops) == 1 and next(iter(tops)) in ("benchmarks", "benchmark", "bench"):
        return (next(iter(tops)),)
    return files


def _base(root: Path) -> str:
    """``origin``'s default branch, or "" when the clone does not say (no remote HEAD)."""
    return origin_head(root)


# ---------------------------------------------------------------- what init says


def summary(result: InitResult, root: Path) -> list[str]:
    """The lines ``gates init`` prints: what it found and wrote, its notes, what to run next."""
    layout = result.layout
    found = f"package {', '.join(layout.packages)}, tests {', '.join(layout.tests)}"
    if layout.tests_from:
        found += f" (testpaths of {layout.tests_from})"
    if layout.integration:
        found += f", integration tests {layout.integration}"
    if layout.benchmarks:
        found += f", benchmarks {', '.join(layout.benchmarks)}"
    if layout.lock:
        found += f", the versions of {layout.lock}"
    if layout.python:
        found += f"; the stages run Python {layout.python} (requires-python excludes this one)"
    guessed = (
        "" if layout.base_detected else " (origin/HEAD is not set: a guess; edit [gates] base)"
    )
    runner = "" if layout.runner == "pytest" else f"; runs the tests with {layout.runner}"
    installs = f"installs with `pip install {' '.join(layout.install)}`{runner}"
    lines = [
        f"found {found}; {installs}; base {layout.base}{guessed}",
        f"wrote {', '.join(result.written)}"
        + (f"; added {', '.join(result.gitignore)} to .gitignore" if result.gitignore else ""),
        *(f"note: {note}" for note in layout.notes),
    ]
    if not layout.audit:
        lines.append(
            f"note: no dependency audit: {layout.audit_why} (gates.toml says how to add one)"
        )
    if result.noxfile_lines:
        lines.append(
            "noxfile.py exists and was kept: add these lines to it (or rerun with --force to "
            "replace it):\n\n" + result.noxfile_lines
        )
    where = shown(root)
    go = "" if where == "." else f"`cd {where}`, then "
    lines.append(f"next: {go}`nox -s gates` (nox and gates installed where nox runs)")
    return lines


# ---------------------------------------------------------------- writing


@dataclass(frozen=True, slots=True)
class InitResult:
    """What ``gates init`` wrote."""

    layout: Layout
    written: tuple[str, ...]
    gitignore: tuple[str, ...]  # lines added to .gitignore
    noxfile_lines: str = ""  # for a project that has a noxfile: what to add to it


def init(
    root: Path,
    *,
    force: bool = False,
    package: str | None = None,
    tests: str | None = None,
    pins: bytes,
) -> InitResult:
    """Write the pipeline, the policy and the pins into the project at ``root``."""
    layout = detect(root, package=package, tests=tests)
    files = {
        "noxfile.py": render_noxfile(layout).encode(),
        "gates.toml": render_policy(layout).encode(),
        "gates-tools.txt": project_tool_pins(
            root,
            pins.decode(),
            install=merge_install(layout.install, layout.type_install),
            lock=layout.lock,
        ).encode(),
    }
    kept_noxfile = (root / "noxfile.py").exists() and not force
    if kept_noxfile:  # the project's own sessions stay; it is told what to add
        del files["noxfile.py"]
    existing = sorted(name for name in files if (root / name).exists())
    if existing and not force:
        raise UsageError(
            f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; nothing was written",
            slug="usage",
            hint="review them, then rerun with --force to replace them",
        )
    for name, data in files.items():
        atomic_write(root / name, data)
    added = _ignore(root / ".gitignore")
    snippet = _pipeline_lines(render_noxfile(layout)) if kept_noxfile else ""
    return InitResult(layout, tuple(files), added, snippet)


def _pipeline_lines(noxfile: str) -> str:
    """What to add to an existing noxfile: the import and the Pipeline call."""
    start = noxfile.index("from gates.nox import Pipeline")
    body = noxfile[noxfile.index("Pipeline(\n") :]
    return noxfile[start : noxfile.index("\n", start) + 1] + "\n" + body


def _ignore(path: Path) -> tuple[str, ...]:
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    present = {line.strip().rstrip("/") for line in text.splitlines()}
    missing = tuple(entry for entry in _IGNORED if entry.rstrip("/") not in present)
    if missing:
        prefix = "" if not text or text.endswith("\n") else "\n"
        block = "# gates: evidence and stage environments\n" + "\n".join(missing) + "\n"
        atomic_write(path, (text + prefix + block).encode())
    return missing
