"""Reading a project's own configuration files for ``gates init``: bounded, never raising."""

from __future__ import annotations

from pathlib import Path
from typing import Final

__all__ = ["MAX_CONFIG_BYTES", "config_text"]

MAX_CONFIG_BYTES: Final = 1_000_000  # a configuration file larger than this is not read


def config_text(path: Path) -> str:
    """The text of ``path`` (invalid UTF-8 replaced); "" when it is no file, too large or unreadable."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_CONFIG_BYTES:
            return ""
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
