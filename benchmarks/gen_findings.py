"""Generate large, realistic finding reports for benchmarks and scale tests.

``big_ruff_json(n)`` builds what ``ruff check --output-format json`` prints for
``n`` diagnostics spread over about ``n / 40`` files: the same keys, the same
two-space indentation, fixes on some diagnostics, so that parsing it costs what
parsing a real report of that size costs.

Run ``python -m benchmarks.gen_findings [N]`` to time the ``ruff-json`` reader
against a bare ``json.loads`` of the same bytes (best of 5).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

__all__ = ["big_ruff_json", "main"]

ROOT = "/home/ci/project"
_RULES = (
    ("F401", "unused-import", "`os` imported but unused"),
    ("E501", "line-too-long", "Line too long (123 > 100)"),
    ("S105", "hardcoded-password-string", 'Possible hardcoded password assigned to: "token"'),
    ("UP006", "non-pep585-annotation", "Use `list` instead of `List` for type annotation"),
    (
        "SIM108",
        "if-else-block-instead-of-if-exp",
        "Use ternary operator instead of `if`-`else`-block",
    ),
    (
        "B006",
        "mutable-argument-default",
        "Do not use mutable data structures for argument defaults",
    ),
    ("PLR0912", "too-many-branches", "Too many branches (14 > 12)"),
)


def _position(row: int, column: int) -> dict[str, int]:
    return {"column": column, "row": row}


def _fix(row: int) -> dict[str, object]:
    edit = {"content": "", "end_location": _position(row + 1, 1), "location": _position(row, 1)}
    return {"applicability": "safe", "edits": [edit], "message": "Remove unused import"}


def _diagnostic(index: int) -> dict[str, object]:
    code, name, message = _RULES[index % len(_RULES)]
    row = 1 + (index * 7) % 900
    return {
        "cell": None,
        "code": code,
        "end_location": _position(row, 20),
        "filename": f"{ROOT}/src/pkg{index // 40 % 13}/module_{index // 40}.py",
        "fix": _fix(row) if code == "F401" else None,
        "location": _position(row, 8),
        "message": message,
        "name": name,
        "noqa_row": row,
        "severity": "error",
        "url": f"https://docs.astral.sh/ruff/rules/{name}",
    }


def big_ruff_json(n: int) -> bytes:
    """A ruff JSON report with ``n`` diagnostics over about ``n / 40`` files."""
    diagnostics = [_diagnostic(index) for index in range(n)]
    return json.dumps(diagnostics, indent=2, sort_keys=True).encode()


def _best_of(runs: int, action: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str]) -> None:
    """Print the reader's time against bare ``json.loads`` and ``parse_json``."""
    from gates.readers import ruff_json  # noqa: PLC0415 - keep the generator import-light
    from gates.readers.interface import ReadContext  # noqa: PLC0415
    from gates.safeio import Blob, parse_json  # noqa: PLC0415

    n = int(argv[0]) if argv else 200_000
    data = big_ruff_json(n)
    blob = Blob("ruff.json", data, "")
    context = ReadContext(root=ROOT)
    bare = _best_of(5, lambda: json.loads(data))
    safe = _best_of(5, lambda: parse_json(blob))
    reader = _best_of(5, lambda: ruff_json.read(blob, context))
    print(f"{n:,} diagnostics, {len(data) / 1e6:.1f} MB")
    print(f"json.loads  {bare:.3f}s")
    print(f"parse_json  {safe:.3f}s  ({safe / bare:.2f}x)")
    print(f"ruff_json   {reader:.3f}s  ({reader / bare:.2f}x)")


if __name__ == "__main__":
    main(sys.argv[1:])
