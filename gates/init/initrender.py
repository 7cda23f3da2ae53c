"""The files ``gates init`` writes: the ``noxfile.py`` and the commented ``gates.toml``.

Both are rendered from the :class:`~gates.init.scaffold.Layout` init detected: the
noxfile in the project's own style (:mod:`gates.init.noxstyle`), so its linters
pass it, and with ``# mypy: ignore-errors`` first, so a project whose own
mypy checks every file (``mypy .``) without nox or gates installed is not
broken by it; the policy with a comment on every choice init made for the
project (the runner, the formatter, what is audited, which documents are
left out of the evidence), so a reviewer reads why.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from gates.init import noxstyle
from gates.init.noxstyle import Style

if TYPE_CHECKING:
    from gates.init.scaffold import Layout

__all__ = ["package_glob", "render_noxfile", "render_policy"]


def _value(style: Style, value: str | Sequence[str]) -> str:
    """A string, or a list of strings, as the project writes them."""
    if isinstance(value, str):
        return noxstyle.string(style, value)
    return "[" + ", ".join(noxstyle.string(style, item) for item in value) + "]"


def _one_or_list(items: Sequence[str]) -> str | Sequence[str]:
    return items[0] if len(items) == 1 else items


def _pipeline_arguments(layout: Layout) -> list[tuple[str, list[str], str]]:
    """(name, comment lines above it, value) of each Pipeline argument."""
    style = layout.style
    args: list[tuple[str, list[str], str]] = [
        ("package", [], _value(style, _one_or_list(layout.packages))),
        (
            "tests",
            [f"pytest's testpaths, from {layout.tests_from}"] if layout.tests_from else [],
            _value(style, _one_or_list(layout.tests)),
        ),
    ]
    if layout.runner != "pytest":
        args.append(("runner", [layout.runner_why], _value(style, layout.runner)))
    if layout.format is None:
        args.append(("format", [layout.format_why], "None"))
    if layout.integration:
        args.append(("integration", [], _value(style, layout.integration)))
    if layout.benchmarks:
        args.append(("benchmarks", [], _value(style, _one_or_list(layout.benchmarks))))
    args.append(("install", [], _value(style, layout.install)))
    extra = {"type": layout.type_install, "benchmark": layout.bench_install}
    entries = [f"{_value(style, k)}: {_value(style, v)}" for k, v in extra.items() if v]
    if entries:
        args.append(("extra_install", [], "{" + ", ".join(entries) + "}"))
    if layout.typecheck:
        args.append(
            ("typecheck", ["what the mypy configuration checks"], _value(style, layout.typecheck))
        )
    if layout.audit and layout.audit != (".",):
        args.append(("audit", [layout.audit_why], _value(style, layout.audit)))
    if not layout.audit:
        args.append(("audit", [f"nothing to audit: {layout.audit_why}"], "[]"))
    if layout.lock not in (None, "uv.lock"):
        args.append(("lock", ["the uv workspace's lock"], _value(style, str(layout.lock))))
    if layout.python:
        comment = ["the Python the project's requires-python allows"]
        args.append(("python", comment, _value(style, layout.python)))
    return args


def render_noxfile(layout: Layout) -> str:
    """The ``noxfile.py`` gates init writes, in the project's own style."""
    return noxstyle.noxfile(layout.style, _pipeline_arguments(layout))


def package_glob(package: str) -> str:
    """The files of ``package`` as a gate's ``path`` glob: ``src/pkg/*``, or ``solo.py``."""
    cleaned = package.strip("/")
    if cleaned.endswith(".py"):
        return cleaned
    return f"{cleaned}/*" if cleaned not in ("", ".") else "*"


def _toml_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def _comment(text: str) -> str:
    """``text`` as comment lines of at most 79 columns."""
    return "".join(f"# {line}\n" for line in textwrap.wrap(text, width=77, break_on_hyphens=False))


def render_policy(layout: Layout) -> str:
    """The commented ``gates.toml`` gates init writes."""
    globs = [package_glob(package) for package in layout.packages]
    files = f'"{globs[0]}"' if len(globs) == 1 else _toml_list(globs)
    unaffected = (
        f"unaffected = {_toml_list(layout.unaffected)}   # editing these keeps the evidence fresh"
        if layout.unaffected
        else "# unaffected = []   # none: the stages read the project's documents"
    )
    why = "".join(_comment(f"not {reason}") for reason in layout.unaffected_why)
    parts = [_POLICY_HEAD.format(base=layout.base, unaffected=unaffected, unaffected_why=why)]
    runner = "gates.unittest_junit discover" if layout.runner == "unittest" else "pytest"
    runs = _comment(
        f"Coverage as coverage.py counts it: the stages run `coverage run -m {runner}` with "
        "your own coverage configuration."
    )
    parts.append(_UNIT.format(files=files, include=",".join(globs), runs=runs))
    if layout.integration:
        parts.append(_INTEGRATION.format(files=files))
    runner_comment = _comment(layout.runner_why) if layout.runner_why else ""
    lint_what = (
        "ruff check and ruff format --check"
        if layout.format == "ruff"
        else "ruff check; formatting is not gated (noxfile.py)"
    )
    parts.append(
        _REST.format(
            files=files,
            runner_comment=runner_comment,
            lint_what=lint_what,
            **_new_findings(baseline=layout.baseline),
        )
    )
    if layout.workflows:
        parts.append(_WORKFLOWS)
    nothing = (
        f"Nothing is audited: {layout.audit_why}. When the project gains a runtime "
        'dependency, set `audit` in noxfile.py (["."], ["-r", "requirements.txt"]) and add:'
    )
    parts.append(_AUDIT if layout.audit else _NO_AUDIT.format(why=_comment(nothing)))
    if layout.benchmarks:
        parts.append(_BENCHMARKS)
    parts.append(_WAIVER)
    return "".join(parts)


