"""How one SARIF result reads: its file, its severity and its message (for :mod:`gates.readers.findings.sarif`).

* **The file**: a result's ``artifactLocation.uri``, resolved through the run's
  ``originalUriBaseIds`` (at most 16 deep), as a repository-relative path;
  other schemes stay as they are.
* **The severity**: a ``security-severity`` score (>= 9.0 critical, >= 7.0 high,
  >= 4.0 medium, > 0 low, 0 info), else the SARIF level (:data:`LEVELS`), else
  the rule's default level, else ``warning``.
* **The message**: ``message.text``, else the rule's message string with its
  arguments.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import unquote, urlsplit

from gates.model.reports import Severity
from gates.readers.interface import ReadContext
from gates.untrusted.fields import Fields
from gates.untrusted.safetext import finite_float, shown

__all__ = [
    "LEVELS",
    "base_uri",
    "default_level",
    "from_score",
    "is_absolute",
    "message_text",
    "repository_path",
    "security_score",
    "uri_bases",
]

LEVELS: Final = {
    "error": Severity.HIGH,
    "warning": Severity.MEDIUM,
    "note": Severity.LOW,
    "none": Severity.INFO,
}
_SCHEME: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")
_DRIVE: Final = re.compile(r"/[A-Za-z]:")
_PLACEHOLDER: Final = re.compile(r"\{([0-9]{1,15})\}")  # more digits: no such argument
_MAX_BASE_DEPTH: Final = 16

_Obj = dict[str, object]


def uri_bases(run: Fields) -> dict[str, _Obj]:
    if run.raw("originalUriBaseIds") is None:
        return {}
    bases = run.obj("originalUriBaseIds")
    return {name: value for name, value in bases.items() if type(value) is dict}


def base_uri(bases: dict[str, _Obj], name: str) -> str:
    """The absolute URI a ``uriBaseId`` stands for ("" when the log does not say)."""
    parts: list[str] = []
    current: object = name
    for _ in range(_MAX_BASE_DEPTH):
        if type(current) is not str or current not in bases:
            break
        base = bases[current]
        uri = base.get("uri")
        if type(uri) is str:
            parts.append(uri)
        current = base.get("uriBaseId")
    uri = ""
    for part in reversed(parts):  # the outermost base first; an absolute part restarts
        uri = part if not uri or is_absolute(part) else uri.rstrip("/") + "/" + part
    return uri


def is_absolute(uri: str) -> bool:
    return uri.startswith("/") or _SCHEME.match(uri) is not None


def repository_path(uri: str, context: ReadContext) -> str:
    """A SARIF URI as a repository-relative path; other schemes stay as they are."""
    if uri.startswith("file:"):
        try:
            parts = urlsplit(uri)
        except ValueError:  # "file://[": a host that is no host; the URI as written
            return uri
        path = unquote(parts.path)
        if parts.netloc and parts.netloc != "localhost":
            path = f"//{parts.netloc}{path}"
        if _DRIVE.match(path):
            path = path[1:]
        return context.relpath(path)
    if _SCHEME.match(uri):
        return uri
    return context.relpath(unquote(uri))


def security_score(properties: object) -> float | None:
    """A ``security-severity`` score, or ``None`` when absent or not a finite number >= 0."""
    if type(properties) is not dict:
        return None
    value = properties.get("security-severity")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    score = finite_float(value)
    return score if score is not None and score >= 0 else None


def from_score(score: float) -> Severity:
    if score >= 9.0:
        return Severity.CRITICAL
    if score >= 7.0:
        return Severity.HIGH
    if score >= 4.0:
        return Severity.MEDIUM
    return Severity.LOW if score > 0 else Severity.INFO


def default_level(rule: _Obj | None) -> object:
    configuration = rule.get("defaultConfiguration") if rule is not None else None
    if type(configuration) is dict and "level" in configuration:
        return configuration["level"]
    return "warning"


def message_text(message: object, rule: _Obj | None) -> str:
    """``message.text``, else the rule's message string ``message.id`` with its arguments."""
    if type(message) is not dict:
        return ""
    text = message.get("text")
    if type(text) is str:
        return text
    strings = rule.get("messageStrings") if rule is not None else None
    name = message.get("id")
    entry = strings.get(name) if type(strings) is dict and type(name) is str else None
    text = entry.get("text") if type(entry) is dict else None
    if type(text) is not str:
        return ""
    arguments = message.get("arguments")
    if type(arguments) is not list:
        return text
    return _PLACEHOLDER.sub(lambda match: _argument(arguments, match), text)


def _argument(arguments: list[object], match: re.Match[str]) -> str:
    position = int(match[1])
    if position >= len(arguments):
        return match[0]
    argument = arguments[position]
    return argument if type(argument) is str else shown(argument)
