"""The interface every report reader implements.

A reader is a module (checked against :class:`Reader` by mypy in
``gates.readers``) with three names:

* ``FORMAT``: the format id a stage manifest gives its report, e.g. ``"ruff-json"``;
* ``TOOL``: the tool that writes it, e.g. ``"ruff"``;
* ``read(blob, context)``: the report's bytes -> :class:`gates.model.ReportData`.

``read`` raises :class:`gates.errors.EvidenceError` for a report it cannot
trust at all (malformed, from an unsupported format version) and returns
``ReportData.problems`` for one that shows an incomplete run.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath
from typing import Protocol

from gates.model.reports import ReportData
from gates.untrusted.safeio import Blob

__all__ = ["ReadContext", "Reader"]


@dataclass(frozen=True, slots=True)
class ReadContext:
    """What a reader may know beyond the report: where the repository is."""

    root: str  # absolute, "/"-separated path of the repository root
    # where the root lies inside its git work tree ("backend/"), "" at the top: git and
    # diff-cover name files from the top, the other tools from the project's root
    git_prefix: str = ""

    def git_path(self, path: str) -> str:
        """A path git names from its work tree's top, as relative to the project's root."""
        relative = self.relpath(path)
        prefix = self.git_prefix
        return relative[len(prefix) :] if prefix and relative.startswith(prefix) else relative

    def relpath(self, path: str) -> str:
        """A tool's path as repository-relative and "/"-separated.

        Absolute paths under the root lose the root; ``file://`` URIs and
        Windows separators are normalised; other absolute paths stay as they are.
        """
        if path.startswith("file://"):
            path = path[len("file://") :]
        if "\\" in path:
            path = PureWindowsPath(path).as_posix()
        if path.startswith("./"):
            path = path[2:]
        if PurePosixPath(path).is_absolute():
            root = self.root.rstrip("/") + "/"
            if path.startswith(root):
                return path[len(root) :]
            return path
        return posixpath.normpath(path) if path else path


class Reader(Protocol):
    """One report format."""

    @property
    def FORMAT(self) -> str: ...  # noqa: N802 - a module-level constant

    @property
    def TOOL(self) -> str: ...  # noqa: N802 - a module-level constant

    def read(self, blob: Blob, context: ReadContext) -> ReportData: ...
