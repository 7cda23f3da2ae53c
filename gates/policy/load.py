"""``gates.toml`` -> a typed :class:`Policy`, with errors that name the key path.

The vocabulary (tables, keys, metrics and their domains) is declared once in
:mod:`gates.policy.schema`; this module checks a document against it and builds
frozen values. The JSON Schema editors use is generated from the same tables.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gates.catalog.metrics import METRICS, Metric, Unit
from gates.errors import PolicyError
from gates.judge.budget import Budget
from gates.model.reports import Severity
from gates.model.verdict import Level, WaiverTarget
from gates.policy.hints import (
    bound_hint,
    expires_hint,
    finding_hint,
    gate_body_hint,
    inapplicable_hint,
    metric_hint,
    not_a_table_hint,
    not_an_array_hint,
    severity_hint,
    slowdown_hint,
    stage_path_hint,
    suggest,
    tool_error,
    unknown_key_hint,
)
from gates.policy.schema import (
    DEFAULT_BASE,
    GATE_KEYS,
    LIMITS,
    SETTINGS_KEYS,
    TOP_KEYS,
    WAIVER_KEYS,
    WAIVER_TARGETS,
)
from gates.system.gitnames import from_top, ref
from gates.untrusted.safetext import in_range, most_dots

__all__ = [
    "BASE_VARIABLE",
    "DEFAULT_BASE",
    "GateSpec",
    "Policy",
    "Settings",
    "Waiver",
    "environment_base",
    "glob_match",
    "load_policy",
    "load_settings",
    "parse_policy",
    "resolve_base",
    "unaffected_problem",
]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_LEVELS = tuple(level.value for level in Level)
BASE_VARIABLE: Final = "GATES_BASE"  # CI sets it to the pull request's base branch
_MAX_POLICY_BYTES = 1024 * 1024
_MAX_KEY_DOTS = (
    31  # tomllib's time is quadratic in a dotted key's parts (gates.untrusted.safetext.most_dots)
)
_TARGET_PATTERNS = {
    "finding": (re.compile(r"^[^:\s]+:\S+$"), "tool:rule (the rule may be a glob)"),
    "evidence": (re.compile(r"^[^:\s]+(:[^:\s]+)?(:\S+)?$"), "tool[:problem[:subject]]"),
}


@dataclass(frozen=True, slots=True)
class Settings:
    """The ``[gates]`` table."""

    reports: str = ".gates"
    base: str = DEFAULT_BASE
    max_report_mb: int = 256
    unaffected: tuple[str, ...] = ()  # globs whose changes cannot change the evidence
    # the budget of reading the evidence (gates.judge.budget): CPU seconds, MiB of address space
    max_report_seconds: int = 60
    max_evidence_seconds: int = 600
    max_memory_mb: int = 4096

    @property
    def budget(self) -> Budget:
        """What reading the evidence may spend."""
        return Budget(
            report_seconds=self.max_report_seconds,
            evidence_seconds=self.max_evidence_seconds,
            memory_mb=self.max_memory_mb,
        )


@dataclass(frozen=True, slots=True)
class GateSpec:
    """One ``[gate.<name>]`` table."""

    name: str
    metric: Metric
    min: float | None = None
    max: float | None = None
    stages: tuple[str, ...] = ()  # empty: every stage with the metric's evidence
    level: Level = Level.BLOCK
    on_missing: Level = Level.BLOCK
    description: str = ""
    tools: tuple[str, ...] = ()
    severity: Severity | None = None
    rules: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    slowdown: float = 0.05
    new: bool = False  # only findings absent from the baseline (gates.baseline)
    changed: bool = False  # only findings on the lines this change touched

    @property
    def bound(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f">= {_number(self.min)}")
        if self.max is not None:
            parts.append(f"<= {_number(self.max)}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Waiver:
    """One ``[[waiver]]``: what it covers, who owns it, why, until when."""

    index: int
    kind: WaiverTarget
    target: str
    owner: str
    reason: str
    expires: dt.date
    path: str = ""  # glob, for finding waivers

    @property
    def label(self) -> str:
        where = f" in {self.path}" if self.path else ""
        return f"{self.kind} {self.target}{where}"


@dataclass(frozen=True, slots=True)
class Policy:
    """A whole ``gates.toml``."""

    settings: Settings
    gates: tuple[GateSpec, ...]
    waivers: tuple[Waiver, ...]
    source: str = "gates.toml"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def load_policy(path: Path) -> Policy:
    """Read and check ``path``."""
    display = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PolicyError(
            "the policy file does not exist",
            key=display,
            hint="create one with `gates init`, or pass --config PATH",
            slug="policy-missing",
        ) from None
    except OSError as error:
        raise PolicyError(f"cannot be read ({error.strerror})", key=display) from None
    if len(data) > _MAX_POLICY_BYTES:
        raise PolicyError("is over 1 MiB; a policy is a short file", key=display)
    try:
        text = data.decode("utf-8")
        if most_dots(text) > _MAX_KEY_DOTS:
            raise PolicyError(
                f"has a dotted key or table name of over {_MAX_KEY_DOTS + 1} parts; a policy's "
                "are three deep (gate.<name>.<key>)",
                key=display,
                slug="policy-toml",
            )
        document = tomllib.loads(text)
    except UnicodeDecodeError as error:
        raise PolicyError(f"is not UTF-8 (byte {error.start})", key=display) from None
    except ValueError as error:  # TOMLDecodeError, or an integer of over 4,300 digits
        raise PolicyError(f"is not valid TOML: {error}", key=display, slug="policy-toml") from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise PolicyError(
            "is not valid TOML: its arrays or tables are nested too deeply to be a policy",
            key=display,
            slug="policy-toml",
        ) from None
    return parse_policy(document, source=display)


def load_settings(config: Path, *, root: Path) -> Settings:
    """The ``[gates]`` settings of ``config`` (relative to ``root``), so stages and checks agree.

    Where evidence lives and which files cannot change it; the defaults when
    there is no policy file.
    """
    path = config if config.is_absolute() or config.exists() else root / config
    return load_policy(path).settings if path.is_file() else Settings()


def environment_base() -> str | None:
    """``$GATES_BASE``, when set: what a command's ``--base`` defaults to."""
    return os.environ.get(BASE_VARIABLE, "").strip() or None


