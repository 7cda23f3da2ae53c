"""The standard stages, declared once: name, what enables it, what it reads, its tools, its doc.

The Nox recipes (:mod:`gates.nox`) register a session per enabled stage with
its doc and ``requires=``, and record its tools when it fails before running
them; a CI plan (:mod:`gates.ci.plan`) runs the same stages in two waves; a
policy's ``stage`` is checked against their names for typos. README.md's
table of sessions is checked against them (``tests/unit/test_catalog.py``).

Standard library only: :mod:`gates.nox` imports it from the environment Nox
runs in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

__all__ = [
    "CATALOGUE",
    "COVERAGE_STAGES",
    "GATES_DOC",
    "STAGES",
    "STAGE_TAG",
    "Stage",
    "stage",
    "stage_after",
    "stage_requires",
]

STAGE_TAG: Final = "gates-stage"  # the Nox tag of every stage session


@dataclass(frozen=True, slots=True, kw_only=True)
class Stage:
    """One standard stage."""

    name: str
    doc: str  # one line: the Nox session's docstring (`nox -l`)
    # the Pipeline field that enables it (a folder given, or a switch left on); "" always on
    enabled_by: str = ""
    reads: tuple[str, ...] = ()  # the stages whose evidence it reads, when they are enabled
    tools: tuple[str, ...] = ()  # the tools it runs, as gates.catalog.tools names them
    every_file: bool = False  # its tools may read any file: no `unaffected` glob is left out
    # it measures the machine (latency, memory): Nox runs it after every other enabled stage,
    # never beside them, so a parallel `nox -s gates` does not load the machine it measures
    alone: bool = False


CATALOGUE: Final = (
    Stage(
        name="lint",
        doc="ruff check and ruff format --check, as evidence in .gates/lint/",
        tools=("ruff", "zizmor", "actionlint"),
        every_file=True,
    ),
    Stage(
        name="type",
        doc="mypy (JSON output and the list of files checked), as evidence in .gates/type/",
        tools=("mypy",),
    ),
    Stage(
        name="unit",
        doc="unit tests under coverage run: JUnit XML, coverage JSON/XML and report in "
        ".gates/unit/",
        tools=("pytest", "coverage"),
    ),
    Stage(
        name="integration",
        doc="integration tests, coverage kept apart from unit, in .gates/integration/",
        enabled_by="integration",
        tools=("pytest", "coverage"),
    ),
    Stage(
        name="security",
        doc="bandit and detect-secrets (and semgrep, when asked) on the package, pip-audit on "
        "its dependencies (or an offline audit against local OSV advisories), in .gates/security/",
        enabled_by="security",
        tools=("bandit", "detect-secrets", "semgrep", "pip-audit", "osv-offline"),
    ),
    Stage(
        name="benchmark",
        doc="benchmarks of the merge base and the working tree, interleaved, in .gates/benchmark/",
        enabled_by="benchmarks",
        tools=("gates-bench",),
    ),
    Stage(
        name="diff",
        doc="diff-cover patch coverage against the base ref, in .gates/diff/",
        enabled_by="diff",
        reads=("unit", "integration"),
        tools=("git", "diff-cover"),
    ),
    Stage(
        name="load",
        doc="the service under Locust's load: latency histograms, memory, Locust's own reports, in "
        ".gates/load/",
        enabled_by="load",
        tools=("locust",),
        alone=True,
    ),
)
GATES_DOC: Final = "run every stage, then judge the evidence against gates.toml: the verdict"

# The standard stages, in pipeline order: the names a policy's `stage` is checked against.
STAGES: Final = tuple(item.name for item in CATALOGUE)
COVERAGE_STAGES: Final = tuple(item.name for item in CATALOGUE if "coverage" in item.tools)
_BY_NAME: Final = {item.name: item for item in CATALOGUE}


def stage(name: str) -> Stage | None:
    """The standard stage ``name``, or None for a stage of the project's own."""
    return _BY_NAME.get(name)


def stage_requires(name: str, stages: Sequence[str]) -> tuple[str, ...]:
    """The stages whose evidence ``name`` reads, among the enabled ``stages``.

    ``diff`` measures the changed lines with the coverage of ``unit`` and
    ``integration``; every other stage reads nothing but the code.
    """
    found = stage(name)
    return tuple(other for other in found.reads if other in stages) if found else ()


def stage_after(name: str, stages: Sequence[str]) -> tuple[str, ...]:
    """The enabled ``stages`` that Nox runs before ``name``: what it reads, or every other
    stage for a stage that measures the machine (``alone``); the order only, never evidence."""
    found = stage(name)
    if found is not None and found.alone:
        return tuple(other for other in stages if other != name)
    return stage_requires(name, stages)
