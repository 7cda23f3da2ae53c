"""How the project runs its tests and formats its code, as ``gates init`` reads it.

* **The test install.** The development environment (:mod:`gates.init.environment.devenv`)
  plus what the project's own test environment adds: tox's ``extras``,
  ``dependency_groups`` and ``deps`` of the environment that runs the tests
  (the first of ``env_list``), or its noxfile's test session. The benchmark
  stage gets what the benchmark environments add on top.
* **The runner.** A project that runs its tests with unittest (tox, nox,
  Makefile, shell scripts or CI run ``python -m unittest``) and neither runs
  nor installs pytest, and has no pytest configuration, gets the unittest
  runner; one that does both is told what pytest misses (``load_tests``).
  pytest is added to the install when the project does not bring it.
* **The formatter.** A project that formats with black (a pre-commit hook,
  ``[tool.black]``, a ``black`` command) and not with ruff format gets no
  formatting gate: ruff format and black disagree on some files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from gates.init.environment.devenv import installed_names
from gates.init.environment.projectenv import normalise, read_install, read_toml
from gates.init.layout.detect import pytest_config
from gates.init.layout.files import config_text
from gates.init.layout.testenv import Env, read_envs, runs_pytest, runs_unittest
from gates.stage.pins import bundled_pins

__all__ = ["Runs", "how_it_runs"]

_NOT_TESTS = frozenset(
    {"docs", "doc", "lint", "type", "types", "typing", "mypy", "pyright", "fuzz", "profile",
     "coverage", "pre-commit", "precommit", "plugins", "release", "build", "changelog"}
)  # fmt: skip
_BENCH = re.compile(r"bench|codspeed", re.IGNORECASE)
# a `black` command (not a `black==24.1` pin), or black's GitHub action
_BLACK_COMMAND = re.compile(r"(?:^|[\s'\"/])black(?=\s|$)(?!\s*[=<>~])|uses:\s*psf/black@")
_RUFF_FORMAT = re.compile(r"\bruff\s+format\b|id:\s*['\"]?ruff-format\b|id:\s*['\"]?ruff_format\b")
_BLACK_HOOK = re.compile(r"repo:\s*\S*psf/black|id:\s*['\"]?black['\"]?\s*$", re.MULTILINE)
_LOAD_TESTS = re.compile(r"^def load_tests\(", re.MULTILINE)
_MAX_FILES = 2000


@dataclass(frozen=True, slots=True)
class Runs:
    """How the stages run the project's tests, and why."""

    install: tuple[str, ...]  # the install, with what the test environment adds
    bench_install: tuple[str, ...] = ()  # more pip arguments for the benchmark stage
    runner: str = "pytest"  # or "unittest"
    format: str | None = "ruff"  # None: the project formats with black
    runner_why: str = ""  # one line for the noxfile and gates.toml comments
    format_why: str = ""
    notes: tuple[str, ...] = ()  # what init says
    commands: tuple[str, ...] = ()  # what the test and benchmark environments run


def how_it_runs(
    root: Path,
    pyproject: dict[str, object],
    install: tuple[str, ...],
    *,
    tests: Sequence[str],
    benchmarks: Sequence[str],
) -> Runs:
    """The test install, the benchmark install, the runner and the formatter of the project."""
    envs, defaults = read_envs(root)
    test_env = _test_env(envs, defaults)
    notes: list[str] = []
    if test_env is not None:
        added = _additions(root, pyproject, install, test_env)
        if added != install:
            notes.append(
                f"the tests install what {test_env.where} adds: `{_shown(added, install)}`"
            )
        install = added
    bench = _bench_install(root, pyproject, install, envs, benchmarks)
    commands = list(_commands(root, envs))
    runner, runner_why, more = _runner(root, pyproject, install, commands, tests)
    if runner == "pytest" and "pytest" not in installed_names(root, pyproject, install):
        install = (*install, "pytest")
        more.append(
            "pytest is not in the project's development environment: the test stages install it"
        )
    formatter, format_why = _formatter(root, commands)
    return Runs(
        install=install,
        bench_install=bench,
        runner=runner,
        format=formatter,
        runner_why=runner_why,
        format_why=format_why,
        notes=(*notes, *more, *([format_why] if format_why else [])),
        commands=tuple(
            dict.fromkeys(
                command
                for env in [*([test_env] if test_env else []), *_bench_envs(envs, benchmarks)]
                for command in env.commands
            )
        ),
    )


