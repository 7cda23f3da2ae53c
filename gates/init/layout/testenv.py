"""How a project runs its own tests: its tox environments and nox sessions, read and never run.

``tox.ini`` (and ``tox.toml``, pyproject.toml's ``[tool.tox]``) says which
extras, dependency groups and packages the test environment installs, and
what it runs; so does a project's own ``noxfile.py``, read with :mod:`ast`
(only literal arguments of ``session.install`` and ``session.run``). From
them ``gates init`` learns what its stages must install on top of the
development environment (markdown-it-py's tests need the ``linkify`` extra,
its benchmarks the ``benchmarking`` one) and which runner the project uses.

tox's factor conditions (``tests: pytest``, ``py310,py311: x``,
``!pypy: y``), brace expansion (``py{310,311}-bench``, ``3.1{0-5}``) and
section inheritance from ``[testenv]`` are followed as tox follows them, for
the environments of ``env_list`` and of the ``[testenv:...]`` sections.
"""

from __future__ import annotations

import ast
import configparser
import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from gates.init.environment.projectenv import read_toml
from gates.init.layout.files import config_text

__all__ = ["Env", "read_envs", "runs_pytest", "runs_unittest"]

_FACTOR_LINE = re.compile(r"^(?P<condition>[\w!.{},-]+):(?:\s+|$)(?P<value>.*)$")
_PROJECT = re.compile(r"^(?:-e\s*)?\.(?:/)?(?:\[(?P<extras>[^\]]*)\])?$")
_UNITTEST = re.compile(
    r"(?:^|[\s'\"])-\w*m\s*['\"]?(?:unittest|xmlrunner)\b|\bunittest\s+discover\b"
)
_PYTEST = re.compile(r"(?:^|[\s'\"/=])(?:py\.test|pytest)(?=$|[\s'\"])|-\w*m\s*['\"]?pytest\b")
_SUBSTITUTIONS = (
    (re.compile(r"\{posargs:([^{}]*)\}"), r"\1"),
    (re.compile(r"\{posargs\}|\[\]"), ""),
    (re.compile(r"\{envpython\}|\{env_python\}"), "python"),
    (re.compile(r"\{toxinidir\}|\{tox_root\}"), "."),
)


@dataclass(frozen=True, slots=True)
class Env:
    """One test environment of the project: what it installs, and what it runs."""

    name: str  # "py310", "tests"
    where: str  # "tox.ini [testenv:py{310,311}]", "noxfile.py session tests"
    extras: tuple[str, ...] = ()  # of the project itself
    groups: tuple[str, ...] = ()  # PEP 735 dependency groups
    deps: tuple[str, ...] = ()  # more pip arguments: "pytest", "-r", "requirements.txt"
    commands: tuple[str, ...] = ()
    elsewhere: bool = False  # runs somewhere else (changedir): not the project's own tests

    @property
    def runs_tests(self) -> bool:
        """Whether a command runs pytest or unittest (or coverage.py around one)."""
        return any(runs_pytest(c) or runs_unittest(c) for c in self.commands)


def runs_pytest(command: str) -> bool:
    """Whether a command line runs pytest (``pytest``, ``python -m pytest``, ``py.test``)."""
    return bool(_PYTEST.search(command))


def runs_unittest(command: str) -> bool:
    """Whether a command line runs unittest (``python -m unittest``, ``coverage run -pm unittest``)."""
    return bool(_UNITTEST.search(command))


def read_envs(root: Path) -> tuple[tuple[Env, ...], tuple[str, ...]]:
    """Every tox environment and nox session of the project, and tox's default ``env_list``."""
    envs: list[Env] = []
    defaults: list[str] = []
    for found, listed in (_tox_ini(root), _tox_toml(root)):
        envs += found
        defaults += listed
    envs += _nox_sessions(root / "noxfile.py")
    return tuple(envs), tuple(defaults)


# ---------------------------------------------------------------- tox.ini


def _tox_ini(root: Path) -> tuple[list[Env], list[str]]:
    legacy = read_toml(root / "pyproject.toml").get("tool")
    tox = legacy.get("tox") if isinstance(legacy, dict) else None
    texts = [("tox.ini", config_text(root / "tox.ini"))]
    if isinstance(tox, dict) and isinstance(tox.get("legacy_tox_ini"), str):
        texts.append(("pyproject.toml [tool.tox] legacy_tox_ini", tox["legacy_tox_ini"]))
    envs: list[Env] = []
    defaults: list[str] = []
    for where, text in texts:
        if text:
            found, listed = _ini_envs(text, where)
            envs += found
            defaults += listed
    return envs, defaults


