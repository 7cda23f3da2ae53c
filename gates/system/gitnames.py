"""git's names as gates writes and reads them (pure): a ref it accepts, a policy glob as a pathspec.

Pure string functions, apart from :mod:`gates.system.git` (which runs git): the
policy checks its ``base`` and its ``unaffected`` globs with them, and the
command line its ``--base``.
"""

from __future__ import annotations

__all__ = ["from_top", "pathspec", "ref"]


def ref(value: str) -> str:
    """``value``, if git can only read it as a ref (a base such as ``origin/main``).

    A base reaches git as an argument: one starting with ``-`` would be an
    option (``--output=FILE``), and no ref name starts with ``-`` or holds a
    space. Raises :class:`ValueError` (argparse's ``type=`` reports it).
    """
    if not value or value.startswith("-") or any(c.isspace() or not c.isprintable() for c in value):
        raise ValueError(f"{value[:80]!r} is not a git ref such as 'origin/main'")
    return value


def pathspec(pattern: str, *, exclude: bool = False) -> str:
    """A policy glob as a git pathspec, from the repository's top.

    ``*`` and ``?`` stay within a folder and ``**`` crosses folders; a glob
    without a ``/`` matches at any depth (``*.md`` is also ``docs/a.md``), and
    one ending in ``/`` is a folder and everything below it, as in .gitignore.
    """
    return f":({'exclude,' if exclude else ''}top,glob){from_top(pattern)}"


def from_top(pattern: str) -> str:
    """A policy glob as a glob from the repository's top (:func:`pathspec`)."""
    glob = pattern.removeprefix("/") if "/" in pattern.rstrip("/") else f"**/{pattern}"
    return glob + "**" if glob.endswith("/") else glob