def resolve_base(given: str | None, configured: str | None) -> str:
    """The base ref every command compares with, resolved in one order.

    The command's ``--base`` (whose default is ``$GATES_BASE``: see
    :func:`environment_base`), else the policy's ``[gates] base``, else
    :data:`DEFAULT_BASE`.
    """
    return given or configured or DEFAULT_BASE


def parse_policy(document: Mapping[str, object], *, source: str = "gates.toml") -> Policy:
    """Check a parsed TOML document and build the :class:`Policy`."""
    _known_keys(document, TOP_KEYS, "")
    settings = _settings(_table(document, "gates"))
    gates_table = _table(document, "gate")
    if not gates_table:
        raise PolicyError(
            "no gates are defined",
            key="gate",
            hint="add at least one [gate.<name>] table (see `gates init` for the standard set)",
        )
    gates = tuple(_gate(name, body) for name, body in gates_table.items())
    waivers = tuple(_waiver(index, item) for index, item in enumerate(_array(document, "waiver")))
    gate_names = {gate.name for gate in gates}
    for waiver in waivers:
        if waiver.kind is WaiverTarget.GATE and waiver.target not in gate_names:
            raise PolicyError(
                f"names gate {waiver.target!r}, which is not defined",
                key=f"waiver[{waiver.index}].gate",
                hint=suggest(waiver.target, gate_names),
            )
    return Policy(settings=settings, gates=gates, waivers=waivers, source=source)


# ---------------------------------------------------------------- tables


