"""The project's code style, read so that the ``noxfile.py`` gates init writes passes its linters.

A project's lint stage checks every file, the new ``noxfile.py`` too: a file
that breaks the project's own ruff or isort settings would make the first
verdict block on gates itself. This module reads the settings that decide how
such a small file must look — the line length, the quote style, how imports
are sorted and spaced, imports every module must have — from ruff's
configuration (``.ruff.toml``, ``ruff.toml``, ``[tool.ruff]``), isort's
(``.isort.cfg``, ``[tool.isort]``, ``setup.cfg``, ``tox.ini``), black's and
flake8's line length, and renders Python source to match.
"""

from __future__ import annotations

import configparser
import functools
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from gates.init.environment.projectenv import read_toml

__all__ = ["MYPY_IGNORE", "Style", "call", "imports", "noxfile", "read_style", "string"]

_SORTED_PROFILES = frozenset({"google", "open_stack", "plone"})  # isort: force_sort_within_sections


@dataclass(frozen=True, slots=True)
class Style:
    """What a new module must look like in this project."""

    line_length: int = 88
    single_quotes: bool = False
    force_sort_within_sections: bool = False  # `from x import y` sorted among `import x`
    from_first: bool = False
    lines_after_imports: int = 1
    lines_between_types: int = 0
    required_imports: tuple[str, ...] = ()
    indent: int = 4


def read_style(root: Path) -> Style:
    """The project's style, from ruff's configuration, else isort's, black's and flake8's."""
    style = Style()
    length = _flake8_length(root) or _black_length(root)
    if length:
        style = replace(style, line_length=length)
    style = _isort_style(root, style)
    ruff = _ruff_table(root)
    return _ruff_style(ruff, style) if ruff is not None else style


def _ruff_table(root: Path) -> Mapping[str, object] | None:
    for name in (".ruff.toml", "ruff.toml"):
        if (root / name).is_file():
            return read_toml(root / name)
    tool = read_toml(root / "pyproject.toml").get("tool")
    ruff = tool.get("ruff") if isinstance(tool, dict) else None
    return ruff if isinstance(ruff, dict) else None


def _table(parent: Mapping[str, object], *path: str) -> Mapping[str, object]:
    for key in path:
        value = parent.get(key)
        if not isinstance(value, dict):
            return {}
        parent = value
    return parent


def _ruff_style(ruff: Mapping[str, object], style: Style) -> Style:
    lint = _table(ruff, "lint")
    isort = {**_table(ruff, "isort"), **_table(lint, "isort")}  # top-level: ruff's older layout
    quotes = {**_table(ruff, "flake8-quotes"), **_table(lint, "flake8-quotes")}
    length = ruff.get("line-length")
    quote_style = _table(ruff, "format").get("quote-style")
    indent = ruff.get("indent-width")
    return replace(
        style,
        line_length=length if isinstance(length, int) else style.line_length,
        single_quotes=quote_style == "single"
        or (quote_style != "double" and quotes.get("inline-quotes") == "single"),
        force_sort_within_sections=bool(isort.get("force-sort-within-sections", False)),
        from_first=bool(isort.get("from-first", False)),
        lines_after_imports=_lines(isort.get("lines-after-imports"), style.lines_after_imports),
        lines_between_types=_lines(isort.get("lines-between-types"), 0),
        required_imports=_strings(isort.get("required-imports")) or style.required_imports,
        indent=indent if isinstance(indent, int) else style.indent,
    )


def _lines(value: object, default: int) -> int:
    """A blank-line count; ruff's -1 ("as the formatter decides") is the default."""
    return value if isinstance(value, int) and value >= 0 else default


def _strings(value: object) -> tuple[str, ...]:
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


def _isort_style(root: Path, style: Style) -> Style:
    """isort's own settings: [tool.isort], .isort.cfg, setup.cfg or tox.ini."""
    settings = _isort_settings(root)
    if not settings:
        return style
    profile = str(settings.get("profile", "")).strip()
    length = _int(settings.get("line_length")) or (88 if profile == "black" else None)
    sort_within = settings.get("force_sort_within_sections", profile in _SORTED_PROFILES)
    required = settings.get("add_imports", "")
    return replace(
        style,
        line_length=length or style.line_length,
        force_sort_within_sections=_true(sort_within),
        from_first=_true(settings.get("from_first", False)),
        lines_after_imports=_lines(_int(settings.get("lines_after_imports")), 1),
        lines_between_types=_lines(_int(settings.get("lines_between_types")), 0),
        required_imports=tuple(required)
        if isinstance(required, list)
        else tuple(item.strip() for item in str(required).split(",") if item.strip()),
    )


def _isort_settings(root: Path) -> Mapping[str, object]:
    tool = read_toml(root / "pyproject.toml").get("tool")
    isort = tool.get("isort") if isinstance(tool, dict) else None
    if isinstance(isort, dict):
        return isort
    for name, section in (
        (".isort.cfg", "settings"),
        ("setup.cfg", "isort"),
        ("setup.cfg", "tool:isort"),
        ("tox.ini", "isort"),
    ):
        found = _ini_section(root / name, section)
        if found:
            return found
    return {}


def _ini_section(path: Path, section: str) -> dict[str, object]:
    if not path.is_file():
        return {}
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"))
    except configparser.Error:
        return {}
    return dict(parser[section]) if parser.has_section(section) else {}


def _true(value: object) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes", "on")


def _int(value: object) -> int | None:
    text = str(value).strip()
    return int(text) if text.lstrip("-").isdigit() else None


