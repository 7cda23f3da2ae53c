"""Verdict values built by hand for the output tests.

* :func:`passing`: every gate passed, one warning-free run.
* :func:`mixed`: every :class:`Status`, every kind of offender, waivers of each
  status, findings of every severity (the golden files render this one).
* :func:`huge`: 100,000 findings and gates listing 10,000 offenders (size bounds).
* :func:`hostile`: evidence text built to break each output's escaping.
"""

from __future__ import annotations

from typing import Final

from gates.catalog.counts import Count
from gates.errors import ExitCode
from gates.model.reports import Finding, Problem, Severity
from gates.model.verdict import (
    BenchmarkComparison,
    BenchmarkOutcome,
    GateResult,
    Level,
    Offender,
    Status,
    Verdict,
    WaiverResult,
    WaiverStatus,
)

__all__ = ["HOSTILE", "hostile", "huge", "mixed", "passing"]

COMMIT: Final = "3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345"

HOSTILE: Final = (
    "a|b||c",
    "`tick` ``` fence",
    "<script>alert(1)</script>",
    "@octocat please look",
    "line1\nline2\r\n## heading\n- item",
    "[click](https://evil.example/)",
    "![img](https://evil.example/x.png)",
    "<!-- hidden --> -->",
    "\x1b[31mred\x1b[0m\x07\x00\x0b\x0c",
    "\u202eevil\u202c",
    "]]><![CDATA[ x",
    "&lt;entity&gt; &amp; &#64;octocat",
    "*bold* _it_ ~~s~~ #123 owner/repo#1",
    "\ud800 lone surrogate \ufffe",
    "[bold red]rich markup[/bold red]",
    "\\ back\\slash \\",
    "</details></summary></td>",
    "<img src=x onerror=alert(1)>",
    "\u2028para\u2029sep\x85nel",
    "bare https://evil.example/x www.evil.example HTTP://E.example ftp://f.example",
    "_www.evil.example mailto:a@b.example xmpp:c@d.example GH-12 (https://x.example)",
)
HOSTILE_TEXT: Final = " ".join(HOSTILE)


def _gate(
    name: str,
    metric: str,
    status: Status,
    *,
    observed: float | None = 0.0,
    bound: str = "<= 0",
    reason: str = "",
    stages: tuple[str, ...] = ("unit",),
    evidence: tuple[str, ...] = (".gates/unit/junit.xml",),
    offenders: tuple[Offender, ...] = (),
    offenders_total: int = 0,
    problems: tuple[Problem, ...] = (),
    waivers: tuple[str, ...] = (),
    reproduce: str = "",
    comparisons: tuple[BenchmarkComparison, ...] = (),
    precision: int | None = None,
) -> GateResult:
    return GateResult(
        name=name,
        metric=metric,
        status=status,
        level=Level.WARN if status is Status.WARN else Level.BLOCK,
        observed=observed,
        bound=bound,
        reason=reason or f"{name} is within its bound",
        stages=stages,
        evidence=evidence,
        offenders=offenders,
        offenders_total=offenders_total,
        problems=problems,
        waivers=waivers,
        reproduce=reproduce or f"nox -s {name}",
        comparisons=comparisons,
        precision=precision,
    )


def passing() -> Verdict:
    """Three gates that passed, clean evidence."""
    gates = (
        _gate("lint", "findings", Status.PASS, reason="no ruff findings"),
        _gate(
            "unit-coverage",
            "coverage.percent",
            Status.PASS,
            observed=93.5,
            bound=">= 90",
            precision=2,
        ),
        _gate("tests", "tests.failed", Status.PASS, reason="412 tests, none failed"),
    )
    return Verdict(
        status=Status.PASS,
        exit_code=ExitCode.PASS,
        gates=gates,
        waivers=(),
        counts=((Count.TESTS_RUN, 412), (Count.TESTS_SKIPPED, 3), (Count.FILES_LINTED, 57)),
        findings=(),
        stages=(("lint", COMMIT, False), ("unit", COMMIT, False)),
    )


def _coverage_gate() -> GateResult:
    return _gate(
        "unit-coverage",
        "coverage.percent",
        Status.FAIL,
        observed=89.994,  # 89.99 at two decimals: fails >= 90 (89.996 would round to 90.00)
        bound=">= 90",
        reason="line coverage 89.99% is below 90%",
        precision=2,
        offenders=(
            Offender(
                path="gates/evaluate.py",
                line=0,
                label="71.42%",
                detail="missing lines 40-52, 97",
            ),
            Offender(path="gates/policy.py", line=0, label="84.00%", detail="missing lines 12, 13"),
            Offender(path="gates/cli.py", line=0, label="88.10%", detail="missing line 201"),
        ),
        offenders_total=5,
        evidence=(".gates/unit/coverage.json",),
        reproduce="nox -s unit && coverage report --fail-under=90",
    )


