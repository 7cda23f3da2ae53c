"""What the fuzzer feeds: every reader, the JSON verdict read back, and the policy loader.

A :class:`Target` takes the bytes of one untrusted file and does with them
what gates does: a reader reads them (and, when it accepts them, the reading
is judged against a policy with a gate on every metric of its kind, beside a
real report it is judged with, and rendered in an output format, as ``gates
check`` would); the verdict is
parsed and rendered as ``gates comment`` and ``gates annotate`` do; the
policy is loaded. The only outcomes allowed are a reading (a value) or a
:class:`~gates.errors.GatesError`: anything else is a bug the fuzzer reports.

Seeds are the real reports under ``tests/assets`` (every one belongs to a
target: ``test_every_asset_is_a_seed`` checks it), the hostile reproducers of
``tests/assets/hostile``, the fixed verdicts of the output tests and this
repository's own policies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from gates.catalog.metrics import Kind
from gates.ci.annotate import workflow_commands
from gates.ci.verdict_file import parse_verdict
from gates.judge.evaluate import evaluate
from gates.load import evidence as load_evidence
from gates.load.summary import QUANTILES, Scenario, summarise
from gates.model.reports import ReportData
from gates.model.stage import Evidence, LoadedReport, Manifest, ReportEntry, StageEvidence
from gates.model.verdict import Verdict
from gates.outputs import OutputFormat, render
from gates.policy.load import Policy, load_policy, parse_policy
from gates.readers import KINDS, READERS
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob

__all__ = ["ASSETS", "HOSTILE", "TARGETS", "Target", "seed_files"]

ASSETS: Final = Path(__file__).resolve().parents[1] / "assets"
HOSTILE: Final = ASSETS / "hostile"
ROOT: Final = Path(__file__).resolve().parents[2]
CONTEXT: Final = ReadContext("/tmp/gates-fuzz")  # noqa: S108 - a root no report names
COMMIT: Final = "a" * 40
TODAY: Final = dt.date(2026, 12, 1)

# Which recorded files each reader reads: globs under tests/assets (and the hostile ones).
_READER_SEEDS: Final[dict[str, tuple[str, ...]]] = {
    "coverage-json": ("coverage/*/*.json", "hostile/readers/*coverage-json*"),
    "cobertura-xml": ("coverage/*/*.xml", "hostile/readers/*cobertura*"),
    "coverage-report": ("coverage/*/*.txt", "hostile/readers/*coverage-report*"),
    "junit-xml": (
        "pytest/*/*.xml",
        "pytest/*/other-producers/*.xml",
        "pytest-rerunfailures/*/*.xml",
        "pytest-benchmark/*/*.junit.xml",
        "unittest-xml-reporting/*/*.xml",
        "hostile/readers/*junit*",
    ),
    "pytest-reportlog": (
        "pytest-reportlog/*/*.jsonl",
        "pytest-rerunfailures/*/*.reportlog.jsonl",
    ),
    "diff-cover-json": ("diff-cover/*/*.json", "hostile/readers/*diff-cover*"),
    "git-numstat": ("git/*/*.txt", "git/*/*/*.txt", "hostile/readers/*git-numstat*"),
    "ruff-json": ("ruff/*/check-*.json", "ruff/*/truncated.json", "hostile/readers/*ruff-json*"),
    "ruff-format-json": ("ruff/*/format-*.json",),
    "ruff-format-text": ("ruff/*/format-*.txt",),
    "file-list": ("ruff/*/show-files-*.txt", "hostile/readers/*file-list*"),
    "mypy-json": ("mypy/*/*.jsonl", "hostile/readers/*mypy-json*"),
    "mypy-linecount": ("mypy/*/linecount-*.txt",),
    "bandit-json": ("bandit/*/*.json",),
    "pip-audit-json": ("pip-audit/*/*.json",),
    "gates-osv-json": ("osv/reports/*.json",),
    "safety-json": ("safety/*/*.json",),
    "gates-secrets-json": ("detect-secrets/*/*.json",),
    "semgrep-json": ("semgrep/*/*.json",),
    "actionlint-json": ("actionlint/*/*.json",),
    "radon-cc-json": ("radon/*/cc*.json",),
    "radon-mi-json": ("radon/*/mi*.json",),
    "complexipy-sarif": ("complexipy/*/*.sarif",),
    "pylint-duplicate-code-json": ("pylint/*/*.json",),
    "sarif": ("sarif/*/*/*.sarif", "hostile/readers/*sarif*"),
    "pytest-benchmark-json": (
        "pytest-benchmark/*/*[!t].json",
        "gates-bench/*/identical/round-01/*.json",
        "gates-bench/*/slower/round-01/*.json",
        "hostile/readers/*pytest-benchmark*",
    ),
    "gates-load-latency": ("locust/*/*.latency.json", "gates-load/*/*.latency.json"),
    "gates-load-memory": ("gates-load/*/*.memory.json",),
    "gates-load-db": ("gates-load/*/*.db.json",),
    "gates-load-kept": ("gates-load/*/*.kept.json",),
    "gates-load-scenario": ("gates-load/*/*.scenario.json",),
    "locust-json": ("locust/*/*.locust.json", "gates-load/*/*.locust.json"),
    "locust-failures-csv": ("locust/*/*_failures.csv", "gates-load/*/*.locust_failures.csv"),
    "gitleaks-json": ("gitleaks/*/*.json",),
    "trufflehog-json": ("trufflehog/*/*.jsonl",),
}
_POLICY_SEEDS: Final = ("gates.toml", "tests/assets/gates-bench/*/project/gates.toml")

# The metrics a reading of each kind is judged on, as `gates check` would.
_POLICIES: Final[dict[Kind, str]] = {
    Kind.COVERAGE: """
