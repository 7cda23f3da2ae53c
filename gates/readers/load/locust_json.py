"""Locust's own JSON report: ``locust --json-file NAME`` writes ``NAME.json``.

A list with one object per endpoint, each with ``num_requests`` and ``num_failures``
over the whole run (failures included in requests), and response times rounded to two
significant digits. gates never judges latency from it: the load kind reads only its
totals, to check that gates' listener counted every request and failure Locust did
(``load-uncounted-requests``, ``load-uncounted-failures``). Parsing:
:func:`gates.load.crosscheck.totals_in_json`.
"""

from __future__ import annotations

from typing import Final

from gates.load.crosscheck import totals_in_json
from gates.load.summary import LocustTotals
from gates.model.reports import ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "locust-json"
TOOL: Final = "locust"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read Locust's ``--json-file`` report: its totals."""
    del context
    requests, failures = totals_in_json(blob)
    return ReportData(tool=TOOL, load=LocustTotals(requests=requests, failures=failures))
