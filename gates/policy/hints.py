"""Did you mean ...? What a misspelt or misplaced name in ``gates.toml`` was meant to be.

:mod:`gates.policy.load` raises the errors; this module words their hints
(:mod:`gates.policy.names` checks the stage and tool names of a policy against
the evidence that is there). Pure. A suggestion is made only when it is plausible:
a near miss of one valid name (compared without case), or a table written in
the wrong place (``[gates.tests]`` for ``[gate.tests]``); otherwise the hint
lists what is valid.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable

from gates.catalog.metrics import METRICS, Kind
from gates.catalog.tools import KNOWN_TOOLS, kinds_of
from gates.errors import PolicyError
from gates.model.reports import Severity
from gates.policy.schema import GATE_KEYS, SETTINGS_KEYS, WAIVER_KEYS

__all__ = [
    "NAME_CUTOFF",
    "bound_hint",
    "closest",
    "expires_hint",
    "finding_hint",
    "gate_body_hint",
    "inapplicable_hint",
    "listed",
    "metric_hint",
    "not_a_table_hint",
    "not_an_array_hint",
    "severity_hint",
    "slowdown_hint",
    "stage_path_hint",
    "suggest",
    "tool_error",
    "unknown_key_hint",
]

_KEY_CUTOFF = 0.6  # "minn" -> min; "tests" is not "reports" (0.5)
NAME_CUTOFF = 0.75  # stage and tool names: "units" -> unit, "rufff" -> ruff; "unit-fast" is not
_TOP_HEADERS = {"gates": "[gates]", "gate": "[gate.<name>]", "waiver": "[[waiver]]"}
_SEVERITY_WORDS = {  # other tools' words for a level, and gates' label for it
    "error": "high",
    "severe": "high",
    "warning": "medium",
    "warn": "medium",
    "moderate": "medium",
    "note": "low",
    "minor": "low",
    "informational": "info",
    "information": "info",
    "none": "info",
}
_FINDINGS_TOOLS = sorted(name for name in KNOWN_TOOLS if Kind.FINDINGS in kinds_of(name))


def closest(word: str, choices: Iterable[str], *, cutoff: float = _KEY_CUTOFF) -> str | None:
    """The one choice ``word`` is plausibly a misspelling of, compared without case."""
    by_folded = {choice.casefold(): choice for choice in sorted(choices)}
    close = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=cutoff)
    return by_folded[close[0]] if close else None


def listed(names: Iterable[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)


def suggest(word: str, choices: Iterable[str]) -> str:
    """``did you mean `x`?`` when one choice is close, else the valid ones."""
    names = sorted(choices)
    close = closest(word, names)
    return f"did you mean `{close}`?" if close else f"valid: {listed(names)}"


# ---------------------------------------------------------------- keys and tables


def unknown_key_hint(key: str, value: object, where: str) -> str:
    """The hint for ``key`` (holding ``value``), which the table ``where`` does not know.

    ``where`` is ``""`` (the top of the file), ``"gates"``, ``"gate.<name>"`` or
    ``"waiver[<i>]"``.
    """
    if where == "":
        return _top_hint(key, value)
    if where == "gates":
        return _settings_hint(key, value)
    if where.startswith("gate."):
        return _gate_key_hint(key, value, where.removeprefix("gate."))
    return _waiver_key_hint(key)


def _top_hint(key: str, value: object) -> str:
    if isinstance(value, dict) and value.keys() & GATE_KEYS.keys():
        return f"a gate is a table under [gate]: did you mean [gate.{key}]?"
    if isinstance(value, dict) and value.keys() & SETTINGS_KEYS.keys():
        return "the settings table is [gates]: did you mean [gates]?"
    placed = _placed(key, value)
    if placed:
        return placed
    close = closest(key, _TOP_HEADERS)
    if close is not None:
        return f"did you mean {_TOP_HEADERS[close]}?"
    return "a policy holds " + ", ".join(_TOP_HEADERS.values())


def _placed(key: str, value: object) -> str:
    """Where a key that belongs to another table goes; ``""`` when it belongs nowhere."""
    if isinstance(value, dict):
        return ""
    if key in SETTINGS_KEYS:
        return f"`{key}` is a setting: put it under [gates]"
    if key in GATE_KEYS:
        return f"`{key}` is a key of a gate: put it in a gate's table, [gate.<name>]"
    if key in WAIVER_KEYS:
        return f"`{key}` is a key of a waiver: put it in a [[waiver]] table"
    return ""


def _settings_hint(key: str, value: object) -> str:
    if isinstance(value, dict):
        return (
            f"did you mean [gate.{key}]? A gate is a table under [gate]; "
            f"[gates] holds the settings ({listed(SETTINGS_KEYS)})"
        )
    if key in GATE_KEYS:
        return (
            f"`{key}` is a key of a gate, and [gates] holds the settings: "
            "did you mean a gate's table, [gate.<name>]?"
        )
    return suggest(key, SETTINGS_KEYS)


def _gate_key_hint(key: str, value: object, gate: str) -> str:
    if isinstance(value, dict):
        if value.keys() & GATE_KEYS.keys():
            return (
                f'a gate name with a dot is quoted: did you mean [gate."{gate}.{key}"]? '
                f"([gate.{gate}.{key}] is a table `{key}` inside the gate `{gate}`)"
            )
        return f"a gate's keys are values, not tables: {listed(GATE_KEYS)}"
    close = closest(key, GATE_KEYS)
    if close is not None:
        return f"did you mean `{close}`?"
    return _placed(key, value) or f"valid: {listed(sorted(GATE_KEYS))}"


def _waiver_key_hint(key: str) -> str:
    close = closest(key, WAIVER_KEYS)
    if close is not None:
        return f"did you mean `{close}`?"
    if key in GATE_KEYS or key in SETTINGS_KEYS:
        return f"`{key}` does not belong in a waiver; valid: {listed(sorted(WAIVER_KEYS))}"
    return f"valid: {listed(sorted(WAIVER_KEYS))}"


def not_a_table_hint(key: str, value: object) -> str:
    """The hint when ``[gates]`` or ``[gate]`` is not a table (``[[gate]]``, ``gate = 1``)."""
    if key == "gate" and isinstance(value, list):
        return "gates are named tables, [gate.<name>], not an array of tables [[gate]]"
    if key == "gates" and isinstance(value, list):
        return "the settings are one table, [gates], not an array of tables [[gates]]"
    return f"write it as a table: {_TOP_HEADERS[key]}"


def not_an_array_hint(key: str) -> str:
    """The hint when ``[[waiver]]`` was written as one table, ``[waiver]``."""
    return f"write [[{key}]], with double brackets: one [[{key}]] table per {key}"


def gate_body_hint(name: str) -> str:
    """The hint when ``[gate]`` holds ``name = <not a table>``: ``[gate]`` for ``[gates]``?"""
    if name in SETTINGS_KEYS:
        return f"`{name}` is a setting: did you mean [gates], the settings table, for [gate]?"
    if name in GATE_KEYS:
        return (
            f"[gate] holds one table per gate: name the gate, [gate.<name>], and put `{name}` in it"
        )
    return f"a gate is a table: [gate.{name}], with a metric and a bound"


def inapplicable_hint(key: str, metric: str) -> str:
    """Where ``key`` applies, and what a gate on ``metric`` uses instead of a ``tool``."""
    applies = ", ".join(sorted(GATE_KEYS[key].metrics))
    if key == "tool":
        return (
            f"`tool` applies to {applies}; a {metric} gate chooses its evidence with `stage` "
            "(and its files with `path`, for coverage)"
        )
    return f"`{key}` applies to {applies}"


# ---------------------------------------------------------------- values


def metric_hint(name: str) -> str:
    """``did you mean``, and every metric of the family when ``name`` is one's prefix."""
    family = sorted(metric for metric in METRICS if metric.startswith(f"{name.casefold()}."))
    close = closest(name, METRICS) or (family[0] if family else None)
    if family:
        return f"did you mean `{close}`? (the {name} metrics: {listed(family)})"
    if close is not None:
        return f"did you mean `{close}`?"
    return f"valid: {listed(sorted(METRICS))}"


