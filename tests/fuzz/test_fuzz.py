"""Fuzzing is part of the suite: every reader, the verdict parser and the policy loader.

Each target (:mod:`tests.fuzz.targets`) gets inputs made from its real seeds
by structure-aware mutations (:mod:`tests.fuzz.harness`); any exception that
is not a :class:`~gates.errors.GatesError`, a read over its CPU-time bound or
over the memory bound fails, and Hypothesis shrinks the input and prints the
mutations that made it.

The normal run is derandomised and bounded (:data:`EXAMPLES` inputs per
target, a few seconds each). ``GATES_FUZZ_EXAMPLES=5000 pytest tests/fuzz``
runs longer, with fresh random choices; ``python -m benchmarks.fuzz`` is the
long run, in worker processes (BENCHMARKS.md, "Fuzzing the readers").
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz import mutate_xml
from tests.fuzz.harness import address_space, check, generate
from tests.fuzz.targets import ASSETS, HOSTILE, TARGETS, seed_files
from tests.fuzz.values import HypothesisDraw

EXAMPLES: Final = int(os.environ.get("GATES_FUZZ_EXAMPLES", "0")) or 100
LONG: Final = "GATES_FUZZ_EXAMPLES" in os.environ

# Recorded files that are no report a target reads: the tools' other output, logs, notes.
_NOT_REPORTS: Final = (
    "README.md",
    "make.sh",
    "exit-codes.txt",
    "stderr.txt",
    "*.manifest.json",  # the load stage's manifests, kept to show what it recorded
    "*.speedscope.json",  # py-spy's profile: kept for people, no reader (tests/unit/load)
    "make-*.sh",
    "*.breaking-point.svg",  # the load stage's chart: kept for people, no reader
    "*memray-stats.json",  # memray's summaries: kept for people, no reader (tests/unit/load)
    "memray/*/stats.json",
    "summaries.txt",
    "version.txt",
    "*.reportlog.jsonl",
    "*.ini",
    "*.yml",
    "*.yaml",
    "*.py",
    "*.py.txt",
    "*.coveragerc",
    "*.cjs",
    "manifest.json",
    "*.toml",
    "*.cfg",
    # Locust's own reports and the raw latencies: the load tests' cross-check (issue 13)
    "*.locust.json",
    "*.raw.tsv",
    "locust/*/*.csv",
    "radon/*/*-average.txt",  # radon's own `cc -a` text: the average the reader must equal
    # what the dependency audits read, not their reports: OSV advisories, a safety database
    "osv/advisories/*.json",
    "safety/*/db/*.json",
)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_fuzz(name: str) -> None:
    target = TARGETS[name]

    @settings(
        max_examples=EXAMPLES,
        derandomize=not LONG,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def fuzz(data: st.DataObject) -> None:
        report = generate(target, HypothesisDraw(data))
        outcome = check(target, report)
        assert not outcome.failed, f"{outcome} on {len(report):,} bytes: {report[:400]!r}"

    with address_space():
        fuzz()


def test_every_recorded_report_is_a_seed() -> None:
    """A reader's new assets are fuzzed too: each report under tests/assets seeds a target."""
    seeds = set(seed_files())
    recorded = {
        path
        for path in ASSETS.rglob("*")
        if path.is_file()
        and "project" not in path.relative_to(ASSETS).parts
        and not any(part.startswith("project-") for part in path.relative_to(ASSETS).parts)
        and not any(path.match(pattern) for pattern in _NOT_REPORTS)
        and HOSTILE not in path.parents
        and "gates-bench" not in path.parts
        and path.name != "conftest.py"
    }
    assert sorted(map(str, recorded - seeds)) == []


def test_every_target_has_seeds() -> None:
    for target in TARGETS.values():
        assert target.seed_data(), target.name
    assert all(Path(path).is_file() for path in seed_files())


def test_a_nesting_depth_of_thousands_of_digits_is_made_not_a_crash_of_the_harness() -> None:
    # the long run (benchmarks.fuzz) stopped here: int() of a 10,000-digit depth
    nest = mutate_xml._NEST
    body = f'<a><{nest} depth="{"9" * 10_000}">x</{nest}></a>'
    assert mutate_xml._expand_nests(body) == "<a>" + "<n>" * 10 + "x" + "</n>" * 10 + "</a>"
