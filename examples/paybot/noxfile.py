# mypy: ignore-errors
"""paybot's pipeline: the gates stages. ``nox -s gates`` runs them all and judges gates.toml.

The unit stage runs tests/unit (the domain rules: no servers); the integration
stage runs tests/integration and tests/security, which start their own
PostgreSQL and Redis (Debian's ``postgresql`` and ``redis-server`` packages).
"""

import nox
from gates.nox import Pipeline

nox.needs_version = ">=2026.10.20"  # parallel sessions (-j) honouring requires=
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["gates"]
nox.options.parallel = "auto"

Pipeline(
    package="paybot",
    tests="tests/unit",
    integration=["tests/integration", "tests/security"],
    install=["-e", ".[test]"],
).register()
