"""The options several ``gates`` commands share, declared once as parent parsers.

A command takes the ones it needs: ``parents=[verbose(), policy(), root()]``. Every
command takes ``-v``: it shows the traceback of an error, and of a crash the
bug report's details (:func:`gates.cli.main`).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Final

from gates.errors import UsageError
from gates.policy.settings import environment_base
from gates.system.gitnames import ref

__all__ = ["base", "one_line", "policy", "reports", "root", "root_folder", "verbose"]

_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")


def one_line(text: str) -> str:
    """A path argument without control characters (a NUL, a line break, ESC)."""
    found = _CONTROL.search(text)
    if found:
        raise argparse.ArgumentTypeError(
            f"{text[:80]!r} holds the control character U+{ord(found.group()):04X}"
        )
    return text


def verbose() -> argparse.ArgumentParser:
    """``-v``: every command's."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show the traceback of an error, for a bug report",
    )
    return parent


def policy() -> argparse.ArgumentParser:
    """``--config``: the policy file."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--config",
        default=Path("gates.toml"),
        type=Path,
        help="the policy file (default: gates.toml)",
    )
    return parent


def root() -> argparse.ArgumentParser:
    """``--root``: the repository."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--root", default=Path(), type=Path, help="repository root (default: .)")
    return parent


def reports() -> argparse.ArgumentParser:
    """``--reports``: the evidence folder."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--reports",
        default=None,
        type=one_line,
        help="evidence folder (default: [gates] reports, else .gates)",
    )
    return parent


def base() -> argparse.ArgumentParser:
    """``--base``: its default read from ``$GATES_BASE`` as the parser is built."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--base",
        default=environment_base(),
        type=ref,
        metavar="REF",
        help="the base ref (default: $GATES_BASE, else [gates] base, else origin/main)",
    )
    return parent


def root_folder(path: Path) -> Path:
    """``--root``, which must be a folder."""
    if not path.is_dir():
        raise UsageError(
            f"--root {path}: no such folder",
            slug="usage",
            hint="pass the root of the git repository (default: the current folder)",
        )
    return path
