"""This repository's pipeline: the gates stages dogfooded on gates itself, and the test suite."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["tests"]


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite, real tools included (the README's test command)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)
