"""Run the suites of several patched copies of paybot in one process, one after the other.

``python -m tests.broken_runner RESULTS.json VARIANT=COPY=SUITE=TEST=REDIS_URL ...``

Importing aiogram, FastAPI and Celery costs seconds; a process per variant
would pay it five times. Here they are imported once, and before each run
every ``paybot`` and ``tests`` module is forgotten, so each run imports the
patched copy it names. RESULTS.json gets each variant's pytest exit code
and JUnit file. Run by tests/integration/test_broken_variants.py.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest


def _forget_project_modules() -> None:
    for name in list(sys.modules):
        if name.split(".")[0] in {"paybot", "tests"}:
            del sys.modules[name]


def run(variant: str, copy: Path, suite: str, test: str, redis_url: str) -> dict[str, object]:
    _forget_project_modules()
    sys.path.insert(0, str(copy))
    os.chdir(copy)
    os.environ["PAYBOT_TEST_REDIS"] = redis_url
    junit = copy / "junit.xml"
    try:
        code = pytest.main(
            [
                suite,
                "-q",
                "-p",
                "no:cacheprovider",
                f"--basetemp={copy / 'tmp'}",
                f"--junitxml={junit}",
            ]
        )
    finally:
        sys.path.remove(str(copy))
    return {"variant": variant, "exit": int(code), "junit": str(junit)}


def main(argv: list[str]) -> int:
    results = [run(*_parse(spec)) for spec in argv[1:]]
    Path(argv[0]).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


def _parse(spec: str) -> tuple[str, Path, str, str, str]:
    variant, copy, suite, test, redis_url = spec.split("=", 4)
    return variant, Path(copy), suite, test, redis_url


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
