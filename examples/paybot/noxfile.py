# mypy: ignore-errors
"""paybot's pipeline: the gates stages. ``nox -s gates`` runs them all and judges gates.toml.

The unit stage runs tests/unit (the domain rules: no servers); the integration
stage runs tests/integration and tests/security, which start their own
PostgreSQL and Redis (Debian's ``postgresql`` and ``redis-server`` packages).
The load stage starts the whole service on 127.0.0.1 (load/serve.py: its own
PostgreSQL, Redis, Celery worker and stand-in Bot API, seeded) and runs
load/locustfile.py against it with Locust; everything stops when it ends. It runs
after every other stage, never beside them: it measures the machine.
``PAYBOT_LOAD=off`` leaves it out (its gates then block as missing evidence).
"""

import os

import nox
from gates.nox import LoadConfig, Pipeline

nox.needs_version = ">=2026.10.20"  # parallel sessions (-j) honouring requires=
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["gates"]
nox.options.parallel = "auto"

LOAD = LoadConfig(
    service=["python", "load/serve.py", "18080"],
    ready_url="http://127.0.0.1:18080/readyz",
    ready_timeout_s=180,  # initdb and the migrations come first
    locustfile="load/locustfile.py",
    host="http://127.0.0.1:18080",
    # 20 customers, about 25 requests/s: what one shared 2-core machine serves within the
    # p95 bound (50 customers there: p95 400-600 ms; BENCHMARKS.md has the steps)
    users=20,
    spawn_rate=10,
    run_time_s=90,
    warmup_s=20,  # the ramp (2 s) and each customer's sign-up, left out
    # py-spy samples the service while Locust runs: its profile, flame graph and top-20
    # functions in .gates/load/profile/; where ptrace is refused, a warning, not a block
    profile="warn",
)

Pipeline(
    package="paybot",
    tests="tests/unit",
    integration=["tests/integration", "tests/security"],
    install=["-e", ".[test]"],
    load=None if os.environ.get("PAYBOT_LOAD", "on") == "off" else LOAD,
).register()