def _ini_envs(text: str, where: str) -> tuple[list[Env], list[str]]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return [], []
    tox = parser["tox"] if parser.has_section("tox") else {}
    listed = [
        name
        for line in _plain_lines(str(tox.get("env_list") or tox.get("envlist") or ""))
        for name in _expand(line)
    ]
    sections = {
        section: _expand(section.removeprefix("testenv:"))
        for section in parser.sections()
        if section.startswith("testenv:")
    }
    base = parser["testenv"] if parser.has_section("testenv") else {}
    names = dict.fromkeys([*listed, *(n for found in sections.values() for n in found)])
    if not names and base:
        names = {"py": None}  # tox's environment when none is named: [testenv] itself
    envs = []
    for name in names:
        section = next((s for s, found in sections.items() if name in found), None)
        values: Mapping[str, str] = parser[section] if section else base
        envs.append(_ini_env(name, f"{where} [{section or 'testenv'}]", values, base))
    return envs, listed


def _ini_env(name: str, where: str, values: Mapping[str, str], base: Mapping[str, str]) -> Env:
    factors = set(name.split("-"))

    def get(key: str, *aliases: str) -> list[str]:
        for option in (key, *aliases):
            for table in (values, base):
                if option in table:
                    return _factor_lines(str(table[option]), factors)
        return []

    skip = [v.lower() for v in get("skip_install")] == ["true"] or get("package") == ["skip"]
    changedir = get("changedir", "change_dir")
    return Env(
        name=name,
        where=where,
        extras=() if skip else tuple(_items(get("extras"))),
        groups=tuple(_items(get("dependency_groups"))),
        deps=tuple(arg for line in get("deps") for arg in _words(_substituted(line))),
        commands=tuple(_substituted(line) for line in get("commands")),
        elsewhere=bool(changedir) and changedir != ["{toxinidir}"],
    )


def _plain_lines(text: str) -> list[str]:
    return [
        line.strip()
        for line in text.replace("\\\n", " ").splitlines()
        if line.strip() and not line.strip().startswith(("#", ";"))
    ]


def _factor_lines(text: str, factors: set[str]) -> list[str]:
    """The lines of a tox value that apply to an environment with these factors."""
    found = []
    for line in _plain_lines(text):
        match = _FACTOR_LINE.match(line)
        if match is None or line.startswith(("http:", "https:", "git+")):
            found.append(line)
        elif _applies(match.group("condition"), factors) and match.group("value").strip():
            found.append(match.group("value").strip())
    return found


def _applies(condition: str, factors: set[str]) -> bool:
    """tox's factor condition: ``a,b`` either, ``a-b`` both, ``!a`` not a."""
    return any(
        all((part[1:] not in factors) if part.startswith("!") else (part in factors) for part in
            alternative.split("-"))
        for alternative in _expand(condition)
    )  # fmt: skip


def _expand(text: str) -> list[str]:
    """tox's brace expansion: ``py{310,311}-x`` is py310-x and py311-x; ``3.1{0-2}`` a range."""
    found: list[str] = []
    for item in _split_outside_braces(text):
        match = re.search(r"\{([^{}]*)\}", item)
        if match is None:
            found.append(item.strip())
            continue
        for choice in _choices(match.group(1)):
            found += _expand(item[: match.start()] + choice + item[match.end() :])
    return [item for item in found if item]


def _split_outside_braces(text: str) -> list[str]:
    items, depth, current = [], 0, ""
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    return [*items, current]


def _choices(inner: str) -> list[str]:
    found = []
    for part in inner.split(","):
        span = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", part)
        if span and int(span.group(2)) - int(span.group(1)) < 100:
            found += [str(n) for n in range(int(span.group(1)), int(span.group(2)) + 1)]
        else:
            found.append(part.strip())
    return found


def _items(lines: list[str]) -> list[str]:
    return [item.strip() for line in lines for item in line.split(",") if item.strip()]


def _words(line: str) -> list[str]:
    try:
        return shlex.split(line, comments=True)
    except ValueError:
        return line.split()


