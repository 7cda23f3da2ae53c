"""Rate limiting: a burst up to the allowance, then 429 with Retry-After, on the test's clock."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from paybot.domain.ratelimit import RateLimiter
from tests.conftest import FakeClock


async def test_a_client_over_its_allowance_gets_429_until_it_refills(
    client: httpx.AsyncClient, app: FastAPI, clock: FakeClock
) -> None:
    app.state.runtime.limiter = RateLimiter(capacity=3, rate=0.5)
    statuses = [(await client.get("/products")).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = await client.get("/products")
    assert refused.headers["retry-after"] == "2"
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/rate-limited")
    assert refused.headers["x-request-id"] == refused.json()["request_id"]
    other = await client.get("/products", headers={"Authorization": "Bearer someone-else"})
    assert other.status_code == 200  # a token holder has an allowance of their own
    for probe in ("/healthz", "/metrics"):
        assert (await client.get(probe)).status_code == 200  # probes are never limited
    clock.advance(2)
    assert (await client.get("/products")).status_code == 200
    metrics = (await client.get("/metrics")).text
    assert "paybot_rate_limited_total 2.0" in metrics
