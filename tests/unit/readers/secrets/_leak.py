"""Whether a verdict rendered from a reading, in every output, gives a secret away."""

from __future__ import annotations

from gates.catalog.metrics import Kind
from gates.model.reports import ReportData
from gates.model.verdict import Status
from gates.outputs import OUTPUTS, RenderOptions
from tests.unit._build import evidence, judge, report, stage

POLICY = """\
[gate.secrets]
metric = "findings"
tool = "{tool}"
max = 0
"""


def rendered(data: ReportData, fmt: str) -> str:
    """Every output of the verdict of a findings gate on ``data``, one after the other."""
    loaded = report("security", "report", fmt, Kind.FINDINGS, data)
    verdict = judge(POLICY.format(tool=data.tool), evidence(stage("security", loaded)))
    assert verdict.status is Status.FAIL  # the gate saw the findings: the outputs show them
    options = RenderOptions()
    return "\n".join(output.render(verdict, options=options) for output in OUTPUTS.values())


def pieces(secret: str, size: int = 8) -> list[str]:
    """Every piece of ``secret`` ``size`` characters long: none may show anywhere."""
    return [secret[start : start + size] for start in range(max(1, len(secret) - size + 1))]
