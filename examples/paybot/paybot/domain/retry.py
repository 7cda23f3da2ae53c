"""How long a task waits before it tries a flaky provider again: exponential, capped."""

from __future__ import annotations


def backoff(retries: int, *, base: float, cap: float) -> float:
    """Seconds before attempt ``retries + 1``: ``base * 2**retries``, at most ``cap``."""
    if retries < 0 or base < 0 or cap < 0:
        raise ValueError("retries, base and cap must not be negative")
    return min(cap, base * float(2 ** min(retries, 32)))