def _shown(added: tuple[str, ...], before: tuple[str, ...]) -> str:
    return " ".join(arg for arg in added if arg not in before) or " ".join(added)


# ---------------------------------------------------------------- the environments


def _test_env(envs: Sequence[Env], defaults: Sequence[str]) -> Env | None:
    """The environment that runs the project's tests: the first of tox's env_list that does."""
    usable = [env for env in envs if env.runs_tests and not env.elsewhere and not _special(env)]
    order = {name: index for index, name in enumerate(defaults)}
    usable.sort(key=lambda env: order.get(env.name, len(order)))  # stable: file order otherwise
    return usable[0] if usable else None


def _special(env: Env) -> bool:
    """Docs, lint, typing, benchmark... environments: not the test environment."""
    words = set(re.split(r"[-_.]", env.name.lower()))
    return bool(words & _NOT_TESTS) or bool(_BENCH.search(env.name))


def _bench_envs(envs: Sequence[Env], benchmarks: Sequence[str]) -> list[Env]:
    return [
        env
        for env in envs
        if env.runs_tests
        and (_BENCH.search(env.name) or any(b in c for b in benchmarks for c in env.commands))
    ]


def _bench_install(
    root: Path,
    pyproject: dict[str, object],
    install: tuple[str, ...],
    envs: Sequence[Env],
    benchmarks: Sequence[str],
) -> tuple[str, ...]:
    """What the benchmark environments add to ``install``, as more pip arguments."""
    if not benchmarks:
        return ()
    merged = install
    for env in _bench_envs(envs, benchmarks):
        merged = _additions(root, pyproject, merged, env)
    added = read_install(merged)
    before = read_install(install)
    extras = [e for e in added.extras if e not in before.extras]
    rest = [arg for arg in merged if arg not in install and not _is_project(arg)]
    return ((f".[{','.join(extras)}]",) if extras else ()) + tuple(rest)


def _is_project(arg: str) -> bool:
    return arg == "." or arg.startswith((".[", "./"))


def _additions(
    root: Path, pyproject: dict[str, object], install: tuple[str, ...], env: Env
) -> tuple[str, ...]:
    """``install`` with the extras, groups and packages ``env`` installs and it does not."""
    have = installed_names(root, pyproject, install)
    current = read_install(install)
    extras = [
        e for e in env.extras if normalise(e) not in {normalise(x) for x in current.extras}
        and _adds(root, pyproject, install, ("-e", f".[{e}]"), have)
    ]  # fmt: skip
    groups = [
        g for g in env.groups if normalise(g) not in {normalise(x) for x in current.groups}
        and _adds(root, pyproject, install, ("--group", g), have)
    ]  # fmt: skip
    result = _with_extras(install, extras) if current.project else install
    result += tuple(arg for group in groups for arg in ("--group", group))
    return result + tuple(_deps(env.deps, have, result))


def _adds(
    root: Path,
    pyproject: dict[str, object],
    install: tuple[str, ...],
    more: tuple[str, ...],
    have: set[str],
) -> bool:
    """Whether installing ``more`` brings a package ``install`` does not (gates' tools aside)."""
    return bool(installed_names(root, pyproject, (*install, *more)) - have - _gates_tools())


def _gates_tools() -> set[str]:
    """The tools the stages install themselves (coverage, pytest-benchmark, ...)."""
    return {normalise(name) for name in bundled_pins()} | {"pytest"}


def _with_extras(install: tuple[str, ...], extras: Sequence[str]) -> tuple[str, ...]:
    """The project's own argument (``.``, ``.[a]``) with ``extras`` added."""
    if not extras:
        return install
    return tuple(_project_with(arg, extras) for arg in install)


def _project_with(arg: str, extras: Sequence[str]) -> str:
    match = re.fullmatch(r"\.(/)?(?:\[([^\]]*)\])?", arg)
    if not match:
        return arg
    listed = [e.strip() for e in (match.group(2) or "").split(",") if e.strip()]
    return f".[{','.join(sorted({*listed, *extras}, key=str.lower))}]"


