"""A token bucket per client: ``capacity`` requests at once, refilled at ``rate`` per second.

The bucket takes "now" as an argument (seconds on a monotonic clock): the
caller owns the clock, so tests move it instead of sleeping. Memory is bounded:
past ``max_clients`` buckets, the least recently seen client is forgotten
(which can only let that client in again sooner, never lock anyone out).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after: int  # whole seconds until one request is allowed again; 0 when allowed


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets keyed by client."""

    def __init__(self, *, capacity: int, rate: float, max_clients: int = 10_000) -> None:
        if capacity < 1 or rate <= 0 or max_clients < 1:
            raise ValueError("capacity, rate and max_clients must be positive")
        self.capacity = capacity
        self.rate = rate
        self.max_clients = max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, client: str, now: float) -> Decision:
        """Spend one token of ``client``'s bucket, if it has one."""
        bucket = self._buckets.pop(client, None) or _Bucket(float(self.capacity), now)
        elapsed = max(0.0, now - bucket.updated)
        bucket.tokens = min(float(self.capacity), bucket.tokens + elapsed * self.rate)
        bucket.updated = now
        self._buckets[client] = bucket
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Decision(allowed=True, remaining=int(bucket.tokens), retry_after=0)
        wait = math.ceil((1.0 - bucket.tokens) / self.rate)
        return Decision(allowed=False, remaining=0, retry_after=max(1, wait))
