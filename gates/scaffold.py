"""``gates init``: adopt gates in an existing Python project.

Detects the package (src or flat layout, from ``pyproject.toml`` and the
folders), the test folders and how the project installs its test
dependencies; then writes a short ``noxfile.py`` that imports the stage
recipes, a commented ``gates.toml`` with the standard gates, the tool pins
(``gates-tools.txt``), and adds ``.gates/`` and ``.nox/`` to ``.gitignore``.
It never replaces an existing file without ``force``: without it, nothing is
written at all when one of the files exists.
"""

from __future__ import annotations

import platform
import re
import subprocess
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from gates import noxstyle
from gates.detect import (
    benchmark_files,
    mypy_files,
    pytest_testpaths,
    unaffected_documents,
)
from gates.devenv import (
    find_lock,
    has_workflows,
    install_args,
    project_tool_pins,
    stage_python,
    test_groups_only,
    type_install,
    uninstallable,
)
from gates.errors import UsageError
from gates.manifest import atomic_write
from gates.noxstyle import Style, read_style
from gates.projectenv import read_install

__all__ = ["Layout", "detect", "init", "render_noxfile", "render_policy"]

_NOT_PACKAGES = frozenset(
    {
        "tests",
        "test",
        "testing",
        "docs",
        "doc",
        "examples",
        "example",
        "scripts",
        "tools",
        "benchmarks",
        "build",
        "dist",
        "site-packages",
        "node_modules",
        "noxfile",
        "setup",
        "conftest",
    }
)
_IGNORED = (".gates/", ".nox/")


@dataclass(frozen=True, slots=True)
class Layout:
    """What ``gates init`` found in the project."""

    package: str  # repository-relative path of the package (or module) under test
    tests: tuple[str, ...]
    integration: str | None
    benchmarks: tuple[str, ...]  # the files (or folder) of tests that take `benchmark`
    install: tuple[str, ...]  # pip arguments that install the project's development environment
    base: str
    dependencies: bool = True  # whether the project declares runtime dependencies to audit
    audit: tuple[str, ...] = (".",)  # pip-audit targets: the project, or -r requirements.txt
    type_install: tuple[str, ...] = ()  # more pip arguments for the type stage (a typing group)
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


