"""``[[quarantine]]``: tests that still run and are reported, whose failures do not block.

The waiver's shape: a pytest node id (a glob: ``tests/test_net.py::*``), an
owner, a reason and an expiry. A live entry keeps its tests' failures out of
``tests.failed`` (the verdict says how many it kept out); an expired entry
covers nothing and blocks the verdict by itself, like an expired waiver; the
``tests.quarantined`` metric counts the entries, so a budget (``max``) keeps
the list from growing silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase

from gates.errors import PolicyError
from gates.model.testids import canonical_test_id
from gates.policy.fields import known_keys, text
from gates.policy.schema import QUARANTINE_KEYS

__all__ = [
    "Quarantine",
    "expired_quarantine",
    "live",
    "parse_quarantine",
    "quarantine_notes",
    "quarantined",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Quarantine:
    """One ``[[quarantine]]`` entry."""

    index: int
    test: str  # a pytest node id, or a glob of them
    owner: str
    reason: str
    expires: dt.date

    def covers(self, test_id: str) -> bool:
        """Whether ``test`` matches ``test_id``, as written or both as pytest's node ids."""
        return fnmatchcase(test_id, self.test) or fnmatchcase(
            canonical_test_id(test_id), canonical_test_id(self.test)
        )


def live(entries: Sequence[Quarantine], today: dt.date) -> tuple[Quarantine, ...]:
    """The entries that have not expired on ``today``."""
    return tuple(entry for entry in entries if entry.expires >= today)


def expired_quarantine(entries: Sequence[Quarantine], today: dt.date) -> bool:
    """Whether an entry has expired: it covers nothing, and blocks the verdict by itself."""
    return any(entry.expires < today for entry in entries)


def quarantine_notes(entries: Sequence[Quarantine], today: dt.date) -> tuple[str, ...]:
    """The verdict's notes: each expired entry, and each live one with its owner and expiry."""
    return tuple(
        f"quarantine[{e.index}] ({e.test}) expired on {e.expires}: it blocks until it is renewed "
        "or removed, and the test's failures count again"
        if e.expires < today
        else f"quarantine[{e.index}] ({e.test}): failures not counted until {e.expires} "
        f"(owner {e.owner}: {e.reason})"
        for e in entries
    )


def quarantined(entries: Sequence[Quarantine], test_id: str) -> Quarantine | None:
    """The first of ``entries`` that covers ``test_id``."""
    return next((entry for entry in entries if entry.covers(test_id)), None)


def parse_quarantine(index: int, item: Mapping[str, object]) -> Quarantine:
    where = f"quarantine[{index}]"
    known_keys(item, QUARANTINE_KEYS, where)
    for key in ("test", "owner", "reason", "expires"):
        if key not in item:
            raise PolicyError(
                "is required: every quarantined test has a node id, an owner, a reason and an "
                "expiry",
                key=f"{where}.{key}",
                hint='e.g. test = "tests/test_net.py::test_retry"',
            )
    expires = item["expires"]
    if not isinstance(expires, dt.date) or isinstance(expires, dt.datetime):
        raise PolicyError(
            "should be a TOML date (expires = 2027-01-31, no quotes)", key=f"{where}.expires"
        )
    return Quarantine(
        index=index,
        test=text(item, "test", where, default=""),
        owner=text(item, "owner", where, default=""),
        reason=text(item, "reason", where, default=""),
        expires=expires,
    )
