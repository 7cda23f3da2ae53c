"""Stages that cannot produce evidence: no tests/unit folder, no test in tests/integration."""

import nox
from gates.nox import Pipeline

nox.options.sessions = ["gates"]
nox.options.parallel = "auto"

Pipeline(
    package="mini",
    tests="tests/unit",
    integration="tests/integration",
    install=["-e", ".", "pytest"],
    security=False,
    diff=False,
).register()
