"""What a setuptools project declares in ``setup.py`` and ``setup.cfg``, read without running them.

``setup.py`` is a program: running it to learn what it declares could do
anything. It is parsed with :mod:`ast` instead, and only literal values are
taken: a list of strings, or a module-level name bound to one. A value
computed at run time (``install_requires=read("requirements.txt")``) is
*unknown*, never guessed, except that the requirements files the script names
(a string literal such as ``"requirements.txt"``) are reported, since such a
script nearly always reads its runtime requirements from one of them.
``setup.cfg``'s ``[options]`` is declarative and read as setuptools reads it.
"""

from __future__ import annotations

import ast
import configparser
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gates.system.atomic import write_lines

__all__ = ["SETUP_TARGETS", "Setup", "audit_arguments", "read_setup"]

_MAX_BYTES = 1_000_000  # a setup.py larger than this is no setup script
_REQUIREMENTS_NAME = re.compile(r"^[\w./-]*requirements[\w./-]*\.(?:txt|in)$")


@dataclass(frozen=True, slots=True)
class Setup:
    """What setup.py and setup.cfg say, as far as it can be read without running them."""

    found: bool = False  # a setup() call, or a setup.cfg [metadata]/[options]
    where: str = ""  # "setup.py", "setup.cfg": where the runtime requirements are declared
    # the runtime requirements; None when computed at run time (not a literal)
    install_requires: tuple[str, ...] | None = ()
    requirement_files: tuple[str, ...] = ()  # requirements files setup.py names
    packages: tuple[str, ...] = ()  # the literal `packages=[...]`
    find: bool = False  # packages=find_packages(...) / find:
    include: tuple[str, ...] = ()  # find_packages(include=...)
    exclude: tuple[str, ...] = ()  # find_packages(exclude=...)
    package_dir: str = ""  # "src" for package_dir={"": "src"}
    modules: tuple[str, ...] = ()  # py_modules


def read_setup(root: Path) -> Setup:
    """setup.py's literal ``setup(...)`` arguments, else setup.cfg's ``[options]``."""
    from_py = _read_setup_py(root / "setup.py")
    from_cfg = _read_setup_cfg(root / "setup.cfg")
    if not from_py.found:
        return from_cfg
    if not from_cfg.found:
        return from_py
    # setup.py's keywords override setup.cfg's; what setup.py leaves out, setup.cfg says
    return Setup(
        found=True,
        where="setup.cfg"
        if from_py.install_requires == () and from_cfg.install_requires != ()
        else "setup.py",
        install_requires=(
            from_py.install_requires
            if from_py.install_requires != ()
            else from_cfg.install_requires
        ),
        requirement_files=from_py.requirement_files,
        packages=from_py.packages or from_cfg.packages,
        find=from_py.find or from_cfg.find,
        include=from_py.include or from_cfg.include,
        exclude=from_py.exclude or from_cfg.exclude,
        package_dir=from_py.package_dir or from_cfg.package_dir,
        modules=from_py.modules or from_cfg.modules,
    )


# ---------------------------------------------------------------- setup.py


def _read_setup_py(path: Path) -> Setup:
    try:
        if not path.is_file() or path.stat().st_size > _MAX_BYTES:
            return Setup()
        tree = ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return Setup()
    call = next((node for node in ast.walk(tree) if _is_setup_call(node)), None)
    if not isinstance(call, ast.Call):
        return Setup()
    names = _module_literals(tree)
    keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg}
    requires: tuple[str, ...] | None = ()
    if "install_requires" in keywords:
        requires = _strings(keywords["install_requires"], names)
    packages = keywords.get("packages")
    find = _find_call(packages)
    package_dir = keywords.get("package_dir")
    return Setup(
        found=True,
        where="setup.py",
        install_requires=requires,
        requirement_files=_requirement_files(tree),
        packages=() if find else _literal_or_none(packages, names),
        find=find is not None,
        include=_keyword_strings(find, "include", names),
        exclude=_keyword_strings(find, "exclude", names),
        package_dir=_src_dir(package_dir, names) if package_dir is not None else "",
        modules=_literal_or_none(keywords.get("py_modules"), names),
    )


def _is_setup_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "setup") or (
        isinstance(func, ast.Attribute) and func.attr == "setup"
    )


def _module_literals(tree: ast.Module) -> dict[str, ast.expr]:
    """Module-level ``NAME = <expression>``: a keyword may name one."""
    found: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                found[target.id] = node.value
    return found


