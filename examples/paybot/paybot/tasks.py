"""The Celery workers' tasks: fulfilment, receipts, refunds. Each is idempotent.

A task may run twice (a redelivery after a worker died: ``task_acks_late``),
so each one checks the database under a row lock before it acts: an order
already fulfilled is not fulfilled again, a receipt already sent (a row in
``receipts``) is not sent again, a refund already booked (the unique journal
reference ``refund:<payment id>``) is not booked again.

The refund asks the payment provider (Telegram's ``refundStarPayment``); when
the provider times out, the task retries with exponential backoff
(:func:`paybot.domain.retry.backoff`), up to ``refund_max_retries`` times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from celery import Celery, Task
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from paybot import db, queue, services, telegram_api
from paybot.domain.money import Money
from paybot.domain.receipts import receipt_text, refund_text
from paybot.domain.retry import backoff
from paybot.models import Order, Payment, Product, Receipt, User
from paybot.settings import Settings, from_env

celery_app = Celery("paybot")
celery_app.conf.update(
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    task_acks_late=True,  # a task whose worker died is delivered again: tasks are idempotent
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
    task_default_queue="paybot",
)


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    sessions: sessionmaker[Session]


_runtime: list[Runtime] = []


def configure(settings: Settings, *, engine: Engine | None = None) -> Runtime:
    """Point the workers (and the senders) at the settings' Redis and database."""
    celery_app.conf.update(broker_url=settings.redis_url, result_backend=settings.redis_url)
    runtime = Runtime(settings, db.make_sessions(engine or db.make_engine(settings.database_url)))
    _runtime[:] = [runtime]
    return runtime


def runtime() -> Runtime:
    """The workers' settings and sessions; from the environment on first use."""
    if not _runtime:
        configure(from_env())
    return _runtime[0]


@celery_app.task(name=queue.FULFIL)
def fulfil_order(order_id: int) -> str:
    """Fulfil a paid order, then have its receipt sent."""
    with runtime().sessions.begin() as session:
        changed = services.fulfil(session, order_id)
    if not changed:
        return "nothing to do"
    celery_app.send_task(queue.RECEIPT, args=[order_id])
    return "fulfilled"


@celery_app.task(name=queue.RECEIPT)
def send_receipt(order_id: int) -> str:
    """Send the buyer the receipt of a fulfilled order, once."""
    settings = runtime().settings
    with runtime().sessions.begin() as session:
        order = session.scalar(select(Order).where(Order.id == order_id).with_for_update())
        if order is None or order.status != "fulfilled":
            return "nothing to do"
        if session.scalar(select(Receipt.id).where(Receipt.order_id == order_id)) is not None:
            return "already sent"
        buyer = session.get_one(User, order.user_id)
        if buyer.telegram_id is None:
            return "no chat"
        payment = session.scalar(select(Payment).where(Payment.order_id == order_id))
        item = session.get_one(Product, order.product_id)
        text = receipt_text(
            order_id=order.id,
            title=item.title,
            quantity=order.quantity,
            total=Money(order.amount, order.currency),
            charge_id=payment.telegram_payment_charge_id if payment else "wallet",
        )
        telegram_api.send_message(settings, buyer.telegram_id, text)
        session.add(Receipt(order_id=order_id, chat_id=buyer.telegram_id))
    return "sent"


@celery_app.task(name=queue.REFUND, bind=True)
def refund_payment(self: Task[Any, Any], payment_id: int) -> str:
    """Refund a payment through the provider, retrying with backoff when it times out."""
    settings = runtime().settings
    with runtime().sessions() as session:
        payment = session.get(Payment, payment_id)
        if payment is None:
            return "no such payment"
        if payment.status == "refunded":
            return "already refunded"
        payer, charge, order_id = (
            payment.payer_telegram_id,
            payment.telegram_payment_charge_id,
            payment.order_id,
        )
        total = Money(payment.amount, payment.currency)
    try:
        telegram_api.refund_star_payment(settings, user_id=payer, charge_id=charge)
    except telegram_api.ProviderTimeout as error:
        countdown = backoff(
            self.request.retries, base=settings.refund_backoff, cap=settings.refund_backoff_cap
        )
        raise self.retry(
            exc=error, countdown=countdown, max_retries=settings.refund_max_retries
        ) from error
    with runtime().sessions.begin() as session:
        booked = services.book_refund(session, payment_id)
    if booked:
        telegram_api.send_message(settings, payer, refund_text(order_id=order_id, total=total))
    return f"refunded after {self.request.retries} retries" if booked else "already refunded"
