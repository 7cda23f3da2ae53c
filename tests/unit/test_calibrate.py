"""The calibration harness cannot rot: its fixture, schedule, pytest-benchmark rule and table.

No timing here (BENCHMARKS.md has the figures, ``python -m benchmarks.calibrate`` makes them).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from benchmarks.bench_stage import make_head, write_suite
from benchmarks.calibrate import (
    CASES,
    CONTROLS,
    SLOWED,
    make_trees,
    pytest_benchmark_fails,
    schedule,
    table,
)


def test_each_head_differs_from_the_base_only_where_it_should(tmp_path: Path) -> None:
    trees = make_trees(tmp_path)
    base = (trees["base"] / "calib.py").read_text()
    assert (trees["base"] / "test_calib.py").read_text() == (
        trees["10%"] / "test_calib.py"
    ).read_text()
    identical = (trees["identical"] / "calib.py").read_text()
    assert identical != base
    assert [line for line in identical.splitlines() if not line.startswith("#")] == [
        line for line in base.splitlines() if not line.startswith("#")
    ]
    for case, steps in (("3%", 4120), ("5%", 4200), ("10%", 4400), ("20%", 4800)):
        head = (trees[case] / "calib.py").read_text()
        assert head == base.replace("STEPS = 4000\n", f"STEPS = {steps}\n")


def test_the_schedule_spreads_every_case_over_the_whole_run() -> None:
    counts = {("identical", True): 100, ("10%", True): 20, ("10%", False): 10}
    plan = schedule(counts)
    assert Counter((case, noisy) for case, noisy, _ in plan) == counts
    first_half = Counter((case, noisy) for case, noisy, _ in plan[: len(plan) // 2])
    assert 45 <= first_half["identical", True] <= 55
    assert 8 <= first_half["10%", True] <= 12
    assert plan == schedule(counts)  # reproducible


def report(path: Path, means: dict[str, float]) -> Path:
    benchmarks = [{"fullname": name, "stats": {"mean": mean}} for name, mean in means.items()]
    path.write_text(json.dumps({"benchmarks": benchmarks}))
    return path


def test_pytest_benchmarks_own_rule_fails_over_five_percent_of_the_mean(tmp_path: Path) -> None:
    base = report(tmp_path / "base.json", {"a": 1.0, "b": 1.0, "c": 1.0})
    head = report(tmp_path / "head.json", {"a": 1.049, "b": 1.06, "c": 0.5})
    assert pytest_benchmark_fails(base, head) == ["b"]
    assert pytest_benchmark_fails(base, head, "mean:4%") == ["a", "b"]


def test_the_table_counts_blocks_detections_and_false_flags() -> None:
    def row(
        case: str, *, blocked: bool, slowed: str, control: str, pb: list[str]
    ) -> dict[str, object]:
        return {
            "case": case,
            "noise": True,
            "rounds": 12,
            "blocked": blocked,
            "comparisons": {
                SLOWED: [slowed, 1.1, 1.05, 1.15],
                CONTROLS[0]: [control, 1.0, 0.98, 1.02],
                CONTROLS[1]: ["inconclusive", 1.0, 0.9, 1.1],
            },
            "pytest_benchmark": pb,
        }

    rows = [
        row("10%", blocked=True, slowed="regression", control="no-change", pb=[SLOWED]),
        row("10%", blocked=True, slowed="regression", control="regression", pb=list(CONTROLS)),
        row("10%", blocked=False, slowed="inconclusive", control="no-change", pb=[]),
    ]
    text = table(rows)
    (line,) = [line for line in text.splitlines() if line.startswith("| 10% | on |")]
    cells = [cell.strip() for cell in line.strip("|").split("|")]
    assert cells[2:7] == ["3", "2/3 (67 %)", "2/3 (67 %)", "1/3 (33 %)", "1/3 (33 %)"]
    assert cells[7] == "+10.0 % (+10.0 to +10.0)"
    assert cells[9:] == ["2/3 (67 %)", "1/3 (33 %)"]
    assert len(text.splitlines()) == 3  # the header, its rule, one row: no empty cases
    assert [case.name for case in CASES] == ["identical", "3%", "5%", "10%", "20%"]


def test_the_thirty_benchmark_suite_compiles_and_its_heads_differ_as_asked(
    tmp_path: Path,
) -> None:
    for slower in (0, 10):
        root = tmp_path / f"s{slower}"
        write_suite(root)
        base = (root / "suite.py").read_text()
        make_head(root, slower)
        head = (root / "suite.py").read_text()
        compile(head, "suite.py", "exec")
        tests = (root / "benchmarks" / "test_suite.py").read_text()
        assert tests.count("def test_work_") == 30
        if slower:  # work_20 does 10 % more steps, nothing else changes
            assert head == base.replace("range(4042)", "range(4446)")
        else:
            assert head == "# the head: identical but for this comment\n" + base