def _deps(deps: Sequence[str], have: set[str], install: tuple[str, ...]) -> Iterator[str]:
    """The environment's packages and requirements files that the install lacks."""
    items = iter(deps)
    for arg in items:
        if arg in ("-r", "--requirement"):
            file = next(items, "")
            if file and file not in install:
                yield from ("-r", file)
        elif arg.startswith("-r") and len(arg) > 2 and arg[2:] not in install:
            yield from ("-r", arg[2:])
        elif arg in ("-c", "--constraint", "-e", "--editable"):
            next(items, "")
        elif not arg.startswith(("-", ".", "{")) and _name(arg) not in have and arg not in install:
            yield arg


def _name(requirement: str) -> str:
    match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return normalise(match.group(1)) if match else ""


# ---------------------------------------------------------------- commands


def _commands(root: Path, envs: Sequence[Env]) -> Iterator[tuple[str, str]]:
    """(where, command line) of what the project runs: tox, nox, Makefile, scripts, CI."""
    for env in envs:
        for command in env.commands:
            yield env.where, command
    files = [root / "Makefile", *sorted(root.glob("*.sh"))]
    workflows = root / ".github" / "workflows"
    if workflows.is_dir():
        files += sorted(p for p in workflows.iterdir() if p.suffix in (".yml", ".yaml"))
    for path in files[:50]:
        for line in config_text(path).splitlines():
            if line.strip() and not line.strip().startswith("#"):
                yield path.relative_to(root).as_posix(), line.strip()


def _runner(
    root: Path,
    pyproject: dict[str, object],
    install: tuple[str, ...],
    commands: list[tuple[str, str]],
    tests: Sequence[str],
) -> tuple[str, str, list[str]]:
    """("pytest" or "unittest", why, notes)."""
    unittest = [(where, command) for where, command in commands if runs_unittest(command)]
    pytest = [(where, command) for where, command in commands if runs_pytest(command)]
    loaders = _load_tests(root, tests)
    configured = pytest_config(root) or _has_pytest_table(pyproject)
    declared = "pytest" in installed_names(root, pyproject, install)
    if unittest and not pytest and not configured and not declared:
        where, command = next((c for c in unittest if "discover" in c[1]), unittest[0])
        why = (
            f"the project runs its tests with unittest ({where}: `{command}`) and does not "
            "use pytest: the test stages run them with unittest too"
        )
        return "unittest", why, [why]
    notes = []
    if unittest or loaders:
        seen = f"{unittest[0][0]}: `{unittest[0][1]}`" if unittest else "its tests"
        missed = (
            f"; pytest does not run `load_tests` ({', '.join(loaders)}), so it runs fewer tests"
            if loaders
            else ""
        )
        notes.append(
            f"the project also runs its tests with unittest ({seen}); the stages run pytest"
            f'{missed}: to run unittest instead, set runner="unittest" in noxfile.py'
        )
    return "pytest", "", notes


def _has_pytest_table(pyproject: dict[str, object]) -> bool:
    tool = pyproject.get("tool")
    return isinstance(tool, dict) and isinstance(tool.get("pytest"), dict)


def _load_tests(root: Path, tests: Sequence[str]) -> list[str]:
    """The test modules that define ``load_tests`` (unittest's protocol, which pytest ignores)."""
    files = [p for folder in tests for p in sorted((root / folder).rglob("*.py"))][:_MAX_FILES]
    return [
        path.relative_to(root).as_posix() for path in files if _LOAD_TESTS.search(config_text(path))
    ]


def _formatter(root: Path, commands: list[tuple[str, str]]) -> tuple[str | None, str]:
    """("ruff", "") unless the project formats with black and not with ruff format."""
    hooks = config_text(root / ".pre-commit-config.yaml")
    tool = read_toml(root / "pyproject.toml").get("tool")
    black = [".pre-commit-config.yaml"] if _BLACK_HOOK.search(hooks) else []
    black += ["pyproject.toml [tool.black]"] if isinstance(tool, dict) and "black" in tool else []
    black += [where for where, command in commands if _BLACK_COMMAND.search(command)]
    ruff = _RUFF_FORMAT.search(hooks) or any(_RUFF_FORMAT.search(c) for _, c in commands)
    if not black or ruff:
        return "ruff", ""
    return None, (
        f"the project formats with black ({black[0]}), not ruff format, and the two disagree "
        "on some files: the lint stage does not gate formatting (format=None)"
    )
