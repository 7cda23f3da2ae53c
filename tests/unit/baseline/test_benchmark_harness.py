"""The baseline benchmark still runs and checks its answer (never timed here: BENCHMARKS.md)."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from benchmarks.baseline_match import main, project
from gates.baseline.identity import identify, tree_sources


def test_the_benchmark_runs_and_every_finding_keeps_its_identity(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["200", "--rounds", "1", "--modules", "10"])
    out = capsys.readouterr().out
    assert out.startswith("200 findings in 10 modules; all kept their identity")
    for label in ("match", "identify", "compare", "write gates-baseline.json", "the floor"):
        assert label in out


@pytest.mark.parametrize("enabled", [True, False])
def test_identify_leaves_the_collector_as_it_found_it(tmp_path: Path, enabled: bool) -> None:
    findings = project(tmp_path, 50, modules=5)
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        identify(findings, tree_sources(tmp_path), salt="00" * 16)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
