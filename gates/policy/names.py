"""A policy's names checked against the evidence that is there: stages, tools, paths.

A standard stage (or a tool gates knows) whose evidence is absent is *missing
evidence*, judged by the gate's ``on-missing``; a name that matches nothing and
reads like a misspelling of one that exists is a mistake in the policy. Pure:
the caller says which stages, tools and files there are.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from gates.catalog.stages import STAGES
from gates.catalog.tools import KNOWN_TOOLS
from gates.errors import PolicyError
from gates.policy.hints import NAME_CUTOFF, closest, listed

if TYPE_CHECKING:
    from gates.policy.load import GateSpec

__all__ = ["check_names"]


def check_names(
    gates: Iterable[GateSpec],
    *,
    stages: Collection[str],
    tools: Collection[str],
    folder: str,
    files: Collection[str] | None = None,
) -> None:
    """Raise for a gate's stage or tool that no evidence has and that is a near miss of one.

    ``files``: the repository's files (None: unknown), which every ``path`` glob
    of a gate must match at least once.

    ``stages``: the stage folders
    under ``folder``; ``tools``: the tools they recorded. A standard stage (or a
    tool gates knows) whose evidence is absent is *missing evidence*, judged by
    the gate's ``on-missing``; a name that matches nothing and reads like a
    misspelling of one that exists is a mistake in the policy, whatever
    ``on-missing`` says, so a typo cannot quietly turn a gate into a warning.
    """
    for gate in gates:
        for stage in gate.stages:
            _check_stage(stage, f"gate.{gate.name}.stage", stages=stages, folder=folder)
        for tool in gate.tools:
            _check_tool(tool, f"gate.{gate.name}.tool", tools=tools)
        if files is not None:
            for glob in gate.paths:
                _check_path(glob, f"gate.{gate.name}.path", files=files)


def _check_path(glob: str, key: str, *, files: Collection[str]) -> None:
    """A ``path`` glob that matches no file of the repository filters everything out."""
    if any(fnmatchcase(name, glob) for name in files):
        return
    folders = sorted({name.split("/", 1)[0] for name in files if "/" in name})
    close = closest(glob.split("/", 1)[0], folders, cutoff=NAME_CUTOFF)
    hint = f"did you mean `{close}/…`?" if close and "/" in glob else "check the glob"
    raise PolicyError(
        f"{glob!r} matches no file of the repository, so the gate would judge nothing: "
        "a findings gate would pass on zero findings",
        key=key,
        hint=f"{hint} (globs are matched against paths from the repository's root, e.g. "
        "`src/pkg/*`; `*` also crosses folders)",
        slug="policy-unknown-path",
    )


def _check_stage(stage: str, key: str, *, stages: Collection[str], folder: str) -> None:
    if stage in stages or stage in STAGES:
        return
    close = closest(stage, {*stages, *STAGES}, cutoff=NAME_CUTOFF)
    if close is None:
        return
    held = f"{folder}/ holds {listed(sorted(stages))}" if stages else f"{folder}/ holds no stage"
    raise PolicyError(
        f"no stage is named {stage!r}: {held}; the standard stages are {listed(STAGES)}",
        key=key,
        hint=f"did you mean `{close}`? (if `{stage}` is a stage of your own, run it first)",
        slug="policy-unknown-stage",
    )


def _check_tool(tool: str, key: str, *, tools: Collection[str]) -> None:
    if tool in tools or tool in KNOWN_TOOLS:
        return
    close = closest(tool, tools, cutoff=NAME_CUTOFF)
    if close is None:
        return
    raise PolicyError(
        f"no evidence comes from a tool named {tool!r}; the stages recorded "
        f"{listed(sorted(tools))}",
        key=key,
        hint=f"did you mean `{close}`?",
        slug="policy-unknown-tool",
    )
