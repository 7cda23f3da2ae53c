"""The ``[gates] unaffected`` globs ``gates init`` writes: documents no stage reads.

Markdown and reStructuredText change no stage's evidence, so editing a README
keeps the evidence fresh, unless a stage reads them: a test that parses
``tests/fixtures/*.md`` (markdown-it-py), a package that ships and loads its
``README.md``, a benchmark that renders ``samples/spec.md``, pytest collecting
documents as tests (``--doctest-glob="*.rst"``, pytest-markdown-docs, Sybil).
A suffix is left out of the default as soon as one file with it lies where
the stages read (the test, benchmark and package folders) or the pytest or
tox configuration of the tests mentions it: stale evidence is worse than a
rerun.
"""

from __future__ import annotations

import configparser
import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from gates.init.environment.projectenv import read_toml
from gates.init.layout.files import config_text

__all__ = ["unaffected_documents"]

_SUFFIXES = (".md", ".rst")
_MAX_FILES = 20_000  # files looked at under the folders the stages read
# pytest plugins that collect documents as tests: the suffixes they read
_COLLECTORS = {
    "markdown-docs": (".md",),
    "markdown_docs": (".md",),
    "codeblocks": (".md",),
    "sybil": _SUFFIXES,
}
_SKIPPED = frozenset({"__pycache__", "node_modules", ".git", ".nox", ".tox", ".venv", "venv"})


def unaffected_documents(
    root: Path, folders: Sequence[str], commands: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The globs of the documents no stage reads, and why each other suffix was left out.

    ``folders`` are what the stages read (tests, benchmarks, packages: files
    or folders); ``commands`` the project's test commands (tox, nox).
    """
    reasons = {suffix: _why_read(root, suffix, folders, commands) for suffix in _SUFFIXES}
    globs = tuple(f"*{suffix}" for suffix, why in reasons.items() if not why)
    return globs, tuple(f"*{suffix}: {why}" for suffix, why in reasons.items() if why)


def _why_read(root: Path, suffix: str, folders: Sequence[str], commands: Sequence[str]) -> str:
    """Why a stage may read files with this suffix; "" when nothing says it does."""
    found = [path for path in _files(root, folders) if path.suffix.lower() == suffix]
    if found:  # a fixture rather than a folder's README, when there is one
        path = min(found, key=lambda p: (p.stem.lower() == "readme", p.as_posix()))
        return f"{suffix} files lie where the stages read ({path.relative_to(root).as_posix()})"
    mention = re.compile(re.escape(suffix) + r"\b", re.IGNORECASE)
    for where, text in _test_configurations(root, folders, commands):
        if mention.search(text):
            return f"{where} names {suffix} files"
        for word, suffixes in _COLLECTORS.items():
            if suffix in suffixes and word in text:
                return f"{where} uses {word}, which collects {suffix} files as tests"
    return ""


def _files(root: Path, folders: Sequence[str]) -> Iterator[Path]:
    """The files under ``folders`` (a file stands for its own folder), at most ``_MAX_FILES``."""
    count = 0
    starts = dict.fromkeys(
        (root / folder if (root / folder).is_dir() else (root / folder).parent)
        for folder in folders
    )
    for start in starts:
        for folder, dirs, files in os.walk(start):
            dirs[:] = sorted(d for d in dirs if d not in _SKIPPED)
            for name in sorted(files):
                count += 1
                if count > _MAX_FILES:
                    return
                yield Path(folder) / name


def _test_configurations(
    root: Path, folders: Sequence[str], commands: Sequence[str]
) -> Iterator[tuple[str, str]]:
    """(where, text) of what configures the tests: pytest's settings, conftest.py, test commands."""
    for name in ("pytest.ini", ".pytest.ini", "pytest.toml", ".pytest.toml"):
        yield name, config_text(root / name)
    tool = read_toml(root / "pyproject.toml").get("tool")
    pytest = tool.get("pytest") if isinstance(tool, dict) else None
    yield "pyproject.toml [tool.pytest]", repr(pytest) if pytest else ""
    yield "tox.ini [pytest]", _section(root / "tox.ini", "pytest")
    yield "setup.cfg [tool:pytest]", _section(root / "setup.cfg", "tool:pytest")
    for folder in dict.fromkeys(["", *folders]):
        conftest = root / folder / "conftest.py" if folder else root / "conftest.py"
        yield conftest.relative_to(root).as_posix(), config_text(conftest)
    for command in commands:
        yield f"the test command `{command}`", command


def _section(path: Path, section: str) -> str:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(config_text(path))
    except configparser.Error:
        return ""
    return repr(dict(parser[section])) if parser.has_section(section) else ""
