"""Generate large, realistic finding reports for benchmarks and scale tests.

``big_ruff_json(n)`` builds what ``ruff check --output-format json`` prints for
``n`` diagnostics spread over about ``n / 40`` files: the same keys, the same
two-space indentation, fixes on some diagnostics, so that parsing it costs what
parsing a real report of that size costs.

Run ``python -m benchmarks.gen_findings [N]`` to time the ``ruff-json`` reader
against a bare ``json.loads`` of the same bytes (5 interleaved rounds).
"""

from __future__ import annotations

import json
import sys

__all__ = ["big_ruff_json", "main", "ruff_file_list"]

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


def _filename(module: int, root: str) -> str:
    return f"{root}/src/pkg{module % 13}/module_{module}.py"


def _diagnostic(index: int, root: str) -> dict[str, object]:
    code, name, message = _RULES[index % len(_RULES)]
    row = 1 + (index * 7) % 900
    return {
        "cell": None,
        "code": code,
        "end_location": _position(row, 20),
        "filename": _filename(index // 40, root),
        "fix": _fix(row) if code == "F401" else None,
        "location": _position(row, 8),
        "message": message,
        "name": name,
        "noqa_row": row,
        "severity": "error",
        "url": f"https://docs.astral.sh/ruff/rules/{name}",
    }


def big_ruff_json(n: int, *, root: str = ROOT) -> bytes:
    """A ruff JSON report with ``n`` diagnostics over about ``n / 40`` files under ``root``."""
    diagnostics = [_diagnostic(index, root) for index in range(n)]
    return json.dumps(diagnostics, indent=2, sort_keys=True).encode()


def ruff_file_list(n: int, *, root: str = ROOT) -> bytes:
    """What ``ruff check --show-files`` prints for the files of ``big_ruff_json(n)``."""
    modules = range(max(1, -(-n // 40)))
    return "".join(f"{_filename(module, root)}\n" for module in modules).encode()


def main(argv: list[str]) -> None:
    """Print the reader's time against bare ``json.loads`` and ``parse_json``, interleaved."""
    from benchmarks._timing import Task, interleave, table  # noqa: PLC0415 - timing only
    from gates.readers.findings import ruff_json  # noqa: PLC0415 - keep the generator import-light
    from gates.readers.interface import ReadContext  # noqa: PLC0415
    from gates.untrusted.safeio import Blob, parse_json  # noqa: PLC0415

    n = int(argv[0]) if argv else 200_000
    data = big_ruff_json(n)
    blob = Blob("ruff.json", data, "")
    context = ReadContext(root=ROOT)
    tasks = (
        Task("json.loads", lambda: json.loads(data)),
        Task("gates.untrusted.safeio.parse_json", lambda: parse_json(blob)),
        Task("ruff-json reader", lambda: ruff_json.read(blob, context)),
    )
    series = interleave(tasks, rounds=5)
    baselines = {task.label: "json.loads" for task in tasks[1:]}
    print(table(series, baselines, title=f"{n:,} diagnostics, {len(data) / 1e6:.1f} MB, 5 rounds"))


if __name__ == "__main__":
    main(sys.argv[1:])
