"""Fail closed: evidence that cannot be trusted never passes, and says why."""

from __future__ import annotations

import pytest

from tests.integration.conftest import GATE_NAMES, Gates


@pytest.mark.slow
def test_the_fresh_project_passes_every_gate(gates: Gates) -> None:
    ran = gates.check()
    verdict = ran.verdict()
    assert ran.code == 0, ran.out
    assert verdict.statuses() == dict.fromkeys(GATE_NAMES, "pass")
