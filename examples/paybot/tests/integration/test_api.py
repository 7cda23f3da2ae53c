"""The HTTP API, full request/response cycles through httpx: users, tokens, products, orders."""

from __future__ import annotations

import io
import json

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paybot import devservers, services
from paybot.api.observability import configure_logging
from paybot.models import JournalEntry, User
from paybot.queue import FULFIL
from paybot.runtime import redis_pinger
from tests.conftest import FakeClock, RecordingQueue, bearer
from tests.factories import ProductFactory

PROBLEM = "application/problem+json"


async def test_a_new_user_gets_a_token_for_their_api_key(client: httpx.AsyncClient) -> None:
    created = await client.post("/users", json={"name": "Ada"})
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["role"]) == ("Ada", "customer")
    issued = await client.post(
        "/auth/token", json={"user_id": body["id"], "api_key": body["api_key"]}
    )
    assert issued.status_code == 200
    assert issued.json()["token_type"] == "bearer"
    assert issued.json()["expires_in"] == 600
    me = await client.get(
        "/users/me", headers={"Authorization": f"Bearer {issued.json()['access_token']}"}
    )
    assert me.status_code == 200
    assert me.json()["id"] == body["id"]
    wrong = await client.post("/auth/token", json={"user_id": body["id"], "api_key": "nope"})
    assert wrong.status_code == 401
    assert wrong.headers["content-type"] == PROBLEM
    assert wrong.json()["type"].endswith("/bad-credentials")


async def test_products_are_listed_searched_and_created_by_admins(
    client: httpx.AsyncClient,
    db_session: Session,
    admin_user: User,
    customer: User,
    clock: FakeClock,
) -> None:
    ProductFactory(title="Golden ticket", sku="GOLD-1", price=500)
    ProductFactory(title="Silver ticket", sku="SILVER-1", price=100)
    ProductFactory(title="Hidden ticket", sku="HIDDEN-1", active=False)
    everything = await client.get("/products")
    assert [p["sku"] for p in everything.json()] == ["GOLD-1", "SILVER-1"]
    found = await client.get("/products", params={"q": "gold"})
    assert [p["sku"] for p in found.json()] == ["GOLD-1"]
    literal = await client.get("/products", params={"q": "%"})
    assert literal.json() == []  # a LIKE wildcard is searched for literally
    one = await client.get(f"/products/{everything.json()[0]['id']}")
    assert one.json()["price"] == 500
    new = {"sku": "NEW-1", "title": "New", "price": 42}
    forbidden = await client.post("/products", json=new, headers=bearer(customer, clock))
    assert forbidden.status_code == 403
    created = await client.post("/products", json=new, headers=bearer(admin_user, clock))
    assert created.status_code == 201
    assert created.json()["currency"] == "XTR"
    taken = await client.post("/products", json=new, headers=bearer(admin_user, clock))
    assert taken.status_code == 409
    assert taken.json()["type"].endswith("/sku-taken")


async def test_an_order_is_priced_invoiced_and_paid_from_the_wallet(
    client: httpx.AsyncClient,
    db_session: Session,
    customer: User,
    admin_user: User,
    clock: FakeClock,
    queue: RecordingQueue,
) -> None:
    item = ProductFactory(price=150)
    auth = bearer(customer, clock)
    order = await client.post("/orders", json={"product_id": item.id, "quantity": 2}, headers=auth)
    assert order.status_code == 201
    assert (order.json()["amount"], order.json()["status"]) == (300, "pending")
    order_id = order.json()["id"]
    invoice = await client.get(f"/orders/{order_id}/invoice", headers=auth)
    assert invoice.json()["prices"] == [{"label": item.title[:32], "amount": 300}]
    assert invoice.json()["payload"].startswith(f"order:{order_id}:")
    broke = await client.post(f"/orders/{order_id}/pay", headers=auth)
    assert broke.status_code == 409
    assert broke.json()["type"].endswith("/insufficient-funds")
    credit = await client.post(
        f"/users/{customer.id}/credits",
        json={"amount": 500},
        headers={**bearer(admin_user, clock), "Idempotency-Key": "topup-0001"},
    )
    assert credit.status_code == 201
    assert credit.json() == {"posted": True, "balance": 500}
    paid = await client.post(f"/orders/{order_id}/pay", headers=auth)
    assert paid.status_code == 200
    assert paid.json()["status"] == "paid"
    assert queue.sent == [(FULFIL, (order_id,))]
    again = await client.post(f"/orders/{order_id}/pay", headers=auth)
    assert again.status_code == 409
    assert again.json()["type"].endswith("/not-payable")
    balance = await client.get("/balance", headers=auth)
    assert balance.json() == {"currency": "XTR", "balance": 200}
    mine = await client.get("/orders", headers=auth)
    assert [o["id"] for o in mine.json()] == [order_id]
    missing = await client.post("/orders", json={"product_id": 10**9}, headers=auth)
    assert missing.status_code == 404


