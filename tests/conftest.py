"""What every test gets: an environment without the outer run's gates settings.

CI exports ``GATES_BASE`` (the reusable workflow sets it to the pull request's
base) around the stages that run this suite; the commands under test read it
as their default base, so a test would judge its fixture project against
the outer repository's base. Tests that need it set it themselves.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_outer_gates_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GATES_BASE", raising=False)
