"""A test's id as pytest's node id, whichever report named it (pure).

JUnit XML names a test ``classname::name`` (``tests.test_x.TestY::test_z``),
pytest's report-log by its node id (``tests/test_x.py::TestY::test_z``). What
compares tests across reports and runs (the history's flip rates, removed and
new flaky tests, the quarantine) compares their canonical ids.
"""

from __future__ import annotations

__all__ = ["canonical_test_id"]


def canonical_test_id(test_id: str) -> str:
    """pytest's node id of a test, from its JUnit id (``classname::name``) or its node id.

    ``tests.test_x.TestY::test_z[1]`` -> ``tests/test_x.py::TestY::test_z[1]``: the
    classname's components up to the first one that starts with an upper-case
    letter are the module, the rest its classes (the JUnit reader's rule for the
    path). A node id (a ``.py`` file before ``::``), or an id without ``::``, is
    kept as it is.
    """
    classname, sep, name = test_id.partition("::")
    if not sep or "/" in classname or classname.endswith(".py"):
        return test_id
    parts = classname.split(".")
    cut = next((i for i, part in enumerate(parts) if part[:1].isupper()), len(parts))
    if cut == 0:
        return test_id
    return "::".join(["/".join(parts[:cut]) + ".py", *parts[cut:], name])
