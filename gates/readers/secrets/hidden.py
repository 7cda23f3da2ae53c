"""What a secret scanner's finding must never give away: the secret, whole or in part.

gitleaks and TruffleHog write each secret they find into their report
(``Secret``, ``Match``; ``Raw``, ``RawV2``, ``Redacted``). A reader takes a
finding's rule, file and line from the same objects, and its message from the
rule's description: :class:`Hidden` holds the secret's values so that none of
those texts keeps a piece of one. Errors about such a field name its key and
type, never its value (:func:`gates.untrusted.fields.malformed`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from gates.errors import EvidenceError
from gates.untrusted.fields import Fields, malformed

__all__ = ["WINDOW", "Hidden"]

# a piece of a secret this long in a kept text gives part of it away
WINDOW: Final = 8
_SHORTEST: Final = 4  # a shorter "secret" (gitleaks' `--redact` writes "REDACTED") is no value
# a private key is a few kilobytes; a longer "secret" would cost time in every check
_LONGEST: Final = 64 * 1024


class Hidden:
    """The secret values of one finding: whole (``Match``, ``Redacted``) or in pieces (the secret)."""

    __slots__ = ("_pieces", "_wholes")

    def __init__(self, item: Fields, *, secrets: Iterable[str], wholes: Iterable[str]) -> None:
        values = [_text(item, key) for key in secrets]
        if any(len(value) > _LONGEST for value in values):
            raise EvidenceError(
                f"`{item.where}` holds a secret of over {_LONGEST // 1024} KiB: no scanner "
                "finds one that long",
                slug="malformed-report",
                path=item.path,
                hint="the report is corrupt or hand-made; regenerate it with the tool",
            )
        # a secret is looked for in pieces of WINDOW characters; a shorter one, whole
        self._pieces = tuple(value for value in values if len(value) > WINDOW)
        short = [value for value in values if _SHORTEST <= len(value) <= WINDOW]
        self._wholes = tuple(
            short
            + [value for value in (_text(item, key) for key in wholes) if len(value) >= _SHORTEST]
        )

    def reveals(self, text: str) -> bool:
        """Whether ``text`` holds a secret, or a piece of it ``WINDOW`` characters long."""
        if any(whole in text for whole in self._wholes):
            return True
        if len(text) < WINDOW or not self._pieces:
            return False
        seen = {text[start : start + WINDOW] for start in range(len(text) - WINDOW + 1)}
        # the secret's pieces are taken one at a time, never all held at once
        return any(
            secret[start : start + WINDOW] in seen
            for secret in self._pieces
            for start in range(len(secret) - WINDOW + 1)
        )

    def kept(self, text: str, *, path: str, where: str) -> str:
        """``text`` (a rule, a file), refused when it holds the secret: a report not to trust."""
        if self.reveals(text):
            raise EvidenceError(
                f"`{where}` holds the secret the scanner found, so gates cannot keep it",
                slug="malformed-report",
                path=path,
                hint="the report is corrupt or hand-made; regenerate it with the tool",
            )
        return text


def _text(item: Fields, key: str) -> str:
    value = item.raw(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise malformed(item.path, f"{item.where}.{key}", "a string", value)
    return value.strip()
