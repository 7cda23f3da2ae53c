"""The database time of a load run: ``run/db.json``, written by the service under load.

A service that calls :func:`gates.load.run.dbprobe.install` (SQLAlchemy's cursor events)
while the load stage runs it writes every query's time, per 1 s window, into the file
the stage names (format ``gates-load-db`` 1, :mod:`gates.load.dbtime`). The load kind
reads ``db.mean_ms`` and ``db.p95_ms`` of the windows inside the measured run; without
the file those gates are ``load-db-unmeasured``, never 0.
"""

from __future__ import annotations

from typing import Final

from gates.load import dbtime
from gates.model.reports import ReportData
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

__all__ = ["FORMAT", "TOOL", "read"]

FORMAT: Final = dbtime.FORMAT
TOOL: Final = "locust"


def read(blob: Blob, context: ReadContext) -> ReportData:
    """Read ``db.json``."""
    del context
    return ReportData(tool=TOOL, load=dbtime.read(blob))
