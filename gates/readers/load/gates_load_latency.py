"""gates' load latency evidence: ``latency.json``, written by gates' Locust listener.

The load stage (``gates load``) runs Locust headless with ``gates/load/run/listener.py``
beside the project's locustfile; the listener records every request's latency in an
HdrHistogram per endpoint and time window, merges the workers' shards, and writes this
file (format ``gates-load-latency`` 1, :mod:`gates.load.evidence`). A file of another
format or version, a histogram that does not decode, or counts that disagree with the
histograms is refused (``unsupported-format``, ``malformed-report``); what the run
itself got wrong (a saturated generator, a missing worker) is judged by the load kind
(:mod:`gates.kinds.load`), with the scenario and Locust's own reports beside it.
"""

from __future__ import annotations

from typing import Final

from gates.load import evidence
from gates.model.reports import ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = evidence.FORMAT
TOOL: Final = "locust"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read ``latency.json``."""
    del context  # names no file of the project
    return ReportData(tool=TOOL, load=evidence.read(blob))