[gate.lines]
metric = "coverage.percent"
min = 50
[gate.branches]
metric = "coverage.branch_percent"
min = 50
level = "warn"
[gate.total]
metric = "coverage.total_percent"
min = 50
""",
    Kind.TESTS: """
[gate.failed]
metric = "tests.failed"
max = 0
[gate.total]
metric = "tests.total"
min = 1
""",
    Kind.PATCH: """
[gate.patch]
metric = "coverage.patch_percent"
min = 50
""",
    Kind.FINDINGS: """
[gate.findings]
metric = "findings"
max = 0
[gate.high]
metric = "findings"
severity = "high"
max = 0
level = "warn"
""",
    Kind.BENCHMARKS: """
[gate.bench]
metric = "benchmark.regressions"
max = 0
""",
    Kind.LOAD: """
[gate.p95]
metric = "load.p95_ms"
max = 200
[gate.errors]
metric = "load.error_rate"
max = 1
[gate.memory]
metric = "memory.peak_mb"
max = 2048
[gate.growth]
metric = "memory.growth_mb_per_10k"
max = 10
[gate.breaking]
metric = "load.breaking_users"
min = 1
""",
}


@dataclass(frozen=True, slots=True)
class Target:
    """One entry point of gates that reads an untrusted file."""

    name: str  # a reader's format id, "verdict" or "policy"
    family: str  # the mutators that fit: "json", "jsonl", "xml", "text" or "toml"
    run: Callable[[bytes], object]  # raises GatesError or returns; nothing else
    seeds: tuple[str, ...]  # globs under the repository root
    more_seeds: Callable[[], list[bytes]] | None = None  # seeds made, not recorded

    def seed_paths(self) -> list[Path]:
        return sorted({path for pattern in self.seeds for path in ROOT.glob(pattern)})

    def seed_data(self) -> list[bytes]:
        made = self.more_seeds() if self.more_seeds is not None else []
        return [path.read_bytes() for path in self.seed_paths()] + made


def blob(data: bytes, name: str = "report") -> Blob:
    return Blob(f".gates/fuzz/{name}", data, hashlib.sha256(data).hexdigest())


# ---------------------------------------------------------------- readers


_OUTPUTS: Final = tuple(OutputFormat)


def read_and_judge(format_id: str, data: bytes) -> Verdict | ReportData:
    """What ``gates check`` does with one report: read, judge, render.

    Each input is rendered in one output format (which one depends on its
    size), so that the fuzzer spends its time on inputs: over many inputs
    every format renders every kind of reading.
    """
    reading = READERS[format_id].read(blob(data, format_id), CONTEXT)
    return judge(format_id, reading, outputs=(_OUTPUTS[len(data) % len(_OUTPUTS)],))


def judge(
    format_id: str, reading: ReportData, *, outputs: tuple[OutputFormat, ...] = _OUTPUTS
) -> Verdict:
    kind = KINDS[format_id]
    reports = [_loaded(format_id, kind, reading, role) for role in _roles(kind)]
    reports += _companions(format_id)
    stage = StageEvidence("fuzz", _manifest(), tuple(reports), ())
    verdict = evaluate(_policy(kind), Evidence(".gates", (stage,)), today=TODAY)
    for output in outputs:
        render(verdict, output)
    return verdict


# A report gates judges together with another of the same stage: each is judged beside a
# real reading of the other (coverage report's TOTAL against the JSON, diff-cover's measured
# lines against git's changed ones, ruff's findings with its file listing...).
_COMPANIONS: Final[dict[str, tuple[str, str]]] = {
    "coverage-report": ("coverage-json", "coverage/7.17.5/lines.json"),
    "coverage-json": ("coverage-report", "coverage/7.17.5/lines.txt"),
    "cobertura-xml": ("coverage-report", "coverage/7.17.5/lines.txt"),
    "git-numstat": ("diff-cover-json", "diff-cover/11.0.1/feature.json"),
    "diff-cover-json": ("git-numstat", "git/2.39.5/feature.txt"),
    "file-list": ("ruff-json", "ruff/0.17.6/check-findings.json"),
    "ruff-json": ("file-list", "ruff/0.17.6/show-files-findings.txt"),
    "ruff-format-json": ("file-list", "ruff/0.17.6/show-files-findings.txt"),
    "ruff-format-text": ("file-list", "ruff/0.17.6/show-files-findings.txt"),
    "mypy-json": ("mypy-linecount", "mypy/2.4.1/linecount-errors.txt"),
    "mypy-linecount": ("mypy-json", "mypy/2.4.1/errors.jsonl"),
}


@cache
def _companions(format_id: str) -> list[LoadedReport]:
    if format_id not in _COMPANIONS:
        return []
    other, asset = _COMPANIONS[format_id]
    reading = READERS[other].read(blob((ASSETS / asset).read_bytes(), other), CONTEXT)
    return [_loaded(other, KINDS[other], reading, "")]


def _roles(kind: Kind) -> tuple[str, ...]:
    # a benchmark gate compares a base with a head: the reading is both
    return ("base", "head") if kind is Kind.BENCHMARKS else ("",)


def _loaded(format_id: str, kind: Kind, reading: ReportData, role: str) -> LoadedReport:
    name = f"{role or format_id}.out"
    entry = ReportEntry(name, format_id, reading.tool, "0" * 64, 1, role)
    return LoadedReport("fuzz", f".gates/fuzz/{name}", entry, kind, reading)


@cache
def _manifest() -> Manifest:
    return Manifest(
        stage="fuzz",
        commit=COMMIT,
        dirty=False,
        worktree="0" * 64,
        started="2026-12-01T00:00:00Z",
        finished="2026-12-01T00:00:01Z",
        gates_version="0.1.0",
        reproduce="nox -s fuzz",
    )


@cache
def _policy(kind: Kind) -> Policy:
    return parse_policy(tomllib.loads(_POLICIES[kind]), source="fuzz.toml")


# ---------------------------------------------------------------- verdict, policy


def read_verdict(data: bytes) -> Verdict:
    """What ``gates comment`` and ``gates annotate`` do with a verdict file."""
    verdict = parse_verdict(blob(data, "verdict.json"))
    render(verdict, OutputFormat.MARKDOWN)
    changed: dict[str, set[int]] = {}
    for finding, _ in verdict.findings:
        changed.setdefault(finding.path, set()).add(finding.line)
    workflow_commands(verdict, {path: frozenset(lines) for path, lines in changed.items()})
    return verdict


def load_policy_bytes(data: bytes) -> Policy:
    """``load_policy`` on a ``gates.toml`` holding ``data``."""
    path = _policy_file()
    path.write_bytes(data)
    return load_policy(path)


@cache
def _policy_file() -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"gates-fuzz-{os.getpid()}-"))
    return folder / "gates.toml"


def verdict_seeds() -> list[bytes]:
    """The JSON verdicts of the output tests' fixed verdicts."""
    from tests.unit.outputs import _verdicts  # noqa: PLC0415 - test data, loaded on demand

    verdicts = (_verdicts.passing(), _verdicts.mixed(), _verdicts.hostile(), _verdicts.huge(40, 20))
    return [render(verdict, OutputFormat.JSON).encode() for verdict in verdicts]