def _black_length(root: Path) -> int | None:
    black = _table(read_toml(root / "pyproject.toml"), "tool", "black")
    length = black.get("line-length")
    return length if isinstance(length, int) else None


def _flake8_length(root: Path) -> int | None:
    for name, section in ((".flake8", "flake8"), ("setup.cfg", "flake8"), ("tox.ini", "flake8")):
        length = _int(_ini_section(root / name, section).get("max-line-length"))
        if length:
            return length
    return None


# ---------------------------------------------------------------- rendering


def string(style: Style, text: str) -> str:
    """A string literal in the project's quotes (``text`` holds neither quote nor backslash)."""
    quote = "'" if style.single_quotes else '"'
    return f"{quote}{text}{quote}"


def imports(style: Style, straight: Sequence[str], froms: Sequence[tuple[str, str]]) -> str:
    """One section of third-party imports, sorted and spaced the way the project's isort does."""
    plain = sorted((module, f"import {module}") for module in straight)
    named = sorted((module, f"from {module} import {name}") for module, name in froms)
    if style.force_sort_within_sections:
        return "".join(f"{line}\n" for _, line in sorted(plain + named))
    first, second = (named, plain) if style.from_first else (plain, named)
    gap = "\n" * style.lines_between_types if first and second else ""
    return (
        "".join(f"{line}\n" for _, line in first) + gap + "".join(f"{line}\n" for _, line in second)
    )


def call(style: Style, head: str, arguments: Sequence[tuple[str, Sequence[str], str]]) -> str:
    """``head(`` then one ``name=value,`` per line, ``)``: the shape ruff format keeps.

    ``arguments`` are (name, comment lines, value); a list value too long for
    the line is split one item per line, as the formatter would.
    """
    pad = " " * style.indent
    lines = [f"{head}("]
    width = max(style.line_length - style.indent - 2, 20)
    for name, comments, value in arguments:
        for comment in comments:
            lines += [f"{pad}# {line}" for line in textwrap.wrap(comment, width=width)]
        lines += _argument(style, name, value)
    return "\n".join([*lines, ")"])


def _argument(style: Style, name: str, value: str) -> list[str]:
    pad = " " * style.indent
    line = f"{pad}{name}={value},"
    if len(line) <= style.line_length or value in ("[]", "{}"):
        return [line]
    if value.startswith("["):
        items = [item.strip() for item in value[1:-1].split(", ")]
        return [f"{pad}{name}=[", *(f"{pad}{pad}{item}," for item in items), f"{pad}],"]
    if value.startswith("{"):
        entries = _top_level_items(value[1:-1])
        lines = [f"{pad}{name}={{"]
        for entry in entries:
            key, _, item = entry.partition(": ")
            lines += _entry(style, key, item)
        return [*lines, f"{pad}}},"]
    return [line]


def _entry(style: Style, key: str, value: str) -> list[str]:
    """One ``key: value,`` line of a dict argument; a list too long is split, as ruff would."""
    pad = " " * style.indent * 2
    line = f"{pad}{key}: {value},"
    if len(line) <= style.line_length or not value.startswith("["):
        return [line]
    items = [item.strip() for item in value[1:-1].split(", ")]
    return [f"{pad}{key}: [", *(f"{pad}{' ' * style.indent}{item}," for item in items), f"{pad}],"]


def _top_level_items(text: str) -> list[str]:
    """``a: [x, y], b: [z]`` split at the commas outside brackets (no string holds one)."""
    items, depth, current = [], 0, ""
    for char in text:
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += char
    return [item for item in [*items, current.strip()] if item]


def noxfile(style: Style, arguments: Sequence[tuple[str, Sequence[str], str]]) -> str:
    """The ``noxfile.py`` gates init writes: the imports, Nox's options and a Pipeline call."""
    required = "".join(f"{line}\n" for line in style.required_imports)
    block = imports(style, ["nox"], [("gates.nox", "Pipeline")])
    after = "\n" * max(style.lines_after_imports, 1)
    q = functools.partial(string, style)
    settings = (
        f"nox.needs_version = {q('>=2026.10.20')}\n"
        f"nox.options.default_venv_backend = {q('uv|virtualenv')}\n"
        f"nox.options.reuse_venv = {q('yes')}\n"
        f"nox.options.sessions = [{q('gates')}]\n"
        f"nox.options.parallel = {q('auto')}\n"
    )
    pipeline = call(style, "Pipeline", arguments) + ".register()\n"
    comment = "".join(f"# {line}\n" for line in _wrap(_NOXFILE_COMMENT, style.line_length - 2))
    return (
        f"{MYPY_IGNORE}\n"
        '"""The quality-gate pipeline: run it with `nox -s gates`."""\n\n'
        + (f"{required}\n" if required else "")
        + block
        + after
        + comment
        + settings
        + "\n"
        + pipeline
    )


_NOXFILE_COMMENT = (
    "Written by `gates init`, to edit freely. Each stage (`nox -l` lists them) runs "
    "one real tool into .gates/<stage>/; what is good enough lives in gates.toml; "
    "the tool versions in gates-tools.txt, and `gates tools --upgrade` updates them. "
    "The first line keeps the project's own mypy from checking this file, which "
    "imports nox and gates: they need not be installed where mypy runs."
)
# the project's `mypy .` must not fail on this file's imports (nox and gates are not
# in a project's type-checking environment); an inline config comment, not a
# `type: ignore`, so `warn_unused_ignores` has nothing to say either
MYPY_IGNORE = "# mypy: ignore-errors"


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=max(width, 40), break_on_hyphens=False)
