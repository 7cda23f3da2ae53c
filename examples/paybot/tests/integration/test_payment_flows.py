"""Payment flows: invoice → pre-checkout → payment → fulfilled → receipt; declined; refunded.

The happy and refunded paths run as deployed: the webhook and the API commit
for real, the work goes through Redis to a real Celery worker, and the Bot API
calls reach the stand-in server. The declined and replayed paths need no
worker and run in the rolled-back test transaction.
"""

from __future__ import annotations

from typing import Any

import httpx
from celery.contrib.testing.worker import TestWorkController
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from paybot.api.webhook import TELEGRAM_HEADER
from paybot.fakebotapi import FakeBotApi
from paybot.models import Account, JournalEntry, Order, Payment, Posting, Receipt, User
from paybot.queue import FULFIL, REFUND
from tests.conftest import WEBHOOK_SECRET, FakeClock, RecordingQueue, bearer, eventually
from tests.factories import ProductFactory, UserFactory, updates

HOOK = "/telegram/webhook"


async def hook(client: httpx.AsyncClient, body: dict[str, Any]) -> None:
    response = await client.post(HOOK, json=body, headers={TELEGRAM_HEADER: WEBHOOK_SECRET})
    assert response.status_code == 200, response.text


def balances(db: Session) -> dict[str, int]:
    return {a.code: a.balance for a in db.scalars(select(Account))}


def assert_books_balance(db: Session) -> None:
    """Every account's balance is the sum of its postings, and all postings sum to zero."""
    for account in db.scalars(select(Account)):
        total = db.scalar(select(func.sum(Posting.amount)).where(Posting.account_id == account.id))
        assert account.balance == (total or 0), account.code
    assert (db.scalar(select(func.sum(Posting.amount))) or 0) == 0


async def buy_and_pay(
    client: httpx.AsyncClient, telegram: FakeBotApi, buyer: int, sku: str, charge: str
) -> tuple[str, int]:
    """/buy, pre-checkout, successful payment: the invoice payload and amount."""
    await hook(client, updates.message(buyer, f"/buy {sku}"))
    invoice = telegram.calls("sendInvoice")[-1].params
    amount = invoice["prices"][0]["amount"]
    await hook(client, updates.pre_checkout(buyer, invoice["payload"], amount))
    assert telegram.calls("answerPreCheckoutQuery")[-1].params["ok"] in (True, "true")
    await hook(client, updates.successful_payment(buyer, invoice["payload"], amount, charge))
    return invoice["payload"], amount


async def test_invoice_to_receipt_through_a_real_worker(
    live_client: httpx.AsyncClient,
    committed: sessionmaker[Session],
    celery_worker: TestWorkController,
    telegram: FakeBotApi,
) -> None:
    ProductFactory(sku="BOOK", title="A <b>bold</b> book", price=250)
    payload, amount = await buy_and_pay(live_client, telegram, 801, "BOOK", "tg-charge-801")
    assert amount == 250

    def receipt_row() -> list[Receipt]:
        with committed() as db:
            return list(db.scalars(select(Receipt)))

    (row,) = eventually(receipt_row, what="the receipt")  # committed after it was sent
    assert row.chat_id == 801
    receipt = telegram.calls("sendMessage")[1:]
    with committed() as db:
        order_id = db.scalars(select(Order.id)).one()
    assert f"Receipt for order #{order_id}" in receipt[-1].params["text"]
    assert "A &lt;b&gt;bold&lt;/b&gt; book" in receipt[-1].params["text"]  # escaped for HTML
    assert receipt[-1].params["parse_mode"] == "HTML"
    with committed() as db:
        order = db.scalars(select(Order)).one()
        assert (order.invoice_payload, order.status) == (payload, "fulfilled")
        assert balances(db) == {"clearing:telegram": -250, "revenue": 250}
        assert_books_balance(db)


async def test_a_declined_checkout_leaves_no_money_moved(
    client: httpx.AsyncClient, db_session: Session, telegram: FakeBotApi
) -> None:
    item = ProductFactory(sku="GONE", price=90)
    await hook(client, updates.message(802, "/buy GONE"))
    payload = telegram.calls("sendInvoice")[0].params["payload"]
    item.active = False  # withdrawn between the invoice and the checkout
    db_session.flush()
    await hook(client, updates.pre_checkout(802, payload, 90))
    answer = telegram.calls("answerPreCheckoutQuery")[0].params
    assert answer["ok"] in (False, "false")
    assert answer["error_message"] == "This product is no longer sold."
    order = db_session.scalars(select(Order)).one()
    db_session.refresh(order)
    assert order.status == "declined"
    assert db_session.scalar(select(func.count()).select_from(JournalEntry)) == 0


