"""The completeness counts, declared once: what every verdict publishes so a vacuous pass shows.

Readers fill them in (:attr:`gates.model.reports.ReportData.counts`), a tool's
``proof`` names the one that shows it looked at files (:mod:`gates.catalog.tools`),
and the JSON verdict lists every one, ``null`` when unmeasured.
"""

from __future__ import annotations

import enum

__all__ = ["Count"]


class Count(enum.Enum):
    """Completeness counts every verdict publishes, so a vacuous pass shows."""

    TESTS_RUN = "tests run"
    TESTS_SKIPPED = "tests skipped"
    FILES_LINTED = "files linted"
    FILES_TYPE_CHECKED = "files type-checked"
    FILES_SCANNED = "files scanned"
    PACKAGES_AUDITED = "packages audited"
    PACKAGES_SKIPPED = "packages skipped"
    STATEMENTS_MEASURED = "statements measured"
    CHANGED_LINES_MEASURED = "changed lines measured"
    BENCHMARKS_COMPARED = "benchmarks compared"
    FINDINGS_SUPPRESSED = "findings suppressed in source"

    @property
    def key(self) -> str:
        """The snake_case name used in JSON output."""
        return self.name.lower()
