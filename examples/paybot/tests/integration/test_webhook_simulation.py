"""Real Update JSON posted to the webhook: secret token, malformed bodies, duplicates, other types.

Every refused update leaves the database as it was; every accepted one is
recorded in ``processed_updates`` exactly once.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paybot.api.webhook import TELEGRAM_HEADER
from paybot.fakebotapi import FakeBotApi
from paybot.models import Order, ProcessedUpdate, User
from tests.conftest import WEBHOOK_SECRET
from tests.factories import ProductFactory, UserFactory, updates

HOOK = "/telegram/webhook"
GOOD = {TELEGRAM_HEADER: WEBHOOK_SECRET}
PROBLEM = "application/problem+json"


def processed(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(ProcessedUpdate)) or 0


async def post(client: httpx.AsyncClient, body: dict[str, Any]) -> httpx.Response:
    return await client.post(HOOK, json=body, headers=GOOD)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {TELEGRAM_HEADER: "wrong"},
        {TELEGRAM_HEADER: ""},
        {TELEGRAM_HEADER: WEBHOOK_SECRET + "x"},
    ],
    ids=["missing", "wrong", "empty", "longer"],
)
async def test_an_update_without_the_right_secret_token_is_refused(
    client: httpx.AsyncClient, db_session: Session, telegram: FakeBotApi, headers: dict[str, str]
) -> None:
    response = await client.post(HOOK, json=updates.message(42, "/start"), headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"].endswith("/bad-webhook-secret")
    assert processed(db_session) == 0
    assert telegram.calls() == []
    assert db_session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'"text"',
        b"{}",
        b'{"update_id": "seven"}',
        b'{"update_id": 1, "message": {"message_id": 1}}',
        b'{"update_id": 1, "pre_checkout_query": {"id": "x", "total_amount": "lots"}}',
    ],
    ids=["broken", "binary", "array", "string", "empty", "id-type", "message", "checkout"],
)
async def test_a_malformed_update_is_a_400_never_a_500(
    client: httpx.AsyncClient, db_session: Session, telegram: FakeBotApi, body: bytes
) -> None:
    response = await client.post(
        HOOK, content=body, headers={**GOOD, "content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["type"].endswith("/malformed-update")
    assert processed(db_session) == 0
    assert telegram.calls() == []


async def test_a_redelivered_update_is_acknowledged_and_ignored(
    client: httpx.AsyncClient, db_session: Session, telegram: FakeBotApi
) -> None:
    ProductFactory(sku="PEN", title="Pen")
    start = updates.message(77, "/start")
    first, again = await post(client, start), await post(client, start)
    assert first.json() == {"ok": True}
    assert again.json() == {"ok": True, "duplicate": True}
    assert len(telegram.calls("sendMessage")) == 1
    assert "PEN: Pen" in telegram.calls("sendMessage")[0].params["text"]
    assert processed(db_session) == 1
    assert db_session.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.parametrize(
    "event",
    [
        {"edited_message": {**updates.message(9, "hello")["message"], "edit_date": 1}},
        {"some_update_from_the_future": {"id": 1}},
    ],
    ids=["unhandled-known-type", "unknown-type"],
)  # fmt: skip
async def test_updates_of_other_types_are_acknowledged_and_recorded(
    client: httpx.AsyncClient, db_session: Session, telegram: FakeBotApi, event: dict[str, Any]
) -> None:
    response = await post(client, updates.update(**event))
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert processed(db_session) == 1
    assert telegram.calls() == []


async def test_buy_sends_an_invoice_for_a_new_pending_order(
    client: httpx.AsyncClient, db_session: Session, telegram: FakeBotApi
) -> None:
    ProductFactory(sku="MUG", title="Mug", price=40)
    response = await post(client, updates.message(501, "/buy MUG 3"))
    assert response.status_code == 200
    (sent,) = telegram.calls("sendInvoice")
    order = db_session.scalars(select(Order)).one()
    assert (order.quantity, order.amount, order.status) == (3, 120, "pending")
    assert sent.params["payload"] == order.invoice_payload
    assert sent.params["currency"] == "XTR"
    assert sent.params["prices"] == [{"label": "Mug", "amount": 120}]
    assert int(sent.params["chat_id"]) == 501


@pytest.mark.parametrize(
    ("text", "reply"),
    [("/buy NOPE", "No product 'NOPE'"), ("/buy", "Usage: /buy"), ("/buy MUG 0", "Usage: /buy")],
)
async def test_buy_with_a_bad_request_explains_itself(
    client: httpx.AsyncClient, db_session: Session, telegram: FakeBotApi, text: str, reply: str
) -> None:
    ProductFactory(sku="MUG")
    await post(client, updates.message(502, text))
    (sent,) = telegram.calls("sendMessage")
    assert sent.params["text"].startswith(reply)
    assert telegram.calls("sendInvoice") == []
    assert db_session.scalar(select(func.count()).select_from(Order)) == 0


async def test_pre_checkout_is_answered_inside_the_webhook_call(
    client: httpx.AsyncClient, db_session: Session, telegram: FakeBotApi
) -> None:
    """Telegram allows 10 s: the answer is sent before the webhook returns, never queued."""
    ProductFactory(sku="MUG", price=40)
    await post(client, updates.message(503, "/buy MUG"))
    order = db_session.scalars(select(Order)).one()
    query = updates.pre_checkout(503, order.invoice_payload, 40)
    response = await post(client, query)
    assert response.status_code == 200
    (answer,) = telegram.calls("answerPreCheckoutQuery")  # recorded before the response came back
    assert answer.params["pre_checkout_query_id"] == query["pre_checkout_query"]["id"]
    assert answer.params["ok"] in (True, "true")


async def test_pre_checkout_for_someone_elses_invoice_is_refused(
    client: httpx.AsyncClient, db_session: Session, telegram: FakeBotApi
) -> None:
    ProductFactory(sku="MUG", price=40)
    UserFactory(telegram_id=504)
    await post(client, updates.message(504, "/buy MUG"))
    order = db_session.scalars(select(Order)).one()
    await post(client, updates.pre_checkout(999, order.invoice_payload, 40))
    await post(client, updates.pre_checkout(504, "order:1:not-ours", 40))
    answers = telegram.calls("answerPreCheckoutQuery")
    assert [a.params["ok"] in (False, "false") for a in answers] == [True, True]
    assert {a.params["error_message"] for a in answers} == {"This invoice is not one of ours."}
    db_session.refresh(order)
    assert order.status == "pending"