async def test_a_price_mismatch_at_checkout_is_declined(
    client: httpx.AsyncClient, db_session: Session, telegram: FakeBotApi
) -> None:
    ProductFactory(sku="PEN", price=30)
    await hook(client, updates.message(803, "/buy PEN"))
    payload = telegram.calls("sendInvoice")[0].params["payload"]
    await hook(client, updates.pre_checkout(803, payload, 29))
    assert telegram.calls("answerPreCheckoutQuery")[0].params["ok"] in (False, "false")
    order = db_session.scalars(select(Order)).one()
    db_session.refresh(order)
    assert order.status == "declined"
    await hook(client, updates.pre_checkout(803, payload, 30))  # too late now
    assert telegram.calls("answerPreCheckoutQuery")[1].params["error_message"] == (
        "This order is already declined."
    )


async def test_a_replayed_payment_yields_one_ledger_row(
    client: httpx.AsyncClient, db_session: Session, telegram: FakeBotApi, queue: RecordingQueue
) -> None:
    ProductFactory(sku="CAP", price=60)
    payload, amount = await buy_and_pay(client, telegram, 804, "CAP", "tg-charge-804")
    replay = updates.successful_payment(804, payload, amount, "tg-charge-804")  # a new update_id
    await hook(client, replay)
    assert db_session.scalar(select(func.count()).select_from(Payment)) == 1
    entries = db_session.scalars(select(JournalEntry)).all()
    assert [e.kind for e in entries] == ["telegram-payment"]
    assert db_session.scalar(select(func.count()).select_from(Posting)) == 2
    assert balances(db_session) == {"clearing:telegram": -60, "revenue": 60}
    order_id = db_session.scalars(select(Order.id)).one()
    assert queue.sent == [(FULFIL, (order_id,))]  # fulfilment asked for once
    assert len(telegram.calls("sendMessage")) == 1  # "Payment received", once


async def test_a_second_charge_for_a_paid_order_is_booked_and_refunded(
    client: httpx.AsyncClient, db_session: Session, telegram: FakeBotApi, queue: RecordingQueue
) -> None:
    ProductFactory(sku="HAT", price=70)
    payload, amount = await buy_and_pay(client, telegram, 805, "HAT", "tg-charge-805a")
    await hook(client, updates.successful_payment(805, payload, amount, "tg-charge-805b"))
    statuses = sorted(db_session.scalars(select(Payment.status)))
    assert statuses == ["captured", "duplicate"]
    assert balances(db_session)["revenue"] == 140  # the money did arrive twice
    order_id = db_session.scalars(select(Order.id)).one()
    duplicate = db_session.scalars(select(Payment.id).where(Payment.status == "duplicate")).one()
    assert queue.sent == [(FULFIL, (order_id,)), (REFUND, (duplicate,))]
    assert "already paid" in telegram.calls("sendMessage")[-1].params["text"]
    assert_books_balance(db_session)


async def test_a_payment_for_an_unknown_invoice_is_acknowledged_not_booked(
    client: httpx.AsyncClient, db_session: Session, telegram: FakeBotApi
) -> None:
    await hook(client, updates.successful_payment(806, "order:999:" + "a" * 32, 10, "tg-x"))
    await hook(client, updates.successful_payment(806, "garbage", 10, "tg-y"))
    assert db_session.scalar(select(func.count()).select_from(Payment)) == 0
    assert telegram.calls() == []


async def test_an_admin_refund_goes_through_the_provider_and_the_books(
    live_client: httpx.AsyncClient,
    committed: sessionmaker[Session],
    celery_worker: TestWorkController,
    telegram: FakeBotApi,
    clock: FakeClock,
) -> None:
    ProductFactory(sku="LAMP", price=400)
    await buy_and_pay(live_client, telegram, 807, "LAMP", "tg-charge-807")

    def fulfilled() -> bool:
        with committed() as db:
            return db.scalar(select(Order.status)) == "fulfilled"

    eventually(fulfilled, what="the order to be fulfilled")
    admin: User = UserFactory(admin=True)
    with committed() as db:
        order_id, payment_id = db.execute(select(Payment.order_id, Payment.id)).one()
    refund_url = f"/orders/{order_id}/refund"
    response = await live_client.post(refund_url, headers=bearer(admin, clock))
    assert response.status_code == 202
    assert response.json() == {"status": "refund requested", "payment_id": payment_id}
    (refund,) = eventually(lambda: telegram.calls("refundStarPayment"), what="the refund call")
    assert refund.params["telegram_payment_charge_id"] == "tg-charge-807"
    assert int(refund.params["user_id"]) == 807

    def refunded() -> bool:
        with committed() as db:
            return db.scalar(select(Order.status)) == "refunded"

    eventually(refunded, what="the order to be refunded")
    eventually(
        lambda: [c for c in telegram.calls("sendMessage") if "was refunded" in c.params["text"]],
        what="the refund message",
    )
    with committed() as db:
        assert db.scalar(select(Payment.status)) == "refunded"
        assert balances(db) == {"clearing:telegram": 0, "revenue": 0}
        assert_books_balance(db)
    again = await live_client.post(refund_url, headers=bearer(admin, clock))
    assert again.status_code == 409
