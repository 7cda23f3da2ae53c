"""Golden files: the expected output of each format for a fixed verdict.

Run with ``GATES_UPDATE_GOLDEN=1`` to rewrite them after an intended change,
then review the diff like code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

__all__ = ["GOLDEN", "assert_golden"]

GOLDEN: Final = Path(__file__).parent / "golden"


def assert_golden(name: str, text: str) -> None:
    """``text`` equals ``golden/<name>`` byte for byte (or rewrites it on request)."""
    path = GOLDEN / name
    if os.environ.get("GATES_UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, (
        f"the output differs from {path}; if the change is intended, rerun with"
        " GATES_UPDATE_GOLDEN=1 and review the diff"
    )
