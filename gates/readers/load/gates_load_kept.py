"""What the load stage kept for people: ``kept.json``, the index of its profile and chart.

Format ``gates-load-kept`` 1 (:mod:`gates.load.profiling.kept`), written by ``gates
load`` after the run: the profile policy, the parts of the profile that could not be
taken and why, and each kept file with its hash. No gate reads it: ``gates check`` turns
it into the verdict's notes (where the profile and the breaking-point chart are, or a
warning that the profile could not be taken).
"""

from __future__ import annotations

from typing import Final

from gates.load.profiling import kept
from gates.model.reports import ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = kept.FORMAT
TOOL: Final = "locust"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read ``kept.json``."""
    del context
    return ReportData(tool=TOOL, load=kept.read(blob))