# ---------------------------------------------------------------- the load stage's evidence


def read_load_latency(data: bytes) -> object:
    """The summary of ``latency.json`` alone, each percentile with its interval (its reader's
    target judges it with no scenario beside it, so it blocks before summarising)."""
    latency = load_evidence.read(blob(data, "latency.json"))
    summary = summarise(latency, Scenario(warmup_s=5.0, offered_rps=10.0), path="latency.json")
    for figures in (summary.overall, *summary.endpoints):
        for q in QUANTILES:
            figures.percentile(q)
    return summary


# ---------------------------------------------------------------- the targets


def _reader_target(format_id: str) -> Target:
    def run(data: bytes) -> object:
        return read_and_judge(format_id, data)

    family = _family(format_id)
    seeds = tuple(f"tests/assets/{pattern}" for pattern in _READER_SEEDS[format_id])
    return Target(format_id, family, run, seeds)


def _family(format_id: str) -> str:
    if format_id.endswith("-xml"):
        return "xml"
    if format_id == "mypy-json":
        return "jsonl"
    if format_id.endswith(("-json", "sarif")) or format_id.startswith("gates-load-"):
        return "json"
    return "text"


TARGETS: Final[dict[str, Target]] = {
    **{format_id: _reader_target(format_id) for format_id in READERS},
    "verdict": Target(
        "verdict", "json", read_verdict, ("tests/unit/outputs/golden/mixed.json",), verdict_seeds
    ),
    "policy": Target("policy", "toml", load_policy_bytes, _POLICY_SEEDS),
    "gates-load-summary": Target(
        "gates-load-summary", "json", read_load_latency, ("tests/assets/locust/*/*.latency.json",)
    ),
}


def seed_files() -> Iterable[Path]:
    """Every file some target uses as a seed."""
    for target in TARGETS.values():
        yield from target.seed_paths()
