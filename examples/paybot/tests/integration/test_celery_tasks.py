"""The Celery tasks, run by a real worker (celery.contrib.pytest's ``celery_worker``) on Redis.

Why not ``task_always_eager``: eager mode runs a task inside the caller,
synchronously, without the broker. It skips exactly what breaks in
production: the JSON round trip of the arguments (a tuple arrives as a list:
proven below), the separate transaction and connection of the worker
(it sees only committed data), redelivery, and retries scheduled through the
broker (eager mode runs them inline, recursively). These tests send real
messages through Redis to a worker thread, and read the results from the
database the worker committed to.
"""

from __future__ import annotations

from typing import Any

import pytest
from celery import Celery
from celery.contrib.testing.worker import TestWorkController
from pytest_mock import MockerFixture
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from paybot import services, tasks, telegram_api
from paybot.fakebotapi import FakeBotApi
from paybot.models import JournalEntry, Order, Payment, Receipt, User
from tests.factories import ProductFactory, UserFactory

RESULT_TIMEOUT = 90  # seconds; only to stop a hung test


def paid_order(committed: sessionmaker[Session], *, telegram_id: int = 901) -> tuple[int, int]:
    """A product bought and paid through Telegram, committed: (order id, payment id)."""
    item = ProductFactory(price=120)
    with committed.begin() as db:
        buyer = db.get_one(User, UserFactory(telegram_id=telegram_id).id)
        order = services.create_order(db, buyer, item.id, 1)
        outcome = services.record_payment(
            db,
            payload=order.invoice_payload,
            charge_id=f"tg-charge-{telegram_id}",
            provider_charge_id="",
            currency="XTR",
            total_amount=120,
            payer_telegram_id=telegram_id,
        )
    return outcome.order_id, outcome.payment_id


def run(task: Any, *args: int) -> Any:
    """Send the task through Redis and wait for the worker's result."""
    return task.delay(*args).get(timeout=RESULT_TIMEOUT)


def test_fulfilment_and_receipt_happen_once_however_often_they_run(
    committed: sessionmaker[Session], celery_worker: TestWorkController, telegram: FakeBotApi
) -> None:
    order_id, _ = paid_order(committed)
    assert run(tasks.fulfil_order, order_id) == "fulfilled"
    assert run(tasks.fulfil_order, order_id) == "nothing to do"  # a redelivery
    assert run(tasks.send_receipt, order_id) in {"sent", "already sent"}  # races the chained one
    assert run(tasks.send_receipt, order_id) == "already sent"
    with committed() as db:
        assert db.scalar(select(Order.status).where(Order.id == order_id)) == "fulfilled"
        assert db.scalar(select(func.count()).select_from(Receipt)) == 1
    assert len(telegram.calls("sendMessage")) == 1


def test_tasks_for_missing_or_unready_orders_do_nothing(
    committed: sessionmaker[Session], celery_worker: TestWorkController, telegram: FakeBotApi
) -> None:
    assert run(tasks.fulfil_order, 424242) == "nothing to do"
    assert run(tasks.send_receipt, 424242) == "nothing to do"
    assert run(tasks.refund_payment, 424242) == "no such payment"
    assert telegram.calls() == []


def test_a_refund_retries_with_backoff_while_the_provider_times_out(
    committed: sessionmaker[Session],
    celery_worker: TestWorkController,
    telegram: FakeBotApi,
    mocker: MockerFixture,
) -> None:
    order_id, payment_id = paid_order(committed)
    real = telegram_api.refund_star_payment
    failures = iter(
        [telegram_api.ProviderTimeout("timed out"), telegram_api.ProviderTimeout("again")]
    )

    def flaky(*args: Any, **kwargs: Any) -> None:
        failure = next(failures, None)
        if failure is not None:
            raise failure
        real(*args, **kwargs)

    provider = mocker.patch.object(telegram_api, "refund_star_payment", side_effect=flaky)
    retry = mocker.spy(tasks.refund_payment, "retry")
    assert run(tasks.refund_payment, payment_id) == "refunded after 2 retries"
    assert provider.call_count == 3
    # settings: refund_backoff=0.01, doubling: the countdowns asked of the broker, not timed
    assert [call.kwargs["countdown"] for call in retry.call_args_list] == [0.01, 0.02]
    assert len(telegram.calls("refundStarPayment")) == 1  # the two timeouts never reached it
    assert run(tasks.refund_payment, payment_id) == "already refunded"
    with committed() as db:
        assert db.scalar(select(Order.status).where(Order.id == order_id)) == "refunded"
        refunds = db.scalar(select(func.count()).where(JournalEntry.kind == "refund"))
        assert refunds == 1


def test_a_refund_gives_up_after_its_last_retry_and_books_nothing(
    committed: sessionmaker[Session],
    celery_worker: TestWorkController,
    telegram: FakeBotApi,
    mocker: MockerFixture,
) -> None:
    _, payment_id = paid_order(committed)
    provider = mocker.patch.object(
        telegram_api, "refund_star_payment", side_effect=telegram_api.ProviderTimeout("down")
    )
    with pytest.raises(telegram_api.ProviderTimeout, match="down"):
        run(tasks.refund_payment, payment_id)
    assert provider.call_count == 4  # the first try and refund_max_retries=3 retries
    with committed() as db:
        assert db.scalar(select(Payment.status).where(Payment.id == payment_id)) == "captured"
        assert db.scalar(select(func.count()).where(JournalEntry.kind == "refund")) == 0


def test_a_provider_that_cannot_be_reached_is_a_timeout(telegram: FakeBotApi) -> None:
    from paybot import devservers
    from tests.conftest import BOT_TOKEN, TOKEN_KEY

    closed = f"http://127.0.0.1:{devservers.free_port()}"
    unreachable = telegram_api.Settings(
        database_url="", redis_url="", bot_token=BOT_TOKEN, webhook_secret="x",
        token_key=TOKEN_KEY, telegram_api=closed,
    )  # fmt: skip
    with pytest.raises(telegram_api.ProviderTimeout):
        telegram_api.refund_star_payment(unreachable, user_id=1, charge_id="c")


@tasks.celery_app.task(name="tests.kind_of")  # registered before any worker starts
def kind_of(value: object) -> str:
    return type(value).__name__


def test_why_not_eager_arguments_cross_the_broker_as_json(
    celery_app: Celery, celery_worker: TestWorkController
) -> None:
    """A tuple argument is a tuple eagerly, and a list after Redis: eager mode hides that."""
    assert kind_of.apply(args=((1, 2),)).get() == "tuple"  # what eager mode does
    assert kind_of.delay((1, 2)).get(timeout=RESULT_TIMEOUT) == "list"  # the real path
