"""The tests pytest collects, as node ids: ``python -m gates.stage.shards.collect OUT -- ARGS``.

pytest's own ``--collect-only -q`` output changes with the project's
verbosity (``addopts = "-q"`` prints files, not tests), so the ids are taken
from the collection itself by a small plugin, in the interpreter the stage runs
its tests with, and written as a JSON list.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from gates.errors import EvidenceError
from gates.system import process
from gates.untrusted.safeio import parse_json, read_blob

__all__ = ["collect"]

_COLLECT_S: Final = 1800.0  # seconds pytest may take to collect (imports included)
_MEANING: Final = {5: "; it collected no test", 4: "; pytest was misused"}


def collect(
    arguments: Sequence[str], *, cwd: Path, python: str = sys.executable
) -> tuple[str, ...]:
    """The node ids ``pytest --collect-only ARGUMENTS`` collects, in pytest's order."""
    with tempfile.TemporaryDirectory(prefix="gates-collect-") as folder:
        output = Path(folder) / "tests.json"
        command = [python, "-m", "gates.stage.shards.collect", str(output), "--", *arguments]
        done = process.run(command, cwd=cwd, timeout=_COLLECT_S)
        if done.code != 0 or not output.is_file():
            raise EvidenceError(
                f"pytest could not collect the tests (exit {done.code}"
                f"{_MEANING.get(done.code, '')}): {done.tail(3)}",
                slug="shard-plan",
                hint=f"run `pytest --collect-only {' '.join(arguments)}` and fix what it reports",
            )
        value = parse_json(read_blob(output, display="collected tests")).value
    if not isinstance(value, list) or not all(isinstance(test, str) for test in value):
        raise EvidenceError("pytest's collection was not a list of ids", slug="shard-plan")
    return tuple(value)


class _Collected:
    """The pytest plugin that keeps the ids of the collected tests."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def pytest_collection_finish(self, session: object) -> None:
        self.ids = [str(getattr(item, "nodeid", "")) for item in getattr(session, "items", [])]


def main(argv: Sequence[str]) -> int:
    """Collect with pytest (the stage's interpreter), write the ids; pytest's exit code."""
    import pytest  # noqa: PLC0415 - the stage's own pytest, imported where it runs

    output, arguments = argv[0], list(argv[2:] if argv[1:2] == ["--"] else argv[1:])
    plugin = _Collected()
    code = int(pytest.main(["--collect-only", "-q", *arguments], plugins=[plugin]))
    if code != 0:
        return code
    Path(output).write_text(json.dumps(plugin.ids), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
