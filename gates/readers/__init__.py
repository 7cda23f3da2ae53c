"""Report readers: one module per format, grouped by the kind of evidence, and the explicit registry.

The readers live in one sub-package per kind of evidence their reports give:
``coverage/``, ``patch/`` (the change and its coverage), ``testruns/``,
``findings/``, ``complexity/`` (findings too: functions too complex),
``advisories/`` (dependency audits: pip-audit, the offline OSV audit, safety),
``secrets/`` (secret scanners' reports: gates' own detect-secrets scan, gitleaks, TruffleHog),
``benchmarks/``, ``load/``;
:mod:`gates.readers.interface` is what each one is. Adding a reader touches its
module, one line here, real assets under ``tests/assets/<tool>/<version>/``, its
tests, docs/readers.md and the changelog.
"""

from __future__ import annotations

from gates.catalog.metrics import Kind
from gates.readers.advisories import osv_offline, pip_audit_json, safety_json
from gates.readers.benchmarks import pytest_benchmark
from gates.readers.complexity import complexipy_sarif, pylint_duplicates, radon_cc, radon_mi
from gates.readers.coverage import cobertura, coverage_json, coverage_text
from gates.readers.findings import (
    actionlint_json,
    bandit_json,
    file_list,
    mypy_json,
    mypy_linecount,
    ruff_format,
    ruff_format_text,
    ruff_json,
    sarif,
    semgrep_json,
)
from gates.readers.interface import ReadContext, Reader
from gates.readers.load import (
    gates_load_db,
    gates_load_kept,
    gates_load_latency,
    gates_load_memory,
    gates_load_scenario,
    locust_failures_csv,
    locust_json,
)
from gates.readers.patch import diff_cover, git_numstat
from gates.readers.secrets import gates_secrets, gitleaks_json, trufflehog_json
from gates.readers.testruns import junit, pytest_reportlog

__all__ = ["KINDS", "MAY_BE_EMPTY", "READERS", "ReadContext", "Reader", "reader_for"]

# Each reader, and the kind of evidence its reports provide.
_REGISTRY: tuple[tuple[Reader, Kind], ...] = (
    (coverage_json, Kind.COVERAGE),
    (cobertura, Kind.COVERAGE),
    (coverage_text, Kind.COVERAGE),
    (junit, Kind.TESTS),
    (pytest_reportlog, Kind.TESTS),
    (diff_cover, Kind.PATCH),
    (git_numstat, Kind.PATCH),
    (ruff_json, Kind.FINDINGS),
    (ruff_format, Kind.FINDINGS),
    (ruff_format_text, Kind.FINDINGS),
    (file_list, Kind.FINDINGS),
    (mypy_json, Kind.FINDINGS),
    (mypy_linecount, Kind.FINDINGS),
    (bandit_json, Kind.FINDINGS),
    (pip_audit_json, Kind.FINDINGS),
    (osv_offline, Kind.FINDINGS),
    (safety_json, Kind.FINDINGS),
    (gates_secrets, Kind.FINDINGS),
    (actionlint_json, Kind.FINDINGS),
    (sarif, Kind.FINDINGS),
    (semgrep_json, Kind.FINDINGS),
    (radon_cc, Kind.FINDINGS),  # functions too complex: findings of the rule CC
    (radon_mi, Kind.FINDINGS),  # no finding: the maintainability index, for complexity.mi_min
    (complexipy_sarif, Kind.FINDINGS),  # cognitive complexity: findings of the rule cognitive
    (pylint_duplicates, Kind.FINDINGS),  # duplicated blocks: findings of the rule duplicate-code
    (pytest_benchmark, Kind.BENCHMARKS),
    (gates_load_latency, Kind.LOAD),
    (gates_load_db, Kind.LOAD),
    (gates_load_kept, Kind.LOAD),
    (gates_load_memory, Kind.LOAD),
    (gates_load_scenario, Kind.LOAD),
    (locust_json, Kind.LOAD),
    (locust_failures_csv, Kind.LOAD),
    (gitleaks_json, Kind.FINDINGS),
    (trufflehog_json, Kind.FINDINGS),
)

READERS: dict[str, Reader] = {reader.FORMAT: reader for reader, _ in _REGISTRY}
KINDS: dict[str, Kind] = {reader.FORMAT: kind for reader, kind in _REGISTRY}

# Formats whose tool prints nothing when it finds nothing: `mypy -O json` without
# an error, `ruff check --show-files` and `ruff format --check` (text) without a file. The loader hands such an empty
# report to its reader (the tool's exit code in the manifest vouches for the run)
# instead of refusing it as `empty-report`.
MAY_BE_EMPTY: frozenset[str] = frozenset(
    {mypy_json.FORMAT, file_list.FORMAT, ruff_format_text.FORMAT, trufflehog_json.FORMAT}
)


def reader_for(format_id: str) -> Reader | None:
    """The reader of ``format_id``, or ``None`` when gates has none."""
    return READERS.get(format_id)