def _table(document: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = document.get(key, {})
    if not isinstance(value, dict):
        raise PolicyError(
            f"should be a table, found {_kind(value)}", key=key, hint=not_a_table_hint(key, value)
        )
    return value


def _array(document: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    value = document.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise PolicyError(
            f"should be an array of tables ([[{key}]]), found {_kind(value)}",
            key=key,
            hint=not_an_array_hint(key),
        )
    return value


def _known_keys(table: Mapping[str, object], allowed: Mapping[str, object], where: str) -> None:
    for key, value in table.items():
        if key not in allowed:
            path = f"{where}.{key}" if where else key
            raise PolicyError(
                "is not a known key",
                key=path,
                hint=unknown_key_hint(key, value, where),
                slug="policy-unknown-key",
            )


def _kind(value: object) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _settings(table: Mapping[str, object]) -> Settings:
    _known_keys(table, SETTINGS_KEYS, "gates")
    reports = _string(table, "reports", "gates", default=".gates")
    if Path(reports).is_absolute() or ".." in Path(reports).parts:
        raise PolicyError("should be a folder inside the repository", key="gates.reports")
    base = _string(table, "base", "gates", default=DEFAULT_BASE)
    try:
        ref(base)
    except ValueError as error:
        raise PolicyError(f"should be a git ref: {error}", key="gates.base") from None
    return Settings(
        reports=reports,
        base=base,
        unaffected=_unaffected(table),
        **{name.replace("-", "_"): _limit(table, name) for name in LIMITS},
    )


def _limit(table: Mapping[str, object], name: str) -> int:
    """One of the whole-number limits of ``[gates]`` (:data:`gates.policy.schema.LIMITS`)."""
    limit = LIMITS[name]
    value = table.get(name, limit.default)
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not limit.low <= value <= limit.high
    ):
        raise PolicyError(
            f"should be an integer from {limit.low} to {limit.high} ({limit.unit})",
            key=f"gates.{name}",
        )
    return value


def _unaffected(table: Mapping[str, object]) -> tuple[str, ...]:
    """``[gates] unaffected``: checked globs, never one that leaves out all the code."""
    value = table.get("unaffected", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PolicyError(
            'should be an array of globs, e.g. ["*.md", "docs/"]', key="gates.unaffected"
        )
    for pattern in value:
        problem = unaffected_problem(pattern)
        if problem:
            raise PolicyError(f"{pattern[:80]!r} {problem}", key="gates.unaffected")
    return tuple(value)


_CODE_SAMPLES = ("setup.py", "src/pkg/module.py", "pkg/sub/module.py")


def unaffected_problem(pattern: str) -> str:
    """Why ``pattern`` cannot be an ``unaffected`` glob, or "" when it can."""
    if any(not c.isprintable() for c in pattern):
        return "holds a control character"
    if pattern.startswith((":", "!")) or ".." in pattern.split("/"):
        return "should be a glob of paths inside the repository (no `:`/`!` prefix, no `..`)"
    if all(glob_match(pattern, sample) for sample in _CODE_SAMPLES):
        return (
            "matches every Python file: no change would ever make evidence stale; "
            "name the folders or suffixes that hold no code, e.g. `docs/` or `*.md`"
        )
    return ""


def glob_match(pattern: str, path: str) -> bool:
    """Whether ``path`` matches an ``unaffected`` glob, as :func:`gates.system.gitnames.pathspec` reads it."""
    return re.fullmatch(_glob_regex(from_top(pattern)), path) is not None


def _glob_regex(glob: str) -> str:
    parts: list[str] = []
    index = 0
    while index < len(glob):
        if glob.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif glob.startswith("**", index):
            parts.append(".*")
            index += 2
        else:
            char = glob[index]
            parts.append({"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)))
            index += 1
    return "".join(parts)


def _string(table: Mapping[str, object], key: str, where: str, *, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise PolicyError(
            f"should be a non-empty string, found {_kind(value)}", key=f"{where}.{key}"
        )
    return _plain(value, f"{where}.{key}", lines=key in _FREE_TEXT)


def _strings(table: Mapping[str, object], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise PolicyError(
            "should be a string or a non-empty array of strings", key=f"{where}.{key}"
        )
    return tuple(_plain(str(v), f"{where}.{key}") for v in value)


# Free text, where a TOML multi-line string may break lines; everything else is one line.
_FREE_TEXT = frozenset({"description", "reason"})
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_LINE_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # tab and line feed allowed


def _plain(value: str, key: str, *, lines: bool = False) -> str:
    """``value``, refused when it holds a control character (a NUL, a line break, ESC).

    A path or setting with a line break can forge a second line wherever it is
    written one per line (a CI step's ``$GITHUB_OUTPUT``); a NUL cannot reach
    the file system. Free text (``lines``) may hold tabs and line breaks.
    """
    found = (_LINE_CONTROL if lines else _CONTROL).search(value)
    if found:
        raise PolicyError(
            f"holds the control character U+{ord(found.group()):04X}: "
            + ("text here" if lines else "a setting, name, path or glob")
            + " is plain text"
            + ("" if lines else " on one line"),
            key=key,
            hint="remove it (a TOML escape such as \\n or \\u0000 writes one)",
        )
    return value


# ---------------------------------------------------------------- gates


def _gate(name: str, body: object) -> GateSpec:
    where = f"gate.{name}"
    if not _NAME.match(name):
        raise PolicyError("gate names use letters, digits, '-', '_' and '.'", key=where)
    if not isinstance(body, dict):
        raise PolicyError(
            f"should be a table, found {_kind(body)}", key=where, hint=gate_body_hint(name)
        )
    _known_keys(body, GATE_KEYS, where)
    metric = _metric(body, where)
    for key in body:
        if (
            key in GATE_KEYS
            and GATE_KEYS[key].metrics
            and metric.name not in GATE_KEYS[key].metrics
        ):
            raise PolicyError(
                f"does not apply to metric {metric.name!r}",
                key=f"{where}.{key}",
                hint=inapplicable_hint(key, metric.name),
            )
    low, high = _bound(body, "min", metric, where), _bound(body, "max", metric, where)
    if low is None and high is None:
        raise PolicyError("has no bound", key=where, hint="add `min = ...` or `max = ...`")
    if low is not None and high is not None and low > high:
        raise PolicyError(f"min {low:g} is above max {high:g}", key=where)
    return GateSpec(
        name=name,
        metric=metric,
        min=low,
        max=high,
        stages=_stage_names(body, where),
        level=Level(_choice(body, "level", where, _LEVELS)),
        on_missing=Level(_choice(body, "on-missing", where, _LEVELS)),
        description=_string(body, "description", where, default="-")
        if "description" in body
        else "",
        tools=_tools(body, where),
        severity=_severity(body, where),
        rules=_strings(body, "rule", where),
        paths=_strings(body, "path", where),
        slowdown=_slowdown(body, where),
        new=_flag(body, "new", where),
        changed=_flag(body, "changed", where),
    )


def _flag(body: Mapping[str, object], key: str, where: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise PolicyError(
            f"should be true or false, found {_kind(value)}",
            key=f"{where}.{key}",
            hint=f"{key} = true (a TOML boolean, without quotes)",
        )
    return value


def _metric(body: Mapping[str, object], where: str) -> Metric:
    name = body.get("metric")
    if not isinstance(name, str):
        raise PolicyError(
            "is required" if name is None else f"should be a string, found {_kind(name)}",
            key=f"{where}.metric",
            hint="valid: " + ", ".join(f"`{m}`" for m in sorted(METRICS)),
        )
    if name not in METRICS:
        raise PolicyError(
            f"{name!r} is not a known metric",
            key=f"{where}.metric",
            hint=metric_hint(name),
            slug="policy-unknown-metric",
        )
    return METRICS[name]


def _bound(body: Mapping[str, object], key: str, metric: Metric, where: str) -> float | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:  # noqa: PLR0124 - NaN
        raise PolicyError(
            f"should be a number, found {_kind(value)}",
            key=f"{where}.{key}",
            hint=bound_hint(key, value, percent=metric.unit is Unit.PERCENT),
        )
    if isinstance(value, int) and not in_range(value):  # no float holds it: never a real bound
        raise PolicyError(
            "is beyond 2**53, larger than any bound can mean",
            key=f"{where}.{key}",
            slug="policy-domain",
        )
    low, high = metric.domain
    if not low <= value <= high:
        upper = "" if high == float("inf") else f" to {high:g}"
        unit = " %" if metric.unit is Unit.PERCENT else ""
        raise PolicyError(
            f"{value:g} is outside the domain of {metric.name} ({low:g}{upper}{unit})",
            key=f"{where}.{key}",
            slug="policy-domain",
        )
    if metric.integral and not float(value).is_integer():
        raise PolicyError(
            f"{value:g} should be a whole number ({metric.name} counts)", key=f"{where}.{key}"
        )
    return float(value)


def _stage_names(body: Mapping[str, object], where: str) -> tuple[str, ...]:
    names = _strings(body, "stage", where)
    for name in names:
        if not _NAME.match(name):
            raise PolicyError(
                f"{name!r} is not a stage folder name",
                key=f"{where}.stage",
                hint=stage_path_hint(name),
            )
    return tuple(dict.fromkeys(names))


def _tools(body: Mapping[str, object], where: str) -> tuple[str, ...]:
    tools = _strings(body, "tool", where)
    for tool in tools:
        error = tool_error(tool, where)
        if error is not None:
            raise error
    return tools


def _choice(body: Mapping[str, object], key: str, where: str, allowed: tuple[str, ...]) -> str:
    value = body.get(key, allowed[0])
    if value not in allowed:
        raise PolicyError(
            f"should be one of {', '.join(repr(a) for a in allowed)}, found {value!r}",
            key=f"{where}.{key}",
            hint=suggest(str(value), allowed),
        )
    return str(value)


def _severity(body: Mapping[str, object], where: str) -> Severity | None:
    value = body.get("severity")
    if value is None:
        return None
    labels = [s.label for s in sorted(Severity, reverse=True)]
    if not isinstance(value, str) or value not in labels:
        raise PolicyError(
            f"should be one of {', '.join(labels)}, found {value!r}",
            key=f"{where}.severity",
            hint=severity_hint(value),
        )
    return Severity.from_label(value)


def _slowdown(body: Mapping[str, object], where: str) -> float:
    value = body.get("slowdown", "5%")
    match = _PERCENT.match(value) if isinstance(value, str) else None
    if match is None:
        raise PolicyError(
            f'should be a percentage such as "5%", found {value!r}',
            key=f"{where}.slowdown",
            hint=slowdown_hint(value),
        )
    percent = float(match.group(1))
    if not 0 < percent <= 1000:
        raise PolicyError(
            f"{percent:g}% is outside 0-1000%", key=f"{where}.slowdown", slug="policy-domain"
        )
    return percent / 100


# ---------------------------------------------------------------- waivers


def _waiver(index: int, item: Mapping[str, object]) -> Waiver:
    where = f"waiver[{index}]"
    _known_keys(item, WAIVER_KEYS, where)
    targets = [key for key in WAIVER_TARGETS if key in item]
    if len(targets) != 1:
        raise PolicyError(
            "needs exactly one of " + ", ".join(f"`{t}`" for t in WAIVER_TARGETS),
            key=where,
            hint='e.g. finding = "pip-audit:GHSA-xxxx-xxxx-xxxx"',
        )
    kind = WaiverTarget(targets[0])
    target = _string(item, kind, where, default="")
    pattern = _TARGET_PATTERNS.get(kind)
    if pattern is not None and not pattern[0].match(target):
        raise PolicyError(
            f"{target!r} should read {pattern[1]}",
            key=f"{where}.{kind}",
            hint=finding_hint(target) if kind is WaiverTarget.FINDING else "",
        )
    if "path" in item and kind is not WaiverTarget.FINDING:
        raise PolicyError("applies to finding waivers only", key=f"{where}.path")
    return Waiver(
        index=index,
        kind=kind,
        target=target,
        owner=_required_text(item, "owner", where),
        reason=_required_text(item, "reason", where),
        expires=_expires(item, where),
        path=_string(item, "path", where, default="-") if "path" in item else "",
    )


def _required_text(item: Mapping[str, object], key: str, where: str) -> str:
    if key not in item:
        raise PolicyError(
            "is required: every waiver has an owner, a reason and an expiry", key=f"{where}.{key}"
        )
    return _string(item, key, where, default="")


def _expires(item: Mapping[str, object], where: str) -> dt.date:
    value = item.get("expires")
    if value is None:
        raise PolicyError(
            "is required: every waiver has an owner, a reason and an expiry",
            key=f"{where}.expires",
            hint="a TOML date such as expires = 2027-01-31",
        )
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise PolicyError(
            f"should be a TOML date (expires = 2027-01-31), found {_kind(value)}",
            key=f"{where}.expires",
            hint=expires_hint(value),
        )
    return value
