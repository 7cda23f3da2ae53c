"""``python -m gates.unittest_junit``: unittest's runner, writing JUnit XML with one name per test.

The unit stage of ``Pipeline(runner="unittest")`` runs this inside the stage's
environment, under coverage.py: ``coverage run -m gates.unittest_junit
--output-file junit.xml discover -s tests``. It is unittest-xml-reporting's
runner (``python -m xmlrunner``, unittest's own ``TestProgram``), so it runs
exactly the tests ``python -m unittest discover`` runs, with one change.

unittest-xml-reporting names a test case after ``test.id()``. A ``TestCase``
class instantiated once per data item (apache/avro builds 74
``SchemaParseTestCase("parse_valid")`` from its schema examples) gives each
instance the same id, so its JUnit XML repeats one ``classname``/``name``
74 times, which a JUnit reader takes for 74 attempts of one test (reruns):
avro's 610 tests read as 163, 18 of them "flaky". Here the second and later
instances of a repeated id are named ``parse_valid [2]``, ``parse_valid
[3]``... in the order unittest runs them; results of one instance (a
failure, then an error in its tearDown) keep its one name.

unittest-xml-reporting has no type information; it is imported only here,
in the stage's environment, never where Nox runs.
"""

from __future__ import annotations

import unittest
from typing import Any

from xmlrunner.result import _TestInfo, _XMLTestResult  # type: ignore[import-untyped]
from xmlrunner.runner import XMLTestProgram, XMLTestRunner  # type: ignore[import-untyped]

__all__ = ["main"]


class _Numbered(_TestInfo):  # type: ignore[misc]  # untyped base class
    """A test's record, its id numbered when another test instance had the same id."""

    test_id: str  # the test's id, or its subtest's: what names it in the JUnit XML

    def __init__(self, result: _Result, test: unittest.TestCase, *args: Any, **kwargs: Any) -> None:
        super().__init__(result, test, *args, **kwargs)
        self.test_id = result.numbered(self.test_id, test)


class _Result(_XMLTestResult):  # type: ignore[misc]  # untyped base class
    """unittest-xml-reporting's result, recording tests as :class:`_Numbered`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, infoclass=_Numbered, **kwargs)
        # id -> the test instances seen with it, in order; kept alive, so that no
        # later instance can reuse a finished one's identity
        self._seen: dict[str, list[unittest.TestCase]] = {}

    def numbered(self, test_id: str, test: unittest.TestCase) -> str:
        """``test_id`` for the first instance with it, ``test_id [n]`` for the n-th."""
        instances = self._seen.setdefault(test.id(), [])
        index = next((i for i, seen in enumerate(instances) if seen is test), len(instances))
        if index == len(instances):
            instances.append(test)
        if index == 0:
            return test_id
        method, space, rest = test_id.partition(" ")  # a subtest: "pkg.Case.test (n=2)"
        return f"{method} [{index + 1}]{space}{rest}"


class _Runner(XMLTestRunner):  # type: ignore[misc]  # untyped base class
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(resultclass=_Result, **kwargs)


def main() -> None:
    """Run unittest's command line (``discover -s tests``...) with the numbered JUnit XML."""
    XMLTestProgram(module=None, testRunner=_Runner)


if __name__ == "__main__":
    main()
