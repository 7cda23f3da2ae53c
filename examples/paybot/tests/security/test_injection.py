"""Hostile strings on every string input: SQL injection is inert, markup is data, never a 500.

Every string the API takes (body fields, the search query, headers) gets each
payload. The answer is a clear 2xx or 4xx with a JSON content type (never
HTML, so a browser never renders it), strings that are stored come back
exactly as sent, JSON-escaped, and the database holds no more and no less than
it should.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paybot.models import Product, User
from tests.conftest import FakeClock, bearer
from tests.factories import ProductFactory

SQL = [
    "' OR '1'='1",
    "x%' OR 1=1 --",
    "'; DROP TABLE users; --",
    "1; SELECT pg_sleep(0)",
    "\\' UNION SELECT id, api_key_hash FROM users --",
]
XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
]
PAYLOADS = SQL + XSS
JSON_TYPES = {"application/json", "application/problem+json"}


def assert_clean(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    assert response.headers["content-type"] in JSON_TYPES
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_search_treats_the_query_as_text(
    client: httpx.AsyncClient, db_session: Session, payload: str
) -> None:
    ProductFactory(title="Visible", sku="VIS-1")
    ProductFactory(title="Withdrawn", sku="OLD-1", active=False)
    response = await client.get("/products", params={"q": payload})
    assert_clean(response)
    assert response.status_code == 200
    assert response.json() == []  # no title contains the payload; nothing leaks or widens


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_a_hostile_user_name_is_stored_verbatim(
    client: httpx.AsyncClient, db_session: Session, payload: str
) -> None:
    users_before = db_session.scalar(select(func.count()).select_from(User))
    response = await client.post("/users", json={"name": payload})
    assert_clean(response)
    assert response.json()["name"] == payload
    assert db_session.scalar(select(func.count()).select_from(User)) == users_before + 1
    stored = db_session.scalar(select(User.name).where(User.id == response.json()["id"]))
    assert stored == payload


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_hostile_product_fields_are_data_or_refused(
    client: httpx.AsyncClient, db_session: Session, admin_user: User, clock: FakeClock, payload: str
) -> None:
    headers = bearer(admin_user, clock)
    as_sku = await client.post(
        "/products", json={"sku": payload, "title": "t", "price": 1}, headers=headers
    )
    assert_clean(as_sku)
    assert as_sku.status_code == 422  # a SKU is letters, digits and dashes
    as_text = await client.post(
        "/products",
        json={"sku": "SAFE-1", "title": payload[:64], "description": payload, "price": 5},
        headers=headers,
    )
    assert_clean(as_text)
    assert as_text.status_code == 201
    assert (as_text.json()["title"], as_text.json()["description"]) == (payload[:64], payload)
    assert (
        "<script>" not in as_text.text or '"<script>' in as_text.text
    )  # a JSON string, not markup
    assert db_session.scalar(select(func.count()).select_from(Product)) == 1


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_hostile_credentials_and_headers_are_refused(
    client: httpx.AsyncClient,
    db_session: Session,
    customer: User,
    admin_user: User,
    clock: FakeClock,
    payload: str,
) -> None:
    token = await client.post("/auth/token", json={"user_id": customer.id, "api_key": payload})
    assert_clean(token)
    assert token.status_code == 401
    credit = await client.post(
        f"/users/{customer.id}/credits",
        json={"amount": 5},
        headers={
            **bearer(admin_user, clock),
            "Idempotency-Key": payload.encode("ascii", "replace").decode(),
        },
    )
    assert_clean(credit)
    assert credit.status_code == 422  # an idempotency key is a plain token
    traced = await client.get("/healthz", headers={"X-Request-ID": payload})
    assert traced.headers["x-request-id"] != payload  # replaced, never echoed


async def test_the_tables_survive_every_payload(
    client: httpx.AsyncClient, db_session: Session
) -> None:
    for payload in PAYLOADS:
        await client.get("/products", params={"q": payload})
        await client.post("/users", json={"name": payload})
    tables = db_session.execute(select(func.count()).select_from(User)).scalar_one()
    assert tables == len(PAYLOADS)