def _tests_gate() -> GateResult:
    return _gate(
        "tests",
        "tests.failed",
        Status.FAIL,
        observed=2.0,
        reason="2 tests failed",
        offenders=(
            Offender(
                path="tests/test_policy.py",
                line=41,
                label="tests.test_policy::test_bound",
                detail="assert 3 == 2",
            ),
            Offender(
                path="tests/test_cli.py",
                line=0,
                label="tests.test_cli::test_exit",
                detail="TimeoutError",
            ),
        ),
        offenders_total=2,
        reproduce="pytest tests/test_policy.py::test_bound tests/test_cli.py::test_exit",
    )


def _benchmark_gate() -> GateResult:
    return _gate(
        "benchmarks",
        "benchmark.regressions",
        Status.FAIL,
        observed=1.0,
        reason="1 benchmark regressed by more than 5%",
        stages=("benchmark",),
        evidence=(".gates/benchmark/head.json", ".gates/benchmark/base.json"),
        offenders=(
            Offender(path="tests/bench.py", line=0, label="test_parse", detail="+12.0% slower"),
        ),
        offenders_total=1,
        comparisons=(
            BenchmarkComparison(
                name="test_parse",
                outcome=BenchmarkOutcome.REGRESSION,
                estimate=1.12,
                low=1.051,
                high=1.193,
                rounds=40,
                reason="p < 0.01",
            ),
            BenchmarkComparison(
                name="test_render",
                outcome=BenchmarkOutcome.NO_CHANGE,
                estimate=1.01,
                low=0.98,
                high=1.04,
                rounds=40,
                reason="",
            ),
            BenchmarkComparison(
                name="test_read",
                outcome=BenchmarkOutcome.INCONCLUSIVE,
                estimate=1.04,
                low=0.97,
                high=1.11,
                rounds=12,
                reason="budget",
            ),
        ),
        reproduce="nox -s benchmark",
    )


def _other_gates() -> tuple[GateResult, ...]:
    return (
        _gate(
            "security",
            "findings",
            Status.WAIVED,
            observed=1.0,
            reason="1 high finding, waived",
            stages=("security",),
            evidence=(".gates/security/pip-audit.json",),
            waivers=("finding pip-audit:GHSA-h4gh-qq45-vh27",),
        ),
        _gate("flaky", "tests.flaky", Status.WARN, observed=1.0, reason="1 flaky test"),
        _gate(
            "patch-coverage",
            "coverage.patch_percent",
            Status.ERROR,
            observed=None,
            bound=">= 90",
            reason="diff-cover measured 0 changed lines",
            stages=("unit",),
            evidence=(".gates/unit/diff-cover.json",),
            problems=(
                Problem(
                    slug="vacuous",
                    path=".gates/unit/diff-cover.json",
                    message="0 changed lines measured, 14 Python lines changed",
                    hint="fetch the base branch: git fetch origin main",
                ),
            ),
            reproduce="nox -s unit",
        ),
    )


def _findings() -> tuple[tuple[Finding, bool], ...]:
    return (
        (
            Finding("ruff", "E501", Severity.LOW, "gates/cli.py", 12, "Line too long (120 > 100)"),
            False,
        ),
        (
            Finding(
                "bandit", "B602", Severity.HIGH, "gates/nox.py", 88, "subprocess with shell=True"
            ),
            False,
        ),
        (Finding("bandit", "B101", Severity.INFO, "tests/test_x.py", 3, "Use of assert"), False),
        (
            Finding(
                "pip-audit", "GHSA-h4gh-qq45-vh27", Severity.HIGH, "", 0, "cryptography 41.0.0"
            ),
            True,
        ),
        (
            Finding(
                "mypy", "arg-type", Severity.MEDIUM, "gates/model.py", 0, "Argument 1 has type"
            ),
            False,
        ),
        (
            Finding("semgrep", "py.exec", Severity.CRITICAL, "src/my file#1.py", 7, "exec use"),
            False,
        ),
    )