def _substituted(command: str) -> str:
    for pattern, replacement in _SUBSTITUTIONS:
        command = pattern.sub(replacement, command)
    return " ".join(command.split())


# ---------------------------------------------------------------- tox.toml, pyproject's tool.tox


def _tox_toml(root: Path) -> tuple[list[Env], list[str]]:
    if (root / "tox.toml").is_file():
        return _toml_envs(read_toml(root / "tox.toml"), "tox.toml")
    tool = read_toml(root / "pyproject.toml").get("tool")
    tox = tool.get("tox") if isinstance(tool, dict) else None
    if isinstance(tox, dict) and "legacy_tox_ini" not in tox:
        return _toml_envs(tox, "pyproject.toml [tool.tox]")
    return [], []


def _toml_envs(tox: Mapping[str, object], where: str) -> tuple[list[Env], list[str]]:
    base = tox.get("env_run_base")
    base = base if isinstance(base, dict) else {}
    tables = tox.get("env")
    tables = tables if isinstance(tables, dict) else {}
    listed = _strings(tox.get("env_list"))
    envs = []
    for name in dict.fromkeys([*listed, *(str(n) for n in tables)]):
        own = tables.get(name)
        table = {**base, **own} if isinstance(own, dict) else base
        label = f"{where} [env.{name}]" if isinstance(own, dict) else f"{where} [env_run_base]"
        envs.append(_toml_env(name, label, table))
    return envs, listed


def _toml_env(name: str, where: str, table: Mapping[str, object]) -> Env:
    skip = table.get("skip_install") is True or table.get("package") == "skip"
    deps = [arg for line in _strings(table.get("deps")) for arg in _words(line)]
    commands = table.get("commands")
    lines = [
        " ".join(_toml_word(word) for word in command if _toml_word(word))
        for command in (commands if isinstance(commands, list) else [])
        if isinstance(command, list)
    ]
    change = table.get("change_dir")
    return Env(
        name=name,
        where=where,
        extras=() if skip else tuple(_strings(table.get("extras"))),
        groups=tuple(_strings(table.get("dependency_groups"))),
        deps=tuple(deps),
        commands=tuple(_substituted(line) for line in lines),
        elsewhere=isinstance(change, str) and change not in ("", "{tox_root}"),
    )


def _toml_word(word: object) -> str:
    """A command word; ``{replace = "posargs", default = [...]}`` is its default."""
    if isinstance(word, str):
        return word
    if isinstance(word, dict) and word.get("replace") == "posargs":
        return " ".join(_strings(word.get("default")))
    return ""


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


# ---------------------------------------------------------------- noxfile.py


def _nox_sessions(path: Path) -> list[Env]:
    """The sessions of the project's own noxfile (not one that gates wrote), read with ast."""
    text = config_text(path)
    if not text or "gates.nox" in text:
        return []
    try:
        tree = ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError):
        return []
    return [
        _nox_session(node)
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and _session_name(node)
    ]


def _session_name(node: ast.FunctionDef) -> str:
    """The session's name when the function is a ``@nox.session``; "" otherwise."""
    for decorator in node.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        target = call.func if call else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name != "session":
            continue
        for keyword in call.keywords if call else []:
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                return str(keyword.value.value)
        return node.name
    return ""


def _nox_session(node: ast.FunctionDef) -> Env:
    installs: list[str] = []
    commands: list[str] = []
    for call in ast.walk(node):
        if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Attribute):
            continue
        words = [
            a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
        ]
        if call.func.attr == "install":
            installs += words
        elif call.func.attr in ("run", "run_always", "run_install"):
            commands.append(" ".join(words))
    extras, groups, deps = _install_parts(installs)
    name = _session_name(node)
    return Env(name, f"noxfile.py session {name}", extras, groups, deps, tuple(commands))


def _install_parts(args: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """``session.install`` arguments as the project's extras, groups and other pip arguments."""
    extras: list[str] = []
    groups: list[str] = []
    deps: list[str] = []
    items: Iterator[str] = iter(args)
    for arg in items:
        match = _PROJECT.match(arg)
        if arg == "-e":
            continue
        if match:
            extras += [e.strip() for e in (match.group("extras") or "").split(",") if e.strip()]
        elif arg == "--group":
            groups.append(next(items, ""))
        else:
            deps.append(arg)
    return tuple(extras), tuple(g for g in groups if g), tuple(deps)
