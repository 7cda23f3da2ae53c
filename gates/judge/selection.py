"""Which evidence a gate reads: its stages, the reports of its kind and tools, what taints them (pure).

A gate names its stages, or reads every stage that holds (or was meant to
hold) evidence of its kind; of those, the reports of its kind (from its
tools, when it names some), and the problems that taint them. A stage or a
tool a gate needs and no evidence holds is a ``missing-evidence`` problem,
named with the next step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gates.catalog.stages import STAGES
from gates.catalog.tools import KNOWN_TOOLS, kinds_of
from gates.kinds import Registry
from gates.model.reports import Problem
from gates.model.stage import Evidence, LoadedReport, StageEvidence
from gates.policy.load import GateSpec

__all__ = ["Selection", "select"]


@dataclass(frozen=True, slots=True)
class Selection:
    stages: tuple[StageEvidence, ...]
    reports: tuple[LoadedReport, ...]
    problems: tuple[tuple[Problem, str, str], ...]  # (problem, tool, stage)


def select(gate: GateSpec, evidence: Evidence, kinds: Registry) -> Selection:
    kind = gate.metric.kind
    problems: list[tuple[Problem, str, str]] = []
    if gate.stages:
        stages = []
        for name in gate.stages:
            stage = evidence.stage(name)
            if stage is None:
                problems.append((_missing_stage(name, evidence), "", name))
            else:
                stages.append(stage)
    else:
        stages = [s for s in evidence.stages if _relevant(s, gate)]
    reports = [
        r for s in stages for r in s.reports if r.kind is kind and _tool_wanted(gate, r.entry.tool)
    ]
    for stage in stages:
        problems.extend(
            (p.problem, p.tool, stage.name)
            for p in stage.problems
            if (p.kind is None or p.kind is kind) and (not p.tool or _tool_wanted(gate, p.tool))
        )
    expected = kinds(kind).EXPECTED_TOOL
    problems.extend(_missing_tools(gate, stages, reports, evidence.folder, expected=expected))
    return Selection(tuple(stages), tuple(reports), tuple(problems))


def _relevant(stage: StageEvidence, gate: GateSpec) -> bool:
    """Whether a stage holds (or was meant to hold) evidence for ``gate``.

    A stage without a manifest may have held anything. Otherwise it must hold
    evidence of the gate's kind (from one of the gate's tools, when it names
    some), so that a stale lint stage does not taint a gate that reads only
    mypy. A stage that failed before writing any such evidence may have been
    meant to: it counts for the gates its tools' evidence feeds (a crashed
    pytest blocks test and coverage gates, a crashed git only patch coverage).
    """
    if stage.manifest is None:
        return True
    wanted = set(gate.tools)
    tools = stage.tools(gate.metric.kind)
    if tools:
        return not wanted or bool(tools & wanted)
    if stage.manifest.error:
        ran = {run.name for run in stage.manifest.tools} | set(stage.unstarted_tools)
        if wanted:
            return bool(ran & wanted)
        return not ran or any(gate.metric.kind in kinds_of(name) for name in ran)
    return False


def _tool_wanted(gate: GateSpec, tool: str) -> bool:
    return not gate.tools or tool in gate.tools


def _missing_stage(name: str, evidence: Evidence) -> Problem:
    folder = evidence.folder
    held = ", ".join(stage.name for stage in evidence.stages) or "no stage"
    hint = f"run the stage: `nox -s {name}`"
    if name not in STAGES:
        hint += f" (or, if no stage is named {name!r}, fix the gate's `stage`)"
    return Problem(
        slug="missing-evidence",
        path=f"{folder}/{name}",
        message=f"no evidence: the stage folder {folder}/{name}/ does not exist ({folder}/ holds {held})",
        hint=hint,
        subject=name,
    )


def _missing_tools(
    gate: GateSpec,
    stages: Sequence[StageEvidence],
    reports: Sequence[LoadedReport],
    folder: str,
    *,
    expected: str,
) -> list[tuple[Problem, str, str]]:
    kind = gate.metric.kind
    if gate.stages and not stages:
        return []  # each missing stage is already a problem
    if gate.tools:
        present = {tool for s in stages for tool in s.tools(kind)}
        wanted = [tool for tool in gate.tools if tool not in present]
    else:
        wanted = [] if reports or any(s.tools(kind) for s in stages) else [expected]
    where = ", ".join(f"{folder}/{s.name}/" for s in stages) if stages else f"{folder}/"
    recorded = sorted({tool for s in stages for tool in s.tools(kind)})
    held = f" (its {kind.value} evidence is from {', '.join(recorded)})" if recorded else ""
    return [
        (
            Problem(
                slug="missing-evidence",
                path=where,
                message=f"holds no {tool} evidence{held}",
                hint=_run_it(tool),
                subject=tool,
            ),
            tool,
            "",
        )
        for tool in wanted
    ]


def _run_it(tool: str) -> str:
    """The next step for a tool without evidence: run it, or record it if gates does not know it."""
    if tool in KNOWN_TOOLS:
        return 'run the stage that runs it (see `nox -l`), or set on-missing = "warn"'
    return (
        f"gates does not know {tool}: record its report in a stage, as SARIF for a scanner "
        f"(`gates run STAGE --tool {tool} --report sarif=FILE -- ...`), or fix the gate's `tool`"
    )
