"""What every test gets: an environment without the outer run's gates settings.

CI exports ``GATES_BASE`` (the reusable workflow sets it to the pull request's
base) around the stages that run this suite; the commands under test read it
as their default base, so a test would judge its fixture project against
the outer repository's base. Tests that need it set it themselves.

And no property test has a deadline: Hypothesis fails an example that takes
over 200 ms by default, which a loaded machine makes of any example (issue 9,
item 7). No test of gates depends on how fast the machine is.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import settings

from tests.webhook import Received, recording_server

settings.register_profile("gates", deadline=None)
settings.load_profile("gates")


@pytest.fixture(autouse=True)
def _no_outer_gates_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GATES_BASE", raising=False)


@pytest.fixture
def server() -> Iterator[tuple[str, Received]]:
    """A webhook receiver on 127.0.0.1 for one test: its URL and what it received."""
    with recording_server() as running:
        yield running
