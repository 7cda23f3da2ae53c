"""Locust's failures file: ``locust --csv PREFIX`` writes ``PREFIX_failures.csv``.

One row per distinct failure (``Method,Name,Error,Occurrences,First Seen,Last Seen``).
Locust refreshes it every few seconds, so it can lag its JSON report; the load kind
takes the larger count of the two and blocks (``load-uncounted-failures``) when Locust
counted failures that gates' listener did not. Parsing:
:func:`gates.load.crosscheck.failures_in_csv`.
"""

from __future__ import annotations

from typing import Final

from gates.load.crosscheck import failures_in_csv
from gates.load.summary import LocustTotals
from gates.model.reports import ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = "locust-failures-csv"
TOOL: Final = "locust"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read Locust's failures CSV: the failures it counted."""
    del context
    return ReportData(tool=TOOL, load=LocustTotals(failures=failures_in_csv(blob)))
