"""gates' memory-under-load evidence: ``memory.json``, the sampler's record of a load run.

While Locust runs, the load stage samples the service's whole process tree several times
a second (PSS and RSS from ``/proc``, :mod:`gates.load.memory`) and writes the samples
and the processes that exited (format ``gates-load-memory`` 1,
:mod:`gates.load.memory_evidence`). The load kind turns them into ``memory.peak_mb``
and ``memory.growth_mb_per_10k``, and into the run's problems (gaps, the service dead
or restarted).
"""

from __future__ import annotations

from typing import Final

from gates.load import memory_evidence
from gates.model.reports import ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = memory_evidence.FORMAT
TOOL: Final = "locust"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read ``memory.json``."""
    del context
    return ReportData(tool=TOOL, load=memory_evidence.read(blob))
