"""The load stage's scenario: ``scenario.json``, what the run was asked to be.

Written by ``gates load`` before Locust starts (format ``gates-load-scenario`` 1,
:mod:`gates.load.scenario`): users, spawn rate, run time, the warm-up left out of the
measured window, the offered rate the generator had to keep up with, and for a
step-load run the limits a window breaks. Without it the load kind cannot tell a run
that fell short from one that did what it was asked, and blocks.
"""

from __future__ import annotations

from typing import Final

from gates.load import scenario
from gates.model.reports import ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = scenario.FORMAT
TOOL: Final = "locust"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read ``scenario.json``."""
    del context
    return ReportData(tool=TOOL, load=scenario.read(blob))
