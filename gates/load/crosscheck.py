"""Locust's own reports, read for the cross-check of gates' counts (never for the verdict).

``--json-file NAME`` writes ``NAME.json``: a list with one object per endpoint, each
with ``num_requests`` and ``num_failures`` over the whole run (failures included in
requests). ``--csv PREFIX`` writes ``PREFIX_failures.csv`` (``Method,Name,Error,
Occurrences,First Seen,Last Seen``), refreshed by a greenlet every few seconds, so it
may lag the JSON; the larger count of the two is the one gates must have recorded.
"""

from __future__ import annotations

import csv
import io

from gates.errors import EvidenceError
from gates.load.summary import LocustTotals
from gates.untrusted.fields import Fields
from gates.untrusted.safeio import Blob, decode_text, parse_json
from gates.untrusted.safetext import decimal

__all__ = ["failures_in_csv", "locust_totals", "totals_in_json"]


def totals_in_json(blob: Blob) -> tuple[int, int]:
    """Requests and failures over every endpoint of Locust's ``--json-file``."""
    value = parse_json(blob).value
    if not isinstance(value, list):
        raise EvidenceError(
            "is not Locust's --json-file (a list of endpoints)",
            slug="unsupported-format",
            path=blob.path,
            hint="write it with `locust --json-file NAME`",
        )
    requests = failures = 0
    for index, item in enumerate(value):
        endpoint = Fields(item, path=blob.path, where=f"[{index}]")
        requests += endpoint.count("num_requests")
        failures += endpoint.count("num_failures")
    return requests, failures


def failures_in_csv(blob: Blob) -> int:
    """The occurrences of every failure in Locust's ``PREFIX_failures.csv``."""
    try:
        return _occurrences(blob, list(csv.reader(io.StringIO(decode_text(blob), newline=""))))
    except csv.Error as error:
        raise EvidenceError(
            f"is not a CSV file: {error}",
            slug="malformed-report",
            path=blob.path,
            hint="the report was edited or cut; rerun the load stage",
        ) from None


def _occurrences(blob: Blob, table: list[list[str]]) -> int:
    rows = iter(table)
    header = next(rows, [])
    if "Occurrences" not in header:
        raise EvidenceError(
            "has no Occurrences column: it is not Locust's failures CSV",
            slug="unsupported-format",
            path=blob.path,
            hint="write it with `locust --csv PREFIX` (PREFIX_failures.csv)",
        )
    column = header.index("Occurrences")
    total = 0
    for number, row in enumerate(rows, start=2):
        count = decimal(row[column]) if len(row) > column else None
        if count is None:
            raise EvidenceError(
                f"line {number} has no count of occurrences",
                slug="malformed-report",
                path=blob.path,
                hint="the report was edited or cut; rerun the load stage",
            )
        total += count
    return total


def locust_totals(json_report: Blob | None, failures_csv: Blob | None) -> LocustTotals:
    """What Locust counted, from whichever of its reports the stage kept."""
    requests, failures = totals_in_json(json_report) if json_report else (None, None)
    in_csv = failures_in_csv(failures_csv) if failures_csv else None
    counted = [count for count in (failures, in_csv) if count is not None]
    return LocustTotals(requests=requests, failures=max(counted) if counted else None)