def severity_hint(value: object) -> str:
    """The label ``value`` was meant to be: ``"HIGH"`` is ``high``, ``"warning"`` ``medium``."""
    labels = [severity.label for severity in sorted(Severity, reverse=True)]
    text = str(value).strip()
    if text.casefold() in labels:
        return f"severities are lower case: did you mean `{text.casefold()}`?"
    if text.casefold() in _SEVERITY_WORDS:
        meant = _SEVERITY_WORDS[text.casefold()]
        return f"gates' scale is {' > '.join(labels)}: did you mean `{meant}`?"
    close = closest(text, labels)
    if close is not None:
        return f"did you mean `{close}`?"
    return f"gates' scale is {' > '.join(labels)} (docs/severity.md)"


def _number_in(text: str) -> float | None:
    try:
        return float(text.strip().removesuffix("%").strip())
    except ValueError:
        return None


def _shown(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"


def bound_hint(key: str, value: object, *, percent: bool) -> str:
    """How to write a bound gates read as text: ``min = "90%"`` is ``min = 90``."""
    number = _number_in(value) if isinstance(value, str) else None
    if number is None or number != number:  # noqa: PLR0124 - NaN
        return f"write a number without quotes, e.g. {key} = 0"
    unit = " or %" if percent else ""
    return f"did you mean {key} = {_shown(number)}? A bound is a number, without quotes{unit}"


def slowdown_hint(value: object) -> str:
    """``slowdown = 5`` or ``0.05`` is ``slowdown = "5%"``."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 'write a percentage in quotes, e.g. slowdown = "5%"'
    number = _number_in(value) if isinstance(value, str) else float(value)
    if number is None or not number > 0:
        return 'write a percentage in quotes, e.g. slowdown = "5%"'
    percent = number * 100 if isinstance(value, float) and number < 1 else number
    return f'did you mean slowdown = "{_shown(percent)}%"? A slowdown is a percentage, in quotes'


def expires_hint(value: object) -> str:
    """``expires = "2027-01-31"`` (a string) is ``expires = 2027-01-31`` (a TOML date)."""
    if isinstance(value, str):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            return f"remove the quotes: expires = {day.isoformat()} is a TOML date"
    if isinstance(value, dt.datetime):
        return f"a date, without a time: expires = {value.date().isoformat()}"
    return "a TOML date such as expires = 2027-01-31"


_ADVISORY = re.compile(r"^(GHSA|PYSEC|CVE|OSV)-", re.IGNORECASE)
_BANDIT_TEST = re.compile(r"^B\d{3}$")
_CODE = re.compile(r"^[A-Z]{1,4}\d+$")


def finding_hint(target: str) -> str:
    """A finding waiver's target without its tool: ``"GHSA-…"`` is ``"pip-audit:GHSA-…"``."""
    if _ADVISORY.match(target):
        tool = "pip-audit"
    elif _BANDIT_TEST.match(target):
        tool = "bandit"
    elif _CODE.match(target):
        tool = "ruff"
    else:
        return 'name the tool, then the rule: e.g. finding = "ruff:E501"'
    return f'name the tool first: did you mean finding = "{tool}:{target}"?'


def stage_path_hint(name: str) -> str:
    """``stage = ".gates/unit"`` names the stage ``unit``: the folder, not its path."""
    last = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    if _NAME.match(last):
        return (
            f"`stage` is a stage's name, the folder under [gates] reports: did you mean `{last}`?"
        )
    return "`stage` is a stage's name, the folder under [gates] reports: e.g. `unit`"


_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def tool_error(tool: str, where: str) -> PolicyError | None:
    """The error for a findings gate's ``tool`` that is surely a mistake, else ``None``.

    A tool gates knows that records no findings (``pytest``, ``coverage``), or a
    near miss of a findings tool gates knows (``rufff``, ``Ruff``, ``pip_audit``).
    Any other name may be a scanner read from its SARIF log, so it stays valid
    here; :func:`gates.policy.names.check_names` checks it against the evidence.
    """
    key = f"{where}.tool"
    if tool in KNOWN_TOOLS and Kind.FINDINGS not in kinds_of(tool):
        kinds = " and ".join(sorted(kind.value for kind in kinds_of(tool)))
        return PolicyError(
            f"{tool!r} records {kinds}, not findings",
            key=key,
            hint=f"tools with findings: {listed(_FINDINGS_TOOLS)}, or any scanner's SARIF log",
            slug="policy-unknown-tool",
        )
    close = None if tool in KNOWN_TOOLS else closest(tool, _FINDINGS_TOOLS, cutoff=NAME_CUTOFF)
    if close is None:
        return None
    return PolicyError(
        f"{tool!r} is not a tool gates knows",
        key=key,
        hint=f"did you mean `{close}`? (gates reads {listed(_FINDINGS_TOOLS)} natively)",
        slug="policy-unknown-tool",
    )