def _new_findings(*, baseline: bool) -> dict[str, str]:
    """The findings gates' ``new`` line: on with a baseline, else how to adopt one."""
    if baseline:
        why = "gates-baseline.json holds the findings accepted so far: only new ones block."
        return {"new_why": _comment(why), "new": "new = true\n"}
    why = (
        "Existing findings? `nox -s gates`, then `gates baseline` records them in "
        "gates-baseline.json; commit it and uncomment `new = true`: only new findings "
        "block (docs/baseline.md)."
    )
    return {"new_why": _comment(why), "new": "# new = true\n"}


_POLICY_HEAD = """\
# The merge policy: what is good enough. Written by `gates init`; `gates check`
# judges the evidence the stages wrote (noxfile.py) against it. Reference:
# docs/policy.md. Every gate blocks when its evidence is missing, stale or
# incomplete; `level = "warn"` reports without blocking, e.g. while adopting.

[gates]
reports = ".gates"     # where the stages write evidence
base = "{base}"   # what the change is compared with (patch coverage, benchmarks)
# Files whose changes cannot change any stage's evidence: edit or commit them
# and the evidence stays fresh, a rerun of `nox -s gates` runs nothing. Add a
# folder only when no stage reads it (`docs/` when no tool checks its conf.py).
{unaffected}
{unaffected_why}
"""

_UNIT = """\
{runs}# `coverage.total_percent` is the TOTAL that `coverage report` prints, of the
# package's files:
#   coverage report --include='{include}'
# statements and branches together when the configuration measures branches
# (`branch = true`), statements alone when not; rounded at its `precision`
# (else two decimals).
# For statements only, write "coverage.percent"; for branches only,
# "coverage.branch_percent": the verdict then shows both figures.
[gate.unit-coverage]
metric = "coverage.total_percent"
stage = "unit"
# the package's files only, whatever else coverage measures
path = {files}
min = 90

"""

_INTEGRATION = """\
[gate.integration-coverage]
metric = "coverage.total_percent"
stage = "integration"
path = {files}
min = 80

[gate.combined-coverage]
metric = "coverage.total_percent"   # unit and integration data combined, as `coverage combine`
stage = ["unit", "integration"]
path = {files}
min = 85

"""

_REST = """\
[gate.patch-coverage]
metric = "coverage.patch_percent"   # the lines this change adds, against `base`
path = {files}
min = 90

[gate.tests]
metric = "tests.failed"   # failed or errored, in every stage
max = 0
{runner_comment}
{new_why}[gate.lint]
metric = "findings"
tool = "ruff"             # {lint_what}
max = 0
{new}
[gate.types]
metric = "findings"
tool = "mypy"
max = 0
{new}
[gate.code-security]
metric = "findings"
tool = "bandit"
severity = "medium"       # at or above: critical > high > medium > low > info
max = 0
{new}
"""

_WORKFLOWS = """\
[gate.workflows]
metric = "findings"
tool = ["zizmor", "actionlint"]   # the lint stage checks .github/workflows with both
max = 0

"""

_AUDIT = """\
[gate.dependencies]
metric = "findings"
tool = "pip-audit"        # known vulnerabilities in the project's dependencies
max = 0

"""

_NO_AUDIT = """\
{why}#
# [gate.dependencies]
# metric = "findings"
# tool = "pip-audit"
# max = 0

"""

_BENCHMARKS = """\
[gate.benchmarks]
metric = "benchmark.regressions"  # head against its merge base, measured in the same run
slowdown = "5%"           # the smallest slowdown that counts; inconclusive never blocks
max = 0

"""

_WAIVER = """\
# An accepted exception names what it covers, who owns it, why, and until when;
# an expired waiver blocks. For example:
#
# [[waiver]]
# finding = "pip-audit:GHSA-xxxx-xxxx-xxxx"
# owner = "alice"
# reason = "not reachable: we never parse untrusted YAML"
# expires = 2027-01-31
"""