def _strings(node: ast.expr, names: dict[str, ast.expr]) -> tuple[str, ...] | None:
    """A literal list, tuple or string of strings (or a name bound to one); None otherwise."""
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, str):
        return tuple(line.strip() for line in value.splitlines() if line.strip())
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(value)
    return None


def _literal_or_none(node: ast.expr | None, names: dict[str, ast.expr]) -> tuple[str, ...]:
    """The strings of a literal keyword value; () when absent or computed."""
    return (_strings(node, names) or ()) if node is not None else ()


def _find_call(node: ast.expr | None) -> ast.Call | None:
    """``find_packages(...)`` or ``find_namespace_packages(...)``, however it was imported."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    return node if name in ("find_packages", "find_namespace_packages") else None


def _keyword_strings(
    call: ast.Call | None, name: str, names: dict[str, ast.expr]
) -> tuple[str, ...]:
    if call is None:
        return ()
    for keyword in call.keywords:
        if keyword.arg == name:
            return _strings(keyword.value, names) or ()
    if name == "exclude" and len(call.args) >= 2:  # find_packages(where, exclude, include)
        return _strings(call.args[1], names) or ()
    return ()


def _src_dir(node: ast.expr, names: dict[str, ast.expr]) -> str:
    """The folder of ``package_dir={"": "src"}``."""
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return ""
    folder = value.get("") if isinstance(value, dict) else None
    return folder.strip("/") if isinstance(folder, str) else ""


def _requirement_files(tree: ast.Module) -> tuple[str, ...]:
    """The requirements files setup.py names in a string literal, in order."""
    found = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _REQUIREMENTS_NAME.match(node.value)
    ]
    return tuple(dict.fromkeys(found))


# ---------------------------------------------------------------- setup.cfg


def _read_setup_cfg(path: Path) -> Setup:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        if not path.is_file():
            return Setup()
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, configparser.Error):
        return Setup()
    if not parser.has_section("options"):
        return Setup(found=parser.has_section("metadata"))
    options = parser["options"]
    packages = options.get("packages", "").strip()
    find = packages.startswith("find")
    section = "options.packages.find"
    found = parser[section] if parser.has_section(section) else {}
    return Setup(
        found=True,
        where="setup.cfg",
        install_requires=_cfg_list(options.get("install_requires", "")),
        packages=() if find else _cfg_list(packages),
        find=find,
        include=_cfg_list(found.get("include", "")),
        exclude=_cfg_list(found.get("exclude", "")),
        package_dir=_cfg_src(options.get("package_dir", "")) or str(found.get("where", "")).strip(),
        modules=_cfg_list(options.get("py_modules", "")),
    )


def _cfg_list(text: str) -> tuple[str, ...]:
    """A setup.cfg list: one item a line, or comma-separated on one line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == 1 and "," in lines[0] and not re.search(r"[<>=!~;]", lines[0]):
        lines = [item.strip() for item in lines[0].split(",") if item.strip()]
    return tuple(line for line in lines if not line.startswith("#"))


def _cfg_src(text: str) -> str:
    """The folder of ``package_dir = =src``."""
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and not key.strip():
            return value.strip().strip("/")
    return ""


# ---------------------------------------------------------------- the security stage

SETUP_TARGETS = ("setup.py", "setup.cfg")  # Pipeline(audit=...) targets read here


def audit_arguments(targets: Sequence[str], folder: Path) -> list[str]:
    """pip-audit's arguments, with a ``setup.py`` target made a requirements file.

    pip-audit audits a pyproject.toml or requirements files, not a setup.py
    ("couldn't find a supported project file"): the setup script's literal
    ``install_requires`` are written to ``folder/gates-runtime-requirements.txt``
    and audited with ``-r``. A computed ``install_requires`` is a ``ValueError``
    that says what to do instead.
    """
    found = [target for target in targets if target in SETUP_TARGETS]
    if not found:
        return list(targets)
    setup = read_setup(Path())
    if setup.install_requires is None:
        raise ValueError(
            f"{setup.where}: install_requires is computed when the script runs, so gates cannot "
            'read it: audit its requirements file instead (audit=["-r", "requirements.txt"] '
            "in noxfile.py)"
        )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "gates-runtime-requirements.txt"
    lines = [
        f"# the install_requires of {setup.where or found[0]}, for pip-audit",
        *setup.install_requires,
    ]
    write_lines(path, lines)
    rest = [target for target in targets if target not in SETUP_TARGETS]
    return [*rest, "-r", str(path)]