def detect(root: Path, *, package: str | None = None, tests: str | None = None) -> Layout:
    """Find the package, tests, install command and base ref of the project at ``root``."""
    pyproject = _read_pyproject(root)
    found_package = _given(root, package, "--package") if package else _package(root, pyproject)
    configured, tests_from = ((), "") if tests else pytest_testpaths(root)
    unit, integration = _tests(root, _given(root, tests, "--tests") if tests else None, configured)
    base = _base(root)
    python = stage_python(root, pyproject)
    install, notes = _installable(root, pyproject, install_args(root, pyproject), python)
    return Layout(
        package=found_package,
        tests=unit,
        integration=integration,
        benchmarks=_benchmarks(root),
        install=install,
        base=base or "origin/main",
        dependencies=_has_dependencies(root, pyproject),
        audit=_audit(root, pyproject),
        type_install=_type_installable(root, pyproject, install, python),
        base_detected=bool(base),
        tests_from=tests_from if configured else "",
        python=python,
        lock=find_lock(root),
        typecheck=mypy_files(root),
        workflows=has_workflows(root),
        style=read_style(root),
        notes=notes,
        unaffected=unaffected_documents(root),
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


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _package(root: Path, pyproject: dict[str, object]) -> str:
    project = pyproject.get("project")
    name = _normalise(str(project.get("name", ""))) if isinstance(project, dict) else ""
    candidates: list[str] = []
    for base in (root / "src", root):
        if not base.is_dir():
            continue
        for child in sorted(base.iterdir()):
            relative = child.relative_to(root).as_posix()
            if child.is_dir() and (child / "__init__.py").is_file():
                if child.name not in _NOT_PACKAGES and not child.name.startswith((".", "_")):
                    candidates.append(relative)
            elif child.suffix == ".py" and child.stem not in _NOT_PACKAGES and base != root:
                candidates.append(relative)
        if candidates:
            break
    if not candidates and name and (root / f"{name}.py").is_file():
        candidates.append(f"{name}.py")
    for candidate in candidates:
        if _normalise(Path(candidate).stem) == name:
            return candidate
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        _propose_subproject(root)
    shown = ", ".join(candidates) if candidates else "no package folder with an __init__.py"
    raise UsageError(
        f"cannot tell which package to gate (found: {shown})",
        slug="usage",
        hint="name it: `gates init --package src/mypkg`",
    )


def _propose_subproject(root: Path) -> None:
    """A root with no package of its own, and a sub-folder that is a Python project: say which.

    (A ``backend/`` with its own pyproject.toml and ``backend/app``.) Its stages
    run from that folder, where its tests, its configuration and its relative
    paths work, so gates is adopted there.
    """
    found: list[str] = []
    for child in sorted(root.iterdir()):
        if child.name.startswith(".") or child.name in _NOT_PACKAGES or not child.is_dir():
            continue
        if not any((child / name).is_file() for name in ("pyproject.toml", "setup.py")):
            continue
        try:
            package = _package(child, _read_pyproject(child))
        except UsageError:
            continue
        found.append(f"{child.name}/ (package {child.name}/{package})")
    if not found:
        return
    first = found[0].split("/", 1)[0]
    raise UsageError(
        f"no package to gate at the root of {root}; "
        f"{'a sub-folder is a Python project' if len(found) == 1 else 'sub-folders are Python projects'} "
        f"of its own: {', '.join(found)}",
        slug="usage",
        hint=f"adopt gates there: `gates init --root {root / first}`, then run `nox -s gates` in "
        f"{root / first} (its install, tests and coverage paths are its own); or name a package "
        "here with --package",
    )


def _tests(
    root: Path, tests: str | None, configured: tuple[str, ...]
) -> tuple[tuple[str, ...], str | None]:
    """The unit tests (and integration tests): as given, as pytest's testpaths, else guessed."""
    if tests:
        return (tests,), None
    folders = configured or tuple(f for f in ("tests", "test") if (root / f).is_dir())[:1]
    if len(folders) == 1 and (root / folders[0]).is_dir():
        unit, integration = root / folders[0] / "unit", root / folders[0] / "integration"
        if unit.is_dir() and integration.is_dir():
            return (f"{folders[0]}/unit",), f"{folders[0]}/integration"
    if folders:
        return folders, None
    raise UsageError(
        "cannot find the tests (no testpaths in the pytest configuration, no tests/ or test/ "
        "folder)",
        slug="usage",
        hint="name them: `gates init --tests path/to/tests`",
    )


def _benchmarks(root: Path) -> tuple[str, ...]:
    """The benchmarks: their folder when they all live in one named so, else their files."""
    files = benchmark_files(root)
    tops = {file.split("/")[0] for file in files}
    if len(tops) == 1 and next(iter(tops)) in ("benchmarks", "benchmark", "bench"):
        return (next(iter(tops)),)
    return files


def _has_dependencies(root: Path, pyproject: dict[str, object]) -> bool:
    project = pyproject.get("project")
    if not isinstance(project, dict):
        return True  # setup.py or setup.cfg: cannot tell, so audit
    dynamic_deps = "dependencies" in _strings(project.get("dynamic"))
    return _applies(project) or dynamic_deps or (root / "requirements.txt").is_file()


def _applies(project: dict[str, object]) -> bool:
    """Whether any declared dependency installs on this interpreter.

    ``typing-extensions; python_version < "3.11"`` installs nothing on 3.11:
    pip-audit would audit no package, and the gate could never pass.
    """
    for text in _strings(project.get("dependencies")):
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            return True  # unreadable: audit, and let pip-audit say what it makes of it
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            return True
    return False


def _audit(root: Path, pyproject: dict[str, object]) -> tuple[str, ...]:
    """pip-audit's targets: the project's declared dependencies, else its requirements.txt.

    ``pip-audit .`` audits only what the project declares; for a project whose
    dependencies are listed in requirements.txt alone it audits nothing, and the
    gate could never pass.
    """
    project = pyproject.get("project")
    declares = isinstance(project, dict) and (
        _applies(project) or "dependencies" in _strings(project.get("dynamic"))
    )
    if isinstance(project, dict) and not declares and (root / "requirements.txt").is_file():
        return ("-r", "requirements.txt")
    return (".",)


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _base(root: Path) -> str:
    """``origin``'s default branch, or "" when the clone does not say (no remote HEAD)."""
    try:
        result = subprocess.run(
            ["git", "symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    ref = result.stdout.strip()
    return ref if result.returncode == 0 and ref else ""


# ---------------------------------------------------------------- rendering


def _value(style: Style, value: str | Sequence[str]) -> str:
    """A string, or a list of strings, as the project writes them."""
    if isinstance(value, str):
        return noxstyle.string(style, value)
    return "[" + ", ".join(noxstyle.string(style, item) for item in value) + "]"


def _one_or_list(items: Sequence[str]) -> str | Sequence[str]:
    return items[0] if len(items) == 1 else items


def _pipeline_arguments(layout: Layout) -> list[tuple[str, list[str], str]]:
    """(name, comment lines above it, value) of each Pipeline argument."""
    style = layout.style
    args: list[tuple[str, list[str], str]] = [
        ("package", [], _value(style, layout.package)),
        (
            "tests",
            [f"pytest's testpaths, from {layout.tests_from}"] if layout.tests_from else [],
            _value(style, _one_or_list(layout.tests)),
        ),
    ]
    if layout.integration:
        args.append(("integration", [], _value(style, layout.integration)))
    if layout.benchmarks:
        args.append(("benchmarks", [], _value(style, _one_or_list(layout.benchmarks))))
    args.append(("install", [], _value(style, layout.install)))
    if layout.type_install:
        extra = f"{{{_value(style, 'type')}: {_value(style, layout.type_install)}}}"
        args.append(("extra_install", [], extra))
    if layout.typecheck:
        args.append(
            ("typecheck", ["what the mypy configuration checks"], _value(style, layout.typecheck))
        )
    if layout.dependencies and layout.audit != (".",):
        args.append(("audit", ["the dependencies the project lists"], _value(style, layout.audit)))
    if not layout.dependencies:
        comment = ["no runtime dependencies to audit: list the project here when it has some"]
        args.append(("audit", comment, "[]"))
    if layout.lock not in (None, "uv.lock"):
        args.append(("lock", ["the uv workspace's lock"], _value(style, str(layout.lock))))
    if layout.python:
        comment = ["the Python the project's requires-python allows"]
        args.append(("python", comment, _value(style, layout.python)))
    return args


def render_noxfile(layout: Layout) -> str:
    """The ``noxfile.py`` gates init writes, in the project's own style."""
    return noxstyle.noxfile(layout.style, _pipeline_arguments(layout))


def package_glob(package: str) -> str:
    """The files of ``package`` as a gate's ``path`` glob: ``src/pkg/*``, or ``solo.py``."""
    cleaned = package.strip("/")
    if cleaned.endswith(".py"):
        return cleaned
    return f"{cleaned}/*" if cleaned not in ("", ".") else "*"


def _toml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def render_policy(layout: Layout) -> str:
    """The commented ``gates.toml`` gates init writes."""
    files = package_glob(layout.package)
    unaffected = (
        f"unaffected = {_toml_list(layout.unaffected)}   # editing these keeps the evidence fresh"
        if layout.unaffected
        else "# unaffected = []   # none: pytest runs the project's documents as tests"
    )
    parts = [_POLICY_HEAD.format(base=layout.base, unaffected=unaffected)]
    parts.append(_UNIT.format(files=files))
    if layout.integration:
        parts.append(_INTEGRATION.format(files=files))
    parts.append(_REST.format(files=files))
    if layout.workflows:
        parts.append(_WORKFLOWS)
    parts.append(_AUDIT if layout.dependencies else _NO_AUDIT)
    if layout.benchmarks:
        parts.append(_BENCHMARKS)
    parts.append(_WAIVER)
    return "".join(parts)


_POLICY_HEAD = """\
# The merge policy: what is good enough. Written by `gates init`; `gates check`
# judges the evidence the stages wrote (noxfile.py) against it. Reference:
# docs/policy.md. Every gate blocks when its evidence is missing, stale or
# incomplete; `level = "warn"` reports without blocking, e.g. while adopting.

[gates]
reports = ".gates"     # where the stages write evidence
base = "{base}"   # what the change is compared with (patch coverage, benchmarks)
# Files whose changes cannot change any stage's evidence: edit or commit them
# and the evidence stays fresh, a rerun of `nox -s gates` runs nothing. Add a
# folder only when no stage reads it (`docs/` when no tool checks its conf.py).
{unaffected}

"""

_UNIT = """\
# Coverage as coverage.py counts it: the stages run `coverage run -m pytest`
# with your own coverage configuration. `coverage.total_percent` is the TOTAL
# that `coverage report --include='{files}'` prints: statements and branches
# together when the configuration measures branches (`branch = true`),
# statements alone when not; rounded at its `precision` (else two decimals).
# For statements only, write "coverage.percent"; for branches only,
# "coverage.branch_percent": the verdict then shows both figures.
[gate.unit-coverage]
metric = "coverage.total_percent"
stage = "unit"
path = "{files}"   # the package only, whatever else coverage measures
min = 90

"""

_INTEGRATION = """\
[gate.integration-coverage]
metric = "coverage.total_percent"
stage = "integration"
path = "{files}"
min = 80

[gate.combined-coverage]
metric = "coverage.total_percent"   # unit and integration data combined, as `coverage combine`
stage = ["unit", "integration"]
path = "{files}"
min = 85

"""

_REST = """\
[gate.patch-coverage]
metric = "coverage.patch_percent"   # the lines this change adds, against `base`
path = "{files}"
min = 90

[gate.tests]
metric = "tests.failed"   # failed or errored, in every stage
max = 0

[gate.lint]
metric = "findings"
tool = "ruff"             # ruff check and ruff format --check
max = 0

[gate.types]
metric = "findings"
tool = "mypy"
max = 0

[gate.code-security]
metric = "findings"
tool = "bandit"
severity = "medium"       # at or above: critical > high > medium > low > info
max = 0

"""

_WORKFLOWS = """\
[gate.workflows]
metric = "findings"
tool = ["zizmor", "actionlint"]   # the lint stage checks .github/workflows with both
max = 0

"""

_AUDIT = """\
[gate.dependencies]
metric = "findings"
tool = "pip-audit"        # known vulnerabilities in the project's dependencies
max = 0

"""

_NO_AUDIT = """\
# The project declares no runtime dependencies, so nothing is audited. When it
# gains one, set `audit=["."]` in noxfile.py and add:
#
# [gate.dependencies]
# metric = "findings"
# tool = "pip-audit"
# max = 0

"""

_BENCHMARKS = """\
[gate.benchmarks]
metric = "benchmark.regressions"  # head against its merge base, measured in the same run
slowdown = "5%"           # the smallest slowdown that counts; inconclusive never blocks
max = 0

"""

_WAIVER = """\
# An accepted exception names what it covers, who owns it, why, and until when;
# an expired waiver blocks. For example:
#
# [[waiver]]
# finding = "pip-audit:GHSA-xxxx-xxxx-xxxx"
# owner = "alice"
# reason = "not reachable: we never parse untrusted YAML"
# expires = 2027-01-31
"""


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
            root, pins.decode(), install=[*layout.install, *layout.type_install], lock=layout.lock
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
