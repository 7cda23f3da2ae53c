"""Each category can fail: every patch in broken/ makes its suite fail, on the same servers.

For each variant: a copy of the project, the patch applied with ``git apply``,
and the test that guards what the patch removes, run by pytest against
this session's PostgreSQL (a database of its own) and Redis (a database number
of its own). It must fail, and fail on the named test: a suite that still
passes with the guard removed proves nothing. The five runs share one child
process (tests/broken_runner.py), so the heavy imports happen once.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

from paybot import devservers

ROOT = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT = 900  # seconds; only to stop a hung child
VARIANTS = {
    "secret-token": (
        "tests/integration/test_webhook_simulation.py",
        "test_an_update_without_the_right_secret_token_is_refused",
    ),
    "for-update": (
        "tests/integration/test_database_transactions.py",
        "test_two_connections_spend_one_balance_and_exactly_one_succeeds",
    ),
    "idempotency-key": (
        "tests/integration/test_payment_flows.py",
        "test_a_replayed_payment_yields_one_ledger_row",
    ),
    "authorisation": (
        "tests/security/test_authorisation.py",
        "test_alice_cannot_reach_bobs_order",
    ),
    "string-sql": (
        "tests/security/test_injection.py",
        "test_search_treats_the_query_as_text",
    ),
}


def test_every_patch_is_proven() -> None:
    assert sorted(path.stem for path in (ROOT / "broken").glob("*.patch")) == sorted(VARIANTS)


def patched_copy(variant: str, folder: Path) -> Path:
    """The project copied into ``folder`` with ``broken/<variant>.patch`` applied."""
    copy = folder / variant
    copy.mkdir(parents=True)
    for part in ("paybot", "tests", "broken", "pyproject.toml"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, copy / part)
    patch = copy / "broken" / f"{variant}.patch"
    applied = subprocess.run(
        ["git", "apply", "--verbose", str(patch)],
        cwd=copy, capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert applied.returncode == 0, f"{patch.name} no longer applies: {applied.stderr}"
    return copy


@pytest.fixture(scope="module")
def broken_runs(
    tmp_path_factory: pytest.TempPathFactory, postgres_server: devservers.Postgres, redis_url: str
) -> dict[str, dict[str, object]]:
    """Every variant's suite run once: its exit code, failed tests, and the end of its output."""
    folder = tmp_path_factory.mktemp("broken")
    redis_base = redis_url.rsplit("/", 1)[0]
    specs = [
        f"{variant}={patched_copy(variant, folder)}={suite}={guard}={redis_base}/{1 + index}"
        for index, (variant, (suite, guard)) in enumerate(sorted(VARIANTS.items()))
    ]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("COV_", "COVERAGE_"))},
        "PAYBOT_TEST_POSTGRES": f"{postgres_server.host}:{postgres_server.port}",
    }
    results = folder / "results.json"
    child = subprocess.run(
        [sys.executable, "-m", "tests.broken_runner", str(results), *specs],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=CHILD_TIMEOUT,
    )  # fmt: skip
    said = (child.stdout + child.stderr)[-4000:]
    assert child.returncode == 0 and results.is_file(), f"the runner failed:\n{said}"
    return {
        str(run["variant"]): {**run, "failed": failed_tests(Path(str(run["junit"]))), "said": said}
        for run in json.loads(results.read_text(encoding="utf-8"))
    }


def failed_tests(junit: Path) -> set[str]:
    """The names (without parameters) of the tests that failed or errored."""
    tree = ElementTree.parse(junit)  # noqa: S314 - written just now by our own child pytest
    return {
        case.get("name", "").split("[")[0]
        for case in tree.iter("testcase")
        if case.find("failure") is not None or case.find("error") is not None
    }


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_a_broken_variant_fails_its_suite(
    variant: str, broken_runs: dict[str, dict[str, object]]
) -> None:
    suite, guard = VARIANTS[variant]
    run = broken_runs[variant]
    assert run["exit"] == 1, f"with {variant}.patch, {suite} exited {run['exit']}:\n{run['said']}"
    failed = run["failed"]
    assert isinstance(failed, set)
    assert guard in failed, f"{guard} did not fail with {variant}.patch; failed: {sorted(failed)}"