async def test_a_retried_credit_with_the_same_idempotency_key_credits_once(
    client: httpx.AsyncClient,
    db_session: Session,
    customer: User,
    admin_user: User,
    clock: FakeClock,
) -> None:
    headers = {**bearer(admin_user, clock), "Idempotency-Key": "retry-me-1234"}
    first = await client.post(f"/users/{customer.id}/credits", json={"amount": 70}, headers=headers)
    retry = await client.post(f"/users/{customer.id}/credits", json={"amount": 70}, headers=headers)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert retry.json() == {"posted": False, "balance": 70}
    entries = db_session.scalar(select(func.count()).select_from(JournalEntry))
    assert entries == 1
    other = {**bearer(admin_user, clock), "Idempotency-Key": "another-key-5678"}
    second = await client.post(f"/users/{customer.id}/credits", json={"amount": 30}, headers=other)
    assert second.json() == {"posted": True, "balance": 100}
    nobody = await client.post("/users/999999/credits", json={"amount": 1}, headers=other)
    assert nobody.status_code == 404


async def test_errors_are_problem_details_without_a_stack_trace(client: httpx.AsyncClient) -> None:
    for response, status in (
        (await client.get("/nowhere"), 404),
        (await client.delete("/products"), 405),
        (await client.post("/users", json={"name": ""}), 422),
        (await client.post("/users", json={"name": " \t "}), 422),
        (await client.post("/users", json={"name": "nul\u0000"}), 422),
        (
            await client.post(
                "/users", content=b"{not json", headers={"content-type": "application/json"}
            ),
            422,
        ),
        (await client.get("/products/0"), 422),
    ):
        assert response.status_code == status
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert body["status"] == status
        assert {"type", "title", "detail", "instance", "request_id"} <= set(body)
        assert "Traceback" not in response.text


async def test_a_crash_is_a_500_problem_that_names_the_request_not_the_code(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "search_products", explode)
    response = await client.get("/products", headers={"X-Request-ID": "crash-1"})
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["request_id"] == "crash-1"
    assert "secret internals" not in response.text
    assert "Traceback" not in response.text


async def test_every_request_has_an_id_in_its_header_and_json_logs(
    client: httpx.AsyncClient,
) -> None:
    stream = io.StringIO()
    configure_logging(stream)
    try:
        given = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
        made = await client.get("/healthz", headers={"X-Request-ID": "bad id <script>"})
    finally:
        configure_logging()  # back to stdout
    assert given.headers["x-request-id"] == "abc-123"
    assert made.headers["x-request-id"] != "bad id <script>"
    assert len(made.headers["x-request-id"]) == 32
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [line for line in lines if line["event"] == "request"]
    assert [line["request_id"] for line in access] == ["abc-123", made.headers["x-request-id"]]
    assert access[0]["route"] == "/healthz"
    assert access[0]["status"] == 200
    assert access[0]["level"] == "info"


async def test_health_readiness_and_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok", "checks": {}}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}
    await client.get("/nowhere")
    metrics = await client.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    text = metrics.text
    assert 'paybot_http_requests_total{method="GET",route="/readyz",status="200"} 1.0' in text
    assert 'route="unmatched",status="404"' in text
    assert "paybot_http_request_duration_seconds_bucket" in text


async def test_readiness_fails_when_redis_is_unreachable(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    app.state.runtime.redis_ping = redis_pinger(f"redis://127.0.0.1:{devservers.free_port()}/0")
    response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["checks"] == {"database": "ok", "redis": "failed: ConnectionError"}
