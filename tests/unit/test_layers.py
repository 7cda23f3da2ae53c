"""The layers hold: read from the imports themselves (an AST check, no import of gates).

From the bottom: the catalogues; the typed values; reading untrusted text and
the system (programs, git, files); readers and the manifest format; the
policy; the kinds of evidence and the benchmark comparison; the judge; the
outputs; making evidence (stages, gates init, the benchmark stage); CI; the
command line. A module imports only from its own layer or below, and:

* the pure judge (evaluate, the kinds, the outputs, the values) imports no
  module that reads a file or runs a program;
* the policy imports no module that runs git;
* stage code (stages, gates init, the benchmark stage) imports no judging code:
  evaluate, the kinds of evidence, waivers (it may load a stage's evidence
  to tell whether it is still what a rerun would measure);
* nothing outside ``gates/outputs/`` imports its private helpers (``_format``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

PACKAGE: Final = Path(__file__).resolve().parents[2] / "gates"

# The most specific prefix decides a module's layer.
LAYERS: Final[dict[str, int]] = {
    "gates.catalog": 0,
    "gates.model": 1,
    "gates.errors": 1,
    "gates.untrusted": 2,
    "gates.system": 2,
    "gates.readers": 3,
    "gates.stage.manifest": 3,  # the manifest format: the stages write it, the judge reads it
    "gates.policy": 4,
    "gates.benchmark.stats": 5,
    "gates.benchmark.compare": 5,  # the comparison the benchmark stage and the kind share
    "gates.kinds": 5,
    "gates.baseline.marks": 5,  # pure: which findings a `new` or `changed` gate counts
    "gates.load": 3,  # the load figures, their confidence and their evidence formats (pure or reading)
    "gates.history": 5,  # the history's values, its record (pure) and ratchets (pure)
    "gates.history.model": 3,  # the typed values of the history
    "gates.history.parse": 3,  # a record read like a report (untrusted)
    "gates.history.store": 6,  # the history branch, through git
    "gates.history.base": 6,
    "gates.judge": 6,
    "gates.baseline": 6,  # the baseline read and applied to the evidence before judging
    "gates.outputs": 7,
    "gates.dashboard": 7,  # the dashboard's model, figures, charts and page (pure)
    "gates.dashboard.read": 9,  # the verdict and the history read for the dashboard
    "gates.alerts": 7,  # which alerts a run raises (pure)
    "gates.alerts.state": 9,  # what was already sent (a file)
    "gates.alerts.notify": 9,  # the alerts' texts (GitHub's escaping, from gates.ci)
    "gates.alerts.webhook": 9,  # the webhooks (network)
    "gates.stage": 8,
    "gates.init": 8,
    "gates.benchmark": 8,
    "gates.unittest_junit": 8,
    "gates.secrets_scan": 8,
    "gates.osv": 8,  # the offline dependency audit: reads the advisory folder and the environment
    "gates.load.run": 8,  # running the load test: the service, Locust's listener, the probe in the service
    "gates.ci": 9,
    "gates.cli": 10,
    "gates.baseline.cli": 10,
    "gates.nox": 10,
    "gates.__main__": 10,
    "gates": 0,  # the package itself: __version__
}

READS_OR_RUNS: Final = (
    "gates.judge.evidence",
    "gates.judge.provenance",
    "gates.judge.budget",
    "gates.system",
    "gates.stage",
    "gates.init",
    "gates.ci",
    "gates.cli",
    "gates.benchmark.stage",
    "gates.benchmark.rounds",
    "gates.baseline.git",
    "gates.baseline.identity",
    "gates.baseline.store",
    "gates.baseline.cli",
    "gates.load.run.service",
    "gates.load.run.listener",
    "gates.load.run.stage",
    "gates.load.run.dbprobe",
    "gates.load.run.recorder",
    "gates.secrets_scan",
    "gates.osv",
    "gates.history.store",
    "gates.history.base",
    "gates.dashboard.read",
    "gates.alerts.state",
    "gates.alerts.webhook",
)
PURE: Final = (
    "gates.judge.evaluate",
    "gates.judge.reading",
    "gates.judge.problems",
    "gates.kinds",
    "gates.outputs",
    "gates.model",
    "gates.catalog",
    "gates.benchmark.compare",
    "gates.benchmark.stats",
    "gates.baseline.marks",
    "gates.baseline.source",
    "gates.load.percentiles",
    "gates.load.histogram",
    "gates.load.summary",
    "gates.load.trend",
    "gates.load.steps",
    "gates.history.model",
    "gates.history.record",
    "gates.history.ratchet",
    "gates.dashboard.model",
    "gates.dashboard.build",
    "gates.dashboard.svg",
    "gates.dashboard.markup",
    "gates.dashboard.sections",
    "gates.dashboard.render",
    "gates.alerts.rules",
)
STAGE_CODE: Final = (
    "gates.stage",
    "gates.init",
    "gates.benchmark.stage",
    "gates.benchmark.rounds",
    "gates.load.run",
    "gates.secrets_scan",
    "gates.osv",
)


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer(module: str) -> int:
    best = max((p for p in LAYERS if _within(module, p)), key=len)
    return LAYERS[best]


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def imports(module: str, path: Path) -> Iterator[str]:
    """The gates modules ``module`` imports (``from gates.x import y``: gates.x.y when a module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if _within(alias.name, "gates"))
        elif isinstance(node, ast.ImportFrom) and node.module and _within(node.module, "gates"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                known = (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(".py")
                package = PACKAGE.parent / candidate.replace(".", "/") / "__init__.py"
                yield candidate if known.is_file() or package.is_file() else node.module


EDGES: Final = sorted({(m, i) for m, path in modules() for i in imports(m, path) if i != m})


def test_the_edges_are_found() -> None:
    assert ("gates.judge.evaluate", "gates.kinds") in EDGES or any(
        m == "gates.judge.evaluate" and _within(i, "gates.kinds") for m, i in EDGES
    )


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    upward = [f"{m} -> {i}" for m, i in EDGES if layer(i) > layer(m)]
    assert upward == []


@pytest.mark.parametrize("pure", PURE)
def test_the_pure_judge_reads_no_file_and_runs_no_program(pure: str) -> None:
    found = [
        f"{m} -> {i}"
        for m, i in EDGES
        if _within(m, pure) and any(_within(i, io) for io in READS_OR_RUNS)
    ]
    assert found == []


def test_the_policy_runs_no_git() -> None:
    found = [
        f"{m} -> {i}"
        for m, i in EDGES
        if _within(m, "gates.policy") and _within(i, "gates.system.git")
    ]
    assert found == []


JUDGING: Final = ("gates.judge.evaluate", "gates.kinds", "gates.policy.waivers", "gates.outputs")


def test_stage_code_imports_no_judging_code() -> None:
    found = [
        f"{m} -> {i}"
        for m, i in EDGES
        if any(_within(m, s) for s in STAGE_CODE) and any(_within(i, j) for j in JUDGING)
    ]
    assert found == []


def test_only_the_outputs_use_their_private_helpers() -> None:
    found = [
        f"{m} -> {i}"
        for m, i in EDGES
        if not _within(m, "gates.outputs")
        and _within(i, "gates.outputs")
        and any(part.startswith("_") for part in i.split("."))
    ]
    assert found == []
