"""What a CI plan and the Nox recipes agree on: the stage tag and which stage needs which.

Standard library only: :mod:`gates.nox` imports it from the environment Nox
runs in, and :mod:`gates.plan` from gates'.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

__all__ = ["COVERAGE_STAGES", "STAGES", "STAGE_TAG", "stage_requires"]

STAGE_TAG: Final = "gates-stage"  # the Nox tag of every stage session
# The standard stages, in pipeline order: the recipes of gates.nox (its STAGES, which a
# test keeps equal) and the names a policy's `stage` is checked against for typos.
STAGES: Final = ("lint", "type", "unit", "integration", "security", "benchmark", "diff")
COVERAGE_STAGES: Final = ("unit", "integration")


def stage_requires(stage: str, stages: Sequence[str]) -> tuple[str, ...]:
    """The stages whose evidence ``stage`` reads, among the enabled ``stages``.

    ``diff`` measures the changed lines with the coverage of ``unit`` and
    ``integration``; every other stage reads nothing but the code.
    """
    if stage == "diff":
        return tuple(name for name in COVERAGE_STAGES if name in stages)
    return ()
