"""Pure: the lines a unified diff (``git diff --unified=0``) adds or modifies, per file.

``gates annotate`` puts findings on these lines; the baseline's ``new`` gates
count the findings on them (:mod:`gates.baseline.git`).
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["changed_lines"]

_HUNK: Final = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def changed_lines(diff: str) -> dict[str, frozenset[int]]:
    """Lines added or modified per file, from ``git diff --unified=0`` output."""
    changed: dict[str, set[int]] = {}
    path = ""
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = line[4:]
            # "/dev/null": deleted; a quoted name holds characters no annotation can carry
            path = target[2:] if target.startswith("b/") else ""
            continue
        match = _HUNK.match(line) if path else None
        if match:
            start, count = int(match.group(1)), int(match.group(2) or "1")
            changed.setdefault(path, set()).update(range(start, start + count))
    return {name: frozenset(lines) for name, lines in changed.items() if lines}
