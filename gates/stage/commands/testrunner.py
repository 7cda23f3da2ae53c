"""The test runners the unit and integration stages run under coverage.py, and how.

* ``pytest``: ``coverage run -m pytest <folders> --junitxml=…`` (the default).
* ``unittest``: for a project that runs its tests with unittest and not
  pytest (unittest's ``load_tests`` protocol, which pytest ignores; TestCase
  classes pytest cannot collect): ``coverage run -m gates.unittest_junit
  --output-file … discover -s <folder> [-t .]``, unittest-xml-reporting's
  runner (unittest's own ``TestProgram`` with a result class that also
  writes JUnit XML) with a name for each test (:mod:`gates.unittest_junit`),
  so it runs exactly the tests ``python -m unittest discover`` runs, and its
  report's test cases are the tests unittest counts in its "Ran N tests"
  line (tests/assets/unittest-xml-reporting/ records it).

This module runs in Nox's own environment (imported by :mod:`gates.nox`):
the standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

__all__ = ["FORMATS", "RUNNERS", "check_options", "test_command"]

RUNNERS = ("pytest", "unittest")
FORMATS = ("ruff", None)  # the formatter the lint stage gates; None: not gated
UNITTEST_TOOL = "unittest-xml-reporting"  # the package whose runner writes unittest's JUnit XML


def check_options(*, runner: str, format_: str | None, tests: Sequence[str]) -> None:
    """A ``Pipeline``'s runner and formatter, checked when the noxfile is loaded."""
    if runner not in RUNNERS:
        raise ValueError(
            f"Pipeline(runner={runner!r}): the runners are {', '.join(map(repr, RUNNERS))}; "
            "fix noxfile.py"
        )
    if format_ not in FORMATS:
        raise ValueError(
            f'Pipeline(format={format_!r}): the lint stage gates ruff format ("ruff") or no '
            "formatting (None); a project formatted with black keeps `black --check` as its own "
            "check: fix noxfile.py"
        )
    if runner == "unittest" and len(tests) > 1:
        raise ValueError(
            f'Pipeline(runner="unittest", tests={list(tests)!r}): unittest discovers the tests '
            'of one folder: name the one `python -m unittest discover -s` starts from ("." '
            "for the whole project); fix noxfile.py"
        )


def test_command(
    runner: str, folders: Sequence[str], *, junit: str, pytest_args: Sequence[str]
) -> tuple[str, list[str]]:
    """(the tool recorded, what ``coverage run … -m`` runs) for the stage's test run."""
    if runner == "unittest":
        return UNITTEST_TOOL, [
            "gates.unittest_junit",
            "--output-file",
            junit,
            "discover",
            *_discover(folders[0] if folders else "."),
        ]
    return "pytest", [
        "pytest",
        *folders,
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit2",
        *pytest_args,
    ]


def _discover(folder: str) -> list[str]:
    """``-s <folder>``, and ``-t .`` when it is a package, so its modules import as such."""
    cleaned = folder.rstrip("/") or "."
    if cleaned != "." and (Path(cleaned) / "__init__.py").is_file():
        return ["-s", cleaned, "-t", "."]
    return ["-s", cleaned]