def mixed() -> Verdict:
    """Every status, offender kind, waiver status and severity."""
    gates = (
        _gate("lint", "findings", Status.PASS, reason="no ruff findings", stages=("lint",)),
        _coverage_gate(),
        _tests_gate(),
        *_other_gates(),
        _benchmark_gate(),
    )
    waivers = (
        WaiverResult(
            target="finding pip-audit:GHSA-h4gh-qq45-vh27",
            owner="@sec-team",
            reason="not reachable",
            expires="2027-01-31",
            status=WaiverStatus.USED,
            matched=1,
        ),
        WaiverResult(
            target="package left-pad",
            owner="alice",
            reason="vendored",
            expires="2026-12-01",
            status=WaiverStatus.UNUSED,
            matched=0,
        ),
        WaiverResult(
            target="finding bandit:B602",
            owner="",
            reason="temporary",
            expires="2024-01-01",
            status=WaiverStatus.EXPIRED,
            matched=0,
        ),
    )
    counts = (
        (Count.TESTS_RUN, 412),
        (Count.TESTS_SKIPPED, 3),
        (Count.FILES_LINTED, 57),
        (Count.PACKAGES_AUDITED, 31),
        (Count.PACKAGES_SKIPPED, 0),
        (Count.STATEMENTS_MEASURED, 12_345),
    )
    return Verdict(
        status=Status.ERROR,
        exit_code=ExitCode.EVIDENCE,
        gates=gates,
        waivers=waivers,
        counts=counts,
        findings=_findings(),
        stages=(("lint", COMMIT, False), ("unit", COMMIT, True), ("security", "", False)),
        notes=("benchmark stage compared against origin/main at 1a2b3c4",),
    )


def _many_findings(count: int) -> tuple[tuple[Finding, bool], ...]:
    tools = ("ruff", "bandit", "mypy")
    return tuple(
        (
            Finding(
                tools[i % 3],
                f"R{i % 97}",
                Severity(i % 5),
                f"pkg/mod_{i % 500}.py",
                i % 300,
                f"problem {i}",
            ),
            i % 10 == 0,
        )
        for i in range(count)
    )


def _many_offenders(count: int) -> tuple[Offender, ...]:
    return tuple(
        Offender(
            path=f"pkg/mod_{i % 500}.py",
            line=i % 300 + 1,
            label=f"R{i % 97}",
            detail=f"problem number {i} " + "x" * 80,
        )
        for i in range(count)
    )


def huge(findings: int = 100_000, offenders: int = 10_000) -> Verdict:
    """``findings`` findings (one in ten waived) and two failing gates of ``offenders`` each.

    The lint gate says it had one offender per finding but lists ``offenders``.
    """
    listed = _many_offenders(offenders)
    gates = (
        _gate(
            "lint",
            "findings",
            Status.FAIL,
            observed=float(findings),
            reason="too many findings",
            offenders=listed,
            offenders_total=findings,
        ),
        _gate(
            "tests",
            "tests.failed",
            Status.FAIL,
            observed=float(offenders),
            reason="tests failed",
            offenders=listed,
            offenders_total=offenders,
        ),
    )
    return Verdict(
        status=Status.FAIL,
        exit_code=ExitCode.FAIL,
        gates=gates,
        waivers=(),
        counts=((Count.FILES_LINTED, 500),),
        findings=_many_findings(findings),
        stages=(("lint", COMMIT, False),),
    )


def hostile() -> Verdict:
    """Hostile text in every string field a verdict carries."""
    text = HOSTILE_TEXT
    offenders = tuple(Offender(path=f"src/{h}.py", line=3, label=h, detail=text) for h in HOSTILE)
    gates = tuple(
        _gate(
            text,
            text,
            status,
            observed=1.5,
            bound=text,
            reason=text,
            offenders=offenders,
            offenders_total=len(offenders) + 7,
            reproduce=text,
            waivers=(text,),
            problems=(Problem(slug=text, path=text, message=text, hint=text, subject=text),),
            stages=(text,),
            evidence=(text,),
            comparisons=(
                BenchmarkComparison(
                    name=text,
                    outcome=BenchmarkOutcome.REGRESSION,
                    estimate=1.5,
                    low=1.2,
                    high=1.8,
                    rounds=5,
                    reason=text,
                ),
            ),
        )
        for status in Status
    )
    findings = tuple(
        (Finding(h, h, severity, f"src/{h}", 2, text), severity is Severity.HIGH)
        for h in HOSTILE
        for severity in (Severity.HIGH, Severity.LOW)
    )
    return Verdict(
        status=Status.FAIL,
        exit_code=ExitCode.FAIL,
        gates=gates,
        waivers=(
            WaiverResult(
                target=text,
                owner=text,
                reason=text,
                expires=text,
                status=WaiverStatus.USED,
                matched=2,
            ),
        ),
        counts=((Count.TESTS_RUN, 1),),
        findings=findings,
        stages=((text, text, True),),
        notes=(text,),
        policy=text,
    )
