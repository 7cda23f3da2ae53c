"""The catalogues are declared once: what is built from them matches, what is written is checked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gates.catalog.metrics import METRICS, Metric, Unit
from gates.catalog.stages import CATALOGUE, GATES_DOC, STAGES, stage_requires
from gates.catalog.tools import KNOWN_TOOLS, pinned, security_tools
from gates.ci import plan
from gates.outputs import sarif_out
from gates.stage import recipes
from gates.stage.pins import bundled_pins

ROOT = Path(__file__).resolve().parents[2]


def _table(path: Path, header: str) -> list[list[str]]:
    """The rows of the Markdown table under the line that starts with ``header``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_the_shipped_pins_are_the_catalogues() -> None:
    assert sorted(bundled_pins()) == sorted(pinned().values())


def test_every_stage_runs_tools_gates_knows() -> None:
    for item in CATALOGUE:
        unknown = [tool for tool in item.tools if tool not in KNOWN_TOOLS]
        assert unknown == [], item.name
        assert all(other in STAGES for other in item.reads), item.name


def test_the_recipes_and_the_plan_are_built_from_the_stages() -> None:
    assert recipes.STAGES == STAGES
    assert plan.STANDARD_STAGES == STAGES
    scenario = recipes.LoadConfig(
        service=["python", "-m", "app"],
        ready_url="http://127.0.0.1:8000/ready",
        locustfile="locustfile.py",
        host="http://127.0.0.1:8000",
    )
    every = recipes.Pipeline(package="p", integration="i", benchmarks="b", load=scenario)
    assert every.stages == STAGES
    for item in CATALOGUE:
        assert stage_requires(item.name, STAGES) == item.reads


def test_readme_lists_every_stage_session_in_pipeline_order() -> None:
    rows = _table(ROOT / "README.md", "| session | runs | evidence in |")
    assert [row[0] for row in rows] == [f"`{name}`" for name in (*STAGES, "gates")]
    for row, name in zip(rows, STAGES, strict=False):
        assert row[2] == f"`.gates/{name}/`"


def test_the_gates_session_is_documented() -> None:
    assert GATES_DOC
    assert all(item.doc.endswith(f".gates/{item.name}/") for item in CATALOGUE)


def test_policy_md_lists_every_metric_with_its_domain() -> None:
    rows = _table(ROOT / "docs" / "policy.md", "| metric | domain | evidence | value |")
    documented = {re.sub(r"`", "", row[0]): row[1] for row in rows}
    assert sorted(documented) == sorted(METRICS)
    for name, domain in documented.items():
        assert domain == _domain(METRICS[name]), name


def _domain(metric: Metric) -> str:
    """How docs/policy.md writes a domain: from-to (a percent), at least 0 and whole (a
    count), at least 0 or any, with the unit (a latency, a size, a rate; a growth may drop)."""
    low, high = (f"{bound:g}".replace("-", "\u2212") for bound in metric.domain)
    if metric.unit is Unit.COUNT:
        return f"\u2265 {low}, whole"
    if metric.unit is Unit.PERCENT:
        return f"{low}\u2013{high}" if high != "inf" else f"\u2265 {low}"
    least = "any" if metric.domain[0] < 0 else "\u2265 0"
    return f"{least}, {metric.unit.value}"


@pytest.mark.parametrize("tool", sorted(security_tools()))
def test_security_tools_are_tagged_in_sarif(tool: str) -> None:
    assert tool in sarif_out.SECURITY_TOOLS
