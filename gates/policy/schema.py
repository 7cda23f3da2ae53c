"""The ``gates.toml`` vocabulary, declared once.

:mod:`gates.policy.load` checks documents against these tables, and
:func:`json_schema` turns them into the JSON Schema shipped in
``gates/data/gates.schema.json`` for editors (a test keeps the two equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from gates.catalog.metrics import AGAINST_BASE, METRICS
from gates.model.verdict import Level, WaiverTarget

__all__ = [
    "ALERT_KEYS",
    "ALERT_WHEN",
    "DEFAULT_BASE",
    "GATE_KEYS",
    "LIMITS",
    "QUARANTINE_KEYS",
    "SETTINGS_KEYS",
    "TOP_KEYS",
    "WAIVER_KEYS",
    "WAIVER_TARGETS",
    "Key",
    "Limit",
    "json_schema",
]

DEFAULT_BASE: Final = (
    "origin/main"  # the base ref when neither --base, $GATES_BASE nor the policy says
)


_FINDINGS = frozenset({"findings"})
_FILES = frozenset(name for name, metric in METRICS.items() if name.startswith("coverage."))
# radon's figures, from findings evidence: the tool that wrote them, and the files they count
_COMPLEXITY = frozenset(name for name in METRICS if name.startswith("complexity."))


@dataclass(frozen=True, slots=True)
class Key:
    """One key of a table: its JSON Schema, its help text, the metrics it applies to."""

    schema: dict[str, object]
    description: str
    metrics: frozenset[str] = frozenset()  # empty: every metric


_STRINGS: dict[str, object] = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
    ]
}
_NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]*$"
_SEVERITIES = ["critical", "high", "medium", "low", "info"]

TOP_KEYS: dict[str, Key] = {
    "gates": Key({"$ref": "#/$defs/settings"}, "settings shared by every gate"),
    "gate": Key({"$ref": "#/$defs/gates"}, "one table per gate: [gate.<name>]"),
    "waiver": Key(
        {"type": "array", "items": {"$ref": "#/$defs/waiver"}},
        "accepted exceptions, each with an expiry",
    ),
    "quarantine": Key(
        {"type": "array", "items": {"$ref": "#/$defs/quarantine"}},
        "tests that run and are reported but whose failures do not block, each with an expiry",
    ),
    "alert": Key({"$ref": "#/$defs/alerts"}, "alert rules: [alert.<name>] (docs/policy.md)"),
}


@dataclass(frozen=True, slots=True)
class Limit:
    """A whole-number limit of ``[gates]``: its domain, default and unit."""

    low: int
    high: int
    default: int
    unit: str  # "MiB" or "CPU seconds"
    description: str


LIMITS: dict[str, Limit] = {
    "max-report-mb": Limit(1, 4096, 256, "MiB", "largest report gates will read, in MiB"),
    "max-report-seconds": Limit(
        1,
        3600,
        60,
        "CPU seconds",
        "CPU seconds one report may take to read; slower is an evidence error naming it",
    ),
    "max-evidence-seconds": Limit(
        1, 86400, 600, "CPU seconds", "CPU seconds reading every report may take together"
    ),
    "max-memory-mb": Limit(
        64,
        1048576,
        4096,
        "MiB",
        "MiB of memory reading the evidence may add (Linux); more is an evidence error",
    ),
}

SETTINGS_KEYS: dict[str, Key] = {
    "reports": Key(
        {"type": "string", "default": ".gates"}, "folder the stages write evidence into"
    ),
    "base": Key(
        {"type": "string", "default": DEFAULT_BASE}, "base ref for diff-aware gates and benchmarks"
    ),
    "history": Key(
        {"type": "string", "default": "gates-history"},
        "the branch that keeps one record per run (docs/history.md): ratchets and trends read it",
    ),
    "unaffected": Key(
        {"type": "array", "items": {"type": "string", "minLength": 1}, "default": []},
        "globs of files that cannot change what a stage measures (`*.md`, `docs/`): "
        "editing them keeps the evidence fresh",
    ),
    **{
        name: Key(
            {
                "type": "integer",
                "minimum": limit.low,
                "maximum": limit.high,
                "default": limit.default,
            },
            limit.description,
        )
        for name, limit in LIMITS.items()
    },
}

GATE_KEYS: dict[str, Key] = {
    "metric": Key({"enum": sorted(METRICS)}, "what the gate measures"),
    "min": Key({"type": "number"}, "lowest passing value (inclusive)"),
    "max": Key({"type": "number"}, "highest passing value (inclusive)"),
    "stage": Key(
        {
            "oneOf": [
                {"type": "string", "pattern": _NAME_PATTERN},
                {
                    "type": "array",
                    "items": {"type": "string", "pattern": _NAME_PATTERN},
                    "minItems": 1,
                },
            ]
        },
        "the stage(s) whose evidence the gate reads; coverage is combined across them",
    ),
    "level": Key(
        {"enum": [level.value for level in Level], "default": Level.BLOCK.value},
        '"warn" reports and never blocks',
    ),
    "on-missing": Key(
        {"enum": [level.value for level in Level], "default": Level.BLOCK.value},
        "what happens when the gate's evidence is absent",
    ),
    "description": Key({"type": "string"}, "shown next to the gate in the verdict"),
    "tool": Key(
        _STRINGS, "only findings (or complexity figures) from these tools", _FINDINGS | _COMPLEXITY
    ),
    "severity": Key({"enum": _SEVERITIES}, "only findings at or above this severity", _FINDINGS),
    "rule": Key(_STRINGS, "only findings whose rule matches one of these globs", _FINDINGS),
    "path": Key(
        _STRINGS,
        "only findings, covered files or measured functions whose path matches one of these globs",
        _FINDINGS | _FILES | _COMPLEXITY,
    ),
    "new": Key(
        {"type": "boolean", "default": False},
        "only findings absent from the baseline file (gates-baseline.json, `gates baseline`)",
        _FINDINGS,
    ),
    "changed": Key(
        {"type": "boolean", "default": False},
        "only findings on lines this change adds or modifies against [gates] base",
        _FINDINGS,
    ),
    "vs": Key(
        {"enum": ["base"]},
        '"base": the bounds judge the value minus the base branch\'s recorded one '
        "(docs/history.md); a base without history follows on-missing",
        AGAINST_BASE,
    ),
    "slowdown": Key(
        {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$", "default": "5%"},
        "smallest slowdown that counts as a regression",
        frozenset({"benchmark.regressions"}),
    ),
    "endpoint": Key(
        {"type": "string", "minLength": 1},
        'one endpoint as Locust names it, "<METHOD> <name>"; default: all endpoints together',
        frozenset({"load.p50_ms", "load.p95_ms", "load.p99_ms", "load.error_rate", "load.rps"}),
    ),
}

WAIVER_TARGETS: tuple[str, ...] = tuple(target.value for target in WaiverTarget)

WAIVER_KEYS: dict[str, Key] = {
    "finding": Key(
        {"type": "string", "pattern": r"^[^:\s]+:\S+$"},
        'a finding, as "tool:rule" (the rule may be a glob)',
    ),
    "gate": Key({"type": "string", "pattern": _NAME_PATTERN}, "a whole gate, by name"),
    "evidence": Key(
        {"type": "string", "pattern": r"^[^:\s]+(:[^:\s]+)?(:\S+)?$"},
        'an evidence problem, as "tool[:problem[:subject]]" (e.g. "pip-audit:audit-incomplete")',
    ),
    "path": Key({"type": "string"}, "for finding waivers: only in files matching this glob"),
    "owner": Key({"type": "string", "minLength": 1}, "who answers for the waiver"),
    "reason": Key({"type": "string", "minLength": 1}, "why it is acceptable"),
    "expires": Key({"type": "string", "format": "date"}, "a TOML date; an expired waiver blocks"),
}


QUARANTINE_KEYS: dict[str, Key] = {
    "test": Key(
        {"type": "string", "minLength": 1},
        'a pytest node id, or a glob of them ("tests/test_net.py::test_retry")',
    ),
    "owner": Key({"type": "string", "minLength": 1}, "who answers for the quarantine"),
    "reason": Key({"type": "string", "minLength": 1}, "why the test is quarantined"),
    "expires": Key({"type": "string", "format": "date"}, "a TOML date; an expired entry blocks"),
}


ALERT_WHEN: tuple[str, ...] = ("gate-red", "new-finding", "regression", "expiring", "new-flaky")
_ENV_NAME = "^[A-Za-z_][A-Za-z0-9_]*$"

ALERT_KEYS: dict[str, Key] = {
    "when": Key(
        {"enum": list(ALERT_WHEN)},
        "gate-red: a gate turning red on the base branch; new-finding: a finding at or above "
        "`severity`; regression: a gate's value worse than the base's by more than `percent`; "
        "expiring: a waiver or quarantine expiring within `days`; new-flaky: a test newly flaky",
    ),
    "gates": Key(_STRINGS, "gate-red, regression: only these gates (default: every gate)"),
    "severity": Key(
        {"enum": _SEVERITIES, "default": "critical"}, "new-finding: at or above this severity"
    ),
    "percent": Key(
        {"type": "number", "exclusiveMinimum": 0, "default": 10},
        "regression: how much worse than the base, in % of the base's value",
    ),
    "days": Key(
        {"type": "integer", "minimum": 0, "default": 14},
        "expiring: within this many days (an expired one too)",
    ),
    "branch": Key(
        {"type": "string", "minLength": 1},
        "only on runs of this branch (default for gate-red: the base branch of [gates] base)",
    ),
    "slack": Key(
        {"type": "string", "pattern": _ENV_NAME},
        "the environment variable holding a Slack-compatible incoming webhook URL",
    ),
    "webhook": Key(
        {"type": "string", "pattern": _ENV_NAME},
        "the environment variable holding a URL the alerts are POSTed to as JSON",
    ),
    "token": Key(
        {"type": "string", "pattern": _ENV_NAME},
        "the environment variable holding a bearer token for `webhook`",
    ),
    "description": Key({"type": "string"}, "shown with the alert"),
}


def _properties(keys: dict[str, Key]) -> dict[str, object]:
    return {name: {**key.schema, "description": key.description} for name, key in keys.items()}


def json_schema() -> dict[str, object]:
    """The JSON Schema of ``gates.toml`` (draft 2020-12), for editors (e.g. Taplo)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://gates.dev/schema/gates.toml.json",
        "title": "gates.toml",
        "description": "Quality-gate policy read by `gates check`.",
        "type": "object",
        "additionalProperties": False,
        "required": ["gate"],
        "properties": _properties(TOP_KEYS),
        "$defs": {
            "settings": {
                "type": "object",
                "additionalProperties": False,
                "properties": _properties(SETTINGS_KEYS),
            },
            "gates": {
                "type": "object",
                "minProperties": 1,
                "propertyNames": {"pattern": _NAME_PATTERN},
                "additionalProperties": {"$ref": "#/$defs/gate"},
            },
            "gate": {
                "type": "object",
                "additionalProperties": False,
                "required": ["metric"],
                "anyOf": [{"required": ["min"]}, {"required": ["max"]}],
                "properties": _properties(GATE_KEYS),
            },
            "quarantine": {
                "type": "object",
                "additionalProperties": False,
                "required": ["test", "owner", "reason", "expires"],
                "properties": _properties(QUARANTINE_KEYS),
            },
            "waiver": {
                "type": "object",
                "additionalProperties": False,
                "required": ["owner", "reason", "expires"],
                "oneOf": [{"required": [target]} for target in WAIVER_TARGETS],
                "properties": _properties(WAIVER_KEYS),
            },
            "alerts": {
                "type": "object",
                "propertyNames": {"pattern": _NAME_PATTERN},
                "additionalProperties": {"$ref": "#/$defs/alert"},
            },
            "alert": {
                "type": "object",
                "additionalProperties": False,
                "required": ["when"],
                "properties": _properties(ALERT_KEYS),
            },
        },
    }
