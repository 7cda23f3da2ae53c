"""This repository's pipeline: the gates stages, dogfooded on gates itself, and the test suite.

``nox -s gates`` runs every stage in parallel and judges the evidence against
``gates.toml``; ``nox -s tests`` runs the whole test suite (what CI runs).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nox

sys.path.insert(
    0, str(Path(__file__).parent)
)  # the recipes of this checkout, not an installed gates

from gates.nox import Pipeline

nox.needs_version = ">=2026.10.20"  # parallel sessions (-j) honouring requires=
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["gates"]
nox.options.parallel = "auto"  # independent stages at once, one per CPU

Pipeline(
    package="gates",
    tests="tests/unit",
    integration="tests/integration",
    install=["-e", ".[test]"],
    typecheck=["gates", "tests", "benchmarks"],
    pytest_args=["-p", "no:cacheprovider"],
    semgrep=True,  # gates' own rule pack (gates/data/semgrep) on gates' own code
).register()


@nox.session(requires=["semgrep_rules"])
def tests(session: nox.Session) -> None:
    """The whole test suite, real tools included (the README's test command)."""
    session.install("-e", ".[test]")
    # semgrep lives in its own environment (semgrep_rules): the tests that run it find it here
    semgrep = Path(".nox", "semgrep_rules", "bin", "semgrep").resolve()
    env = {"GATES_SEMGREP": str(semgrep)} if semgrep.is_file() else {}
    # The unit and integration suites run once, under coverage, in gates' own pipeline on
    # a clean clone of this checkout (tests/e2e/test_dogfood.py); arguments replace this.
    default = ["--durations=15", "tests/e2e", "tests/fuzz"]
    session.run("pytest", *(session.posargs or default), env=env)


@nox.session
def semgrep_rules(session: nox.Session) -> None:
    """gates' semgrep rule pack against its annotated examples (`semgrep --test`), offline."""
    session.install("-c", "gates/data/tools.txt", "semgrep")
    session.run(
        "semgrep",
        "--test",
        "--metrics=off",
        "--disable-version-check",
        "--config",
        "gates/data/semgrep",
        "tests/assets/semgrep-rules",
    )
