"""``gates.toml`` -> a typed :class:`Policy`, with errors that name the key path.

The vocabulary (tables, keys, metrics and their domains) is declared once in
:mod:`gates.policy.schema`; this module checks a document against it and builds
frozen values. The JSON Schema editors use is generated from the same tables.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from gates.catalog.metrics import METRICS, Metric, Unit
from gates.errors import PolicyError
from gates.model.reports import Severity
from gates.model.verdict import Level, WaiverTarget
from gates.policy.alerts import AlertRule, parse_alerts
from gates.policy.fields import array, choice, kind_of, known_keys, table, text, texts
from gates.policy.hints import (
    bound_hint,
    gate_body_hint,
    inapplicable_hint,
    metric_hint,
    severity_hint,
    slowdown_hint,
    stage_path_hint,
    suggest,
    tool_error,
)
from gates.policy.quarantine import Quarantine, parse_quarantine
from gates.policy.schema import (
    GATE_KEYS,
    TOP_KEYS,
)
from gates.policy.settings import Settings, parse_settings
from gates.policy.waivers import Waiver, parse_waiver
from gates.untrusted.safetext import in_range, most_dots

__all__ = [
    "GateSpec",
    "Policy",
    "Settings",
    "Waiver",
    "load_policy",
    "load_settings",
    "parse_policy",
    "policy_path",
]

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")
_LEVELS = tuple(level.value for level in Level)
_MAX_POLICY_BYTES = 1024 * 1024
_MAX_KEY_DOTS = (
    31  # tomllib's time is quadratic in a dotted key's parts (gates.untrusted.safetext.most_dots)
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
    endpoint: str = ""  # a load gate on one endpoint ("GET /items"); "": all of them
    vs_base: bool = False  # `vs = "base"`: the bounds judge the value minus the base's recorded one

    @property
    def against_base(self) -> bool:
        """Whether the gate reads the base branch's history (a ratchet, or ``vs = "base"``)."""
        return self.vs_base or self.metric.history

    @property
    def bound(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f">= {_number(self.min)}")
        if self.max is not None:
            parts.append(f"<= {_number(self.max)}")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class Policy:
    """A whole ``gates.toml``."""

    settings: Settings
    gates: tuple[GateSpec, ...]
    waivers: tuple[Waiver, ...]
    source: str = "gates.toml"
    alerts: tuple[AlertRule, ...] = ()  # [alert.<name>] (gates/policy/alerts.py)
    quarantine: tuple[Quarantine, ...] = ()  # [[quarantine]]: tests whose failures do not block


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
    path = policy_path(config, root=root)
    return load_policy(path).settings if path.is_file() else Settings()


def policy_path(config: Path, *, root: Path) -> Path:
    """Where ``config`` is: as given when absolute or present from here, else under ``root``.

    The one rule every command that takes ``--config`` and ``--root`` reads a policy by.
    """
    return config if config.is_absolute() or config.exists() else root / config


def parse_policy(document: Mapping[str, object], *, source: str = "gates.toml") -> Policy:
    """Check a parsed TOML document and build the :class:`Policy`."""
    known_keys(document, TOP_KEYS, "")
    settings = parse_settings(table(document, "gates"))
    gates_table = table(document, "gate")
    if not gates_table:
        raise PolicyError(
            "no gates are defined",
            key="gate",
            hint="add at least one [gate.<name>] table (see `gates init` for the standard set)",
        )
    gates = tuple(_gate(name, body) for name, body in gates_table.items())
    waivers = tuple(
        parse_waiver(index, item) for index, item in enumerate(array(document, "waiver"))
    )
    gate_names = {gate.name for gate in gates}
    for waiver in waivers:
        if waiver.kind is WaiverTarget.GATE and waiver.target not in gate_names:
            raise PolicyError(
                f"names gate {waiver.target!r}, which is not defined",
                key=f"waiver[{waiver.index}].gate",
                hint=suggest(waiver.target, gate_names),
            )
    quarantine = tuple(
        parse_quarantine(index, item) for index, item in enumerate(array(document, "quarantine"))
    )
    alerts = parse_alerts(table(document, "alert"))
    return Policy(
        settings=settings,
        gates=gates,
        waivers=waivers,
        source=source,
        quarantine=quarantine,
        alerts=alerts,
    )


# ---------------------------------------------------------------- tables


# Free text, where a TOML multi-line string may break lines; everything else is one line.
# ---------------------------------------------------------------- gates


def _gate(name: str, body: object) -> GateSpec:
    where = f"gate.{name}"
    if not _NAME.match(name):
        raise PolicyError("gate names use letters, digits, '-', '_' and '.'", key=where)
    if not isinstance(body, dict):
        raise PolicyError(
            f"should be a table, found {kind_of(body)}", key=where, hint=gate_body_hint(name)
        )
    known_keys(body, GATE_KEYS, where)
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
    vs_base = choice(body, "vs", where, ("base",)) == "base" if "vs" in body else False
    bounded = _difference(metric) if vs_base else metric
    low, high = _bound(body, "min", bounded, where), _bound(body, "max", bounded, where)
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
        level=Level(choice(body, "level", where, _LEVELS)),
        on_missing=Level(choice(body, "on-missing", where, _LEVELS)),
        description=text(body, "description", where, default="-") if "description" in body else "",
        tools=_tools(body, where),
        severity=_severity(body, where),
        rules=texts(body, "rule", where),
        paths=texts(body, "path", where),
        slowdown=_slowdown(body, where),
        new=_flag(body, "new", where),
        changed=_flag(body, "changed", where),
        endpoint=text(body, "endpoint", where, default="") if "endpoint" in body else "",
        vs_base=vs_base,
    )


def _difference(metric: Metric) -> Metric:
    """``metric`` as ``vs = "base"`` bounds it: a difference, which may be negative."""
    high = metric.domain[1]
    return replace(metric, domain=(-high, high))


def _flag(body: Mapping[str, object], key: str, where: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise PolicyError(
            f"should be true or false, found {kind_of(value)}",
            key=f"{where}.{key}",
            hint=f"{key} = true (a TOML boolean, without quotes)",
        )
    return value


def _metric(body: Mapping[str, object], where: str) -> Metric:
    name = body.get("metric")
    if not isinstance(name, str):
        raise PolicyError(
            "is required" if name is None else f"should be a string, found {kind_of(name)}",
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
            f"should be a number, found {kind_of(value)}",
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
    names = texts(body, "stage", where)
    for name in names:
        if not _NAME.match(name):
            raise PolicyError(
                f"{name!r} is not a stage folder name",
                key=f"{where}.stage",
                hint=stage_path_hint(name),
            )
    return tuple(dict.fromkeys(names))


def _tools(body: Mapping[str, object], where: str) -> tuple[str, ...]:
    tools = texts(body, "tool", where)
    for tool in tools:
        error = tool_error(tool, where)
        if error is not None:
            raise error
    return tools


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
