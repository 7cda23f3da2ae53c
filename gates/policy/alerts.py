"""``[alert.<name>]`` tables -> :class:`AlertRule` values (docs/policy.md#alertname--alert-rules).

An alert rule says when a run is worth telling someone about (``when``), of
what (``gates``, ``severity``, ``percent``, ``days``, ``branch``) and where
besides the terminal (``slack``, ``webhook``: the *names* of environment
variables holding the URLs, never the URLs, so a policy file never holds a
secret and gates never prints one).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from gates.errors import PolicyError
from gates.model.reports import Severity
from gates.policy.fields import choice, kind_of, known_keys, text, texts
from gates.policy.schema import ALERT_KEYS, ALERT_WHEN

__all__ = ["AlertRule", "When", "parse_alerts"]

_DEFAULT_PERCENT: Final = 10.0
_DEFAULT_DAYS: Final = 14
_ENV_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
_NAME_CHARS: Final = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")


class When(enum.StrEnum):
    """What an alert rule watches."""

    GATE_RED = "gate-red"
    NEW_FINDING = "new-finding"
    REGRESSION = "regression"
    EXPIRING = "expiring"
    NEW_FLAKY = "new-flaky"


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertRule:
    """One ``[alert.<name>]``."""

    name: str
    when: When
    gates: tuple[str, ...] = ()  # empty: every gate
    severity: Severity = Severity.CRITICAL
    percent: float = _DEFAULT_PERCENT
    days: int = _DEFAULT_DAYS
    branch: str = ""  # "": any branch (gate-red: the base branch)
    slack: str = ""  # the environment variable's name
    webhook: str = ""
    token: str = ""
    description: str = ""


def parse_alerts(alerts: Mapping[str, object]) -> tuple[AlertRule, ...]:
    """Every ``[alert.<name>]`` table, checked."""
    return tuple(_rule(name, body) for name, body in alerts.items())


def _rule(name: str, body: object) -> AlertRule:
    where = f"alert.{name}"
    if not name or not set(name) <= _NAME_CHARS:
        raise PolicyError("alert names use letters, digits, '-', '_' and '.'", key=where)
    if not isinstance(body, dict):
        raise PolicyError(f"should be a table, found {kind_of(body)}", key=where)
    known_keys(body, ALERT_KEYS, where)
    if "when" not in body:
        raise PolicyError(
            "has no `when`", key=where, hint=f"add when = one of {', '.join(ALERT_WHEN)}"
        )
    return AlertRule(
        name=name,
        when=When(choice(body, "when", where, ALERT_WHEN)),
        gates=texts(body, "gates", where),
        severity=Severity.from_label(
            choice(body, "severity", where, ("critical", "high", "medium", "low", "info"))
        ),
        percent=_percent(body, where),
        days=_days(body, where),
        branch=_optional(body, "branch", where),
        slack=_env(body, "slack", where),
        webhook=_env(body, "webhook", where),
        token=_env(body, "token", where),
        description=_optional(body, "description", where),
    )


def _optional(body: Mapping[str, object], key: str, where: str) -> str:
    return text(body, key, where, default="") if key in body else ""


def _env(body: Mapping[str, object], key: str, where: str) -> str:
    value = _optional(body, key, where)
    if value and not _ENV_NAME.fullmatch(value):
        raise PolicyError(
            f"should name an environment variable (letters, digits, '_'), found {value[:40]!r}",
            key=f"{where}.{key}",
            hint="put the URL or token in the CI's secrets and name the variable here",
        )
    return value


def _percent(body: Mapping[str, object], where: str) -> float:
    value = body.get("percent", _DEFAULT_PERCENT)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1e9:
        raise PolicyError(
            f"should be a number of percent above 0, found {value!r}", key=f"{where}.percent"
        )
    return float(value)


def _days(body: Mapping[str, object], where: str) -> int:
    value = body.get("days", _DEFAULT_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 36_500:
        raise PolicyError(f"should be a whole number of days, found {value!r}", key=f"{where}.days")
    return value
