"""Report readers: one module per format, and the explicit registry.

Adding a reader touches its module, one line here, real assets under
``tests/assets/<tool>/<version>/``, its tests, docs/readers.md and the changelog.
"""

from __future__ import annotations

from gates.readers.interface import ReadContext, Reader
from gates.vocabulary import Kind

__all__ = ["KINDS", "READERS", "ReadContext", "Reader", "reader_for"]

# format id -> (reader module, the kind of evidence it provides)
_REGISTRY: dict[str, tuple[Reader, Kind]] = {}

READERS: dict[str, Reader] = {name: reader for name, (reader, _) in _REGISTRY.items()}
KINDS: dict[str, Kind] = {name: kind for name, (_, kind) in _REGISTRY.items()}


def reader_for(format_id: str) -> Reader | None:
    """The reader of ``format_id``, or ``None`` when gates has none."""
    return READERS.get(format_id)
