"""The token bucket, on a clock the test moves: no sleeping, no timing."""

from __future__ import annotations

import pytest

from paybot.domain.ratelimit import Decision, RateLimiter


def test_a_burst_up_to_capacity_then_429_until_refilled() -> None:
    limiter = RateLimiter(capacity=3, rate=0.5)
    assert [limiter.take("a", 100.0).allowed for _ in range(3)] == [True, True, True]
    assert limiter.take("a", 100.0) == Decision(allowed=False, remaining=0, retry_after=2)
    assert limiter.take("b", 100.0).allowed  # another client has its own bucket
    assert limiter.take("a", 102.0) == Decision(allowed=True, remaining=0, retry_after=0)
    assert limiter.take("a", 1000.0).remaining == 2  # refilled to capacity, never above


def test_a_clock_that_goes_back_refills_nothing() -> None:
    limiter = RateLimiter(capacity=1, rate=1.0)
    assert limiter.take("a", 50.0).allowed
    assert not limiter.take("a", 10.0).allowed


def test_memory_is_bounded_by_forgetting_the_least_recent_client() -> None:
    limiter = RateLimiter(capacity=1, rate=0.001, max_clients=2)
    assert limiter.take("a", 0.0).allowed
    assert limiter.take("b", 0.0).allowed
    assert limiter.take("c", 0.0).allowed  # "a" is forgotten
    assert limiter.take("a", 0.0).allowed
    assert not limiter.take("c", 0.0).allowed


@pytest.mark.parametrize(
    "kwargs",
    [
        {"capacity": 0, "rate": 1.0},
        {"capacity": 1, "rate": 0.0},
        {"capacity": 1, "rate": 1.0, "max_clients": 0},
    ],
)
def test_nonsense_settings_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be positive"):
        RateLimiter(**kwargs)  # type: ignore[arg-type]
