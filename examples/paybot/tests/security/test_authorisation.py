"""Authorisation: a customer reaches only their own orders; only an admin administers."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.orm import Session

from paybot import services
from paybot.models import User
from tests.conftest import FakeClock, bearer
from tests.factories import ProductFactory, UserFactory


@pytest.fixture
def bobs_order(db_session: Session) -> int:
    bob = UserFactory(name="Bob")
    return services.create_order(db_session, bob, ProductFactory(price=10).id, 1).id


@pytest.mark.parametrize(("method", "suffix"), [("GET", ""), ("GET", "/invoice"), ("POST", "/pay")])
async def test_alice_cannot_reach_bobs_order(
    client: httpx.AsyncClient,
    customer: User,
    bobs_order: int,
    clock: FakeClock,
    method: str,
    suffix: str,
) -> None:
    """Someone else's order is answered exactly like a missing one: 404, nothing leaked."""
    response = await client.request(
        method, f"/orders/{bobs_order}{suffix}", headers=bearer(customer, clock)
    )
    missing = await client.request(
        method, f"/orders/999999{suffix}", headers=bearer(customer, clock)
    )
    assert response.status_code == missing.status_code == 404
    assert response.json()["detail"] == f"no order {bobs_order}"
    assert "Bob" not in response.text


async def test_alice_lists_only_her_own_orders(
    client: httpx.AsyncClient,
    db_session: Session,
    customer: User,
    bobs_order: int,
    clock: FakeClock,
) -> None:
    mine = services.create_order(db_session, customer, ProductFactory().id, 1).id
    listed = await client.get("/orders", headers=bearer(customer, clock))
    assert [order["id"] for order in listed.json()] == [mine]


async def test_an_admin_may_read_any_order_but_not_spend_a_customers_wallet(
    client: httpx.AsyncClient, admin_user: User, bobs_order: int, clock: FakeClock
) -> None:
    read = await client.get(f"/orders/{bobs_order}", headers=bearer(admin_user, clock))
    assert read.status_code == 200
    spend = await client.post(f"/orders/{bobs_order}/pay", headers=bearer(admin_user, clock))
    assert spend.status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/products", {"sku": "X-1", "title": "x", "price": 1}),
        ("POST", "/users/1/credits", {"amount": 1}),
        ("POST", "/orders/1/refund", None),
    ],
)
async def test_a_customer_cannot_administer(
    client: httpx.AsyncClient,
    customer: User,
    clock: FakeClock,
    method: str,
    path: str,
    body: dict[str, object] | None,
) -> None:
    headers = {**bearer(customer, clock), "Idempotency-Key": "customer-tries-1"}
    response = await client.request(method, path, json=body, headers=headers)
    assert response.status_code == 403
    assert response.json()["type"].endswith("/forbidden")
