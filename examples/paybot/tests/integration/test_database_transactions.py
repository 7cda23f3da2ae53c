"""ACID: concurrent spends, rollback mid-transfer, isolation, constraints, migrations.

The concurrent test interleaves two real connections deterministically: the
first spends and holds its transaction open; the second is started and the
test waits until PostgreSQL reports it blocked on a lock (or finished, which
is what happens without ``FOR UPDATE``); then the first commits. Nothing
depends on timing: the waits are on states, bounded only to stop a hang.
"""

from __future__ import annotations

import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pytest_mock import MockerFixture
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from paybot import db as paybot_db
from paybot import devservers, ledger_store, migrate, services
from paybot.domain.ledger import InsufficientFunds, LedgerError, transfer
from paybot.domain.money import Money
from paybot.models import Account, Base, JournalEntry, Order, Posting, User
from tests.factories import ProductFactory, UserFactory

HANG_GUARD = 90.0  # seconds


def wallet_with_two_orders(committed: sessionmaker[Session]) -> tuple[int, int, int]:
    """A user whose wallet holds 100, and two pending orders of 100 each (committed)."""
    item = ProductFactory(price=100)
    with committed.begin() as db:
        user = db.get_one(User, UserFactory().id)
        services.credit_wallet(db, user.id, Money(100, "XTR"), idempotency_key="seed-0001")
        ledger_store.ensure_accounts(db, ["revenue"], "XTR")  # as in any shop that sold before
        first = services.create_order(db, user, item.id, 1).id
        second = services.create_order(db, user, item.id, 1).id
        return user.id, first, second


def blocked_or_done(monitor: Session, pid: int, thread: threading.Thread) -> bool:
    if not thread.is_alive():
        return True
    waiting = monitor.scalar(
        text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
    )
    monitor.rollback()  # a fresh snapshot of pg_stat_activity next time
    return waiting == "Lock"


def test_two_connections_spend_one_balance_and_exactly_one_succeeds(
    committed: sessionmaker[Session],
) -> None:
    user_id, first, second = wallet_with_two_orders(committed)
    outcomes: dict[str, str] = {}
    with committed() as a, committed() as b, committed() as monitor:
        services.pay_from_wallet(a, first, a.get_one(User, user_id))  # a holds its locks
        outcomes["a"] = "paid"
        b_pid = b.scalar(text("SELECT pg_backend_pid()"))

        def spend() -> None:
            try:
                services.pay_from_wallet(b, second, b.get_one(User, user_id))
                b.commit()
                outcomes["b"] = "paid"
            except InsufficientFunds:
                b.rollback()
                outcomes["b"] = "refused"

        racer = threading.Thread(target=spend)
        racer.start()
        deadline = time.monotonic() + HANG_GUARD
        while not blocked_or_done(monitor, b_pid, racer):
            assert time.monotonic() < deadline, "the second spend neither blocked nor finished"
            time.sleep(0.01)
        a.commit()
        racer.join(HANG_GUARD)
        assert not racer.is_alive()
    assert sorted(outcomes.values()) == ["paid", "refused"]
    with committed() as db:
        wallet = db.scalars(select(Account).where(Account.code == f"wallet:{user_id}")).one()
        spent = db.scalar(select(func.sum(Posting.amount)).where(Posting.account_id == wallet.id))
        assert (wallet.balance, spent) == (0, 0)  # the balance is what the postings say
        statuses = sorted(db.scalars(select(Order.status).where(Order.user_id == user_id)))
        assert statuses == ["paid", "pending"]


def test_a_transfer_that_fails_midway_leaves_no_partial_rows(
    committed: sessionmaker[Session], mocker: MockerFixture
) -> None:
    user_id, first, _ = wallet_with_two_orders(committed)
    with committed() as db:
        before = db.scalar(select(func.count()).select_from(JournalEntry))
        # the entry row is written, then the worker dies before the postings
        mocker.patch.object(ledger_store, "lock_accounts", side_effect=ConnectionError("gone"))
        with pytest.raises(ConnectionError):
            services.pay_from_wallet(db, first, db.get_one(User, user_id))
        db.rollback()
        assert db.scalar(select(func.count()).select_from(JournalEntry)) == before
        assert db.scalar(select(Order.status).where(Order.id == first)) == "pending"
        assert ledger_store.balance(db, f"wallet:{user_id}") == 100


def test_the_isolation_level_is_read_committed(engine: Engine, db_session: Session) -> None:
    with engine.connect() as connection:
        level = connection.scalar(text("SHOW transaction_isolation"))
    assert level == "read committed"
    assert db_session.scalar(text("SHOW transaction_isolation")) == "read committed"


def test_a_wallet_cannot_be_set_below_zero_by_any_writer(db_session: Session) -> None:
    user = UserFactory()
    ledger_store.ensure_accounts(db_session, [f"wallet:{user.id}"], "XTR")
    with pytest.raises(IntegrityError, match="ck_accounts_wallet_not_negative"):
        db_session.execute(update(Account).values(balance=-1))


def test_an_unbalanced_entry_cannot_commit(db_session: Session) -> None:
    ledger_store.ensure_accounts(db_session, ["revenue"], "XTR")
    entry = JournalEntry(reference="broken-1", kind="manual")
    db_session.add(entry)
    db_session.flush()
    revenue = db_session.scalars(select(Account)).one()
    db_session.add(Posting(entry_id=entry.id, account_id=revenue.id, amount=5))
    db_session.flush()
    with pytest.raises(IntegrityError, match="is unbalanced: its postings sum to 5"):
        db_session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # what COMMIT would check


@pytest.mark.parametrize(
    ("statement", "constraint"),
    [
        ("UPDATE orders SET quantity = 0", "ck_orders_quantity_range"),
        ("UPDATE orders SET status = 'lost'", "ck_orders_status"),
        ("UPDATE products SET price = 0", "ck_products_price_positive"),
        ("UPDATE users SET role = 'root'", "ck_users_role"),
        ("INSERT INTO orders (user_id, product_id, quantity, amount, currency, invoice_payload)"
         " SELECT user_id, product_id, 1, 1, 'XTR', invoice_payload FROM orders",
         "uq_orders_invoice_payload"),
    ],
)  # fmt: skip
def test_the_schema_refuses_impossible_rows(
    db_session: Session, statement: str, constraint: str
) -> None:
    services.create_order(db_session, UserFactory(), ProductFactory().id, 1)
    with pytest.raises(IntegrityError, match=constraint):
        db_session.execute(text(statement))


def test_a_journal_reference_posts_once(db_session: Session) -> None:
    moves = transfer("funding", "wallet:1", 10)
    UserFactory(id=1)
    assert ledger_store.post(db_session, reference="r-1", kind="k", postings=moves, currency="XTR")
    assert (
        ledger_store.post(db_session, reference="r-1", kind="k", postings=moves, currency="XTR")
        is None
    )
    assert ledger_store.balance(db_session, "wallet:1") == 10
    with pytest.raises(LedgerError, match="no such account"):
        ledger_store.account_kind("bank")


def test_the_migrations_build_exactly_the_models_and_come_down_again(
    postgres_server: devservers.Postgres,
) -> None:
    name = "paybot_migrations_check"
    url = postgres_server.create_database(name)
    try:
        migrate.upgrade(url)
        engine = paybot_db.make_engine(url)
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert differences == []
        migrate.downgrade(url)
        with engine.connect() as connection:
            tables = connection.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).all()
        assert tables == ["alembic_version"]
        engine.dispose()
    finally:
        postgres_server.drop_database(name)
