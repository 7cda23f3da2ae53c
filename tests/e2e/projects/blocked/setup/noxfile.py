"""The standard stages, as `gates init` writes them."""

import nox
from gates.nox import Pipeline

nox.options.sessions = ["gates"]
nox.options.parallel = "auto"

Pipeline(
    package="mini",
    tests="tests",
    install=["-e", ".", "pytest"],
    audit=[],
).register()
