"""Authentication: a missing, expired, forged or orphaned bearer token is a 401 with a challenge."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session

from paybot.domain import tokens
from paybot.models import User
from tests.conftest import TOKEN_KEY, FakeClock, bearer

PROTECTED = [
    ("GET", "/users/me"),
    ("GET", "/orders"),
    ("GET", "/orders/1"),
    ("GET", "/orders/1/invoice"),
    ("POST", "/orders/1/pay"),
    ("POST", "/orders/1/refund"),
    ("GET", "/balance"),
    ("POST", "/products"),
    ("POST", "/users/1/credits"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
async def test_no_token_no_entry(client: httpx.AsyncClient, method: str, path: str) -> None:
    response = await client.request(method, path, json={})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="paybot"'
    assert response.headers["content-type"] == "application/problem+json"


async def test_an_expired_token_is_refused_and_says_so(
    client: httpx.AsyncClient, customer: User, clock: FakeClock
) -> None:
    headers = bearer(customer, clock, ttl=60)
    assert (await client.get("/users/me", headers=headers)).status_code == 200
    clock.advance(60)
    expired = await client.get("/users/me", headers=headers)
    assert expired.status_code == 401
    assert expired.json()["type"].endswith("/token-expired")
    assert 'error_description="expired"' in expired.headers["www-authenticate"]


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-token",
        "Bearer "
        + tokens.issue(b"another-key-that-is-32-bytes-long!!", user_id=1, now=0, ttl=10**10),
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer a.b.c",
    ],
    ids=["garbage", "other-key", "basic", "empty", "dots"],
)
async def test_forged_or_malformed_tokens_are_refused(
    client: httpx.AsyncClient, db_session: Session, authorization: str
) -> None:
    response = await client.get("/users/me", headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_token_outlives_its_user_no_more(
    client: httpx.AsyncClient, db_session: Session, customer: User, clock: FakeClock
) -> None:
    headers = bearer(customer, clock)
    db_session.execute(delete(User).where(User.id == customer.id))
    db_session.flush()
    response = await client.get("/users/me", headers=headers)
    assert response.status_code == 401
    assert "no longer exists" in response.json()["detail"]


async def test_a_token_is_bound_to_its_signing_key(db_session: Session, customer: User) -> None:
    token = tokens.issue(TOKEN_KEY, user_id=customer.id, now=0, ttl=10)
    assert tokens.verify(TOKEN_KEY, token, now=5).user_id == customer.id
