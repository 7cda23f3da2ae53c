"""The initial schema: users, products, orders, payments, the ledger, processed updates, receipts.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Every journal entry's postings sum to zero, checked when the transaction commits
# (deferred), so the postings of one entry can be inserted one by one.
BALANCED = """
CREATE FUNCTION check_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE total bigint;
BEGIN
    SELECT COALESCE(SUM(amount), 0) INTO total FROM postings WHERE entry_id = NEW.entry_id;
    IF total <> 0 THEN
        RAISE EXCEPTION 'journal entry % is unbalanced: its postings sum to %', NEW.entry_id, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER postings_balanced AFTER INSERT OR UPDATE ON postings
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_entry_balanced();
"""


def _now() -> sa.Column[datetime]:
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
    )


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), server_default="customer", nullable=False),
        sa.Column("telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("api_key_hash", sa.String(64), nullable=False),
        _now(),
        sa.CheckConstraint("role IN ('customer', 'admin')", name=op.f("ck_users_role")),
        sa.UniqueConstraint("telegram_id", name=op.f("uq_users_telegram_id")),
        sa.UniqueConstraint("api_key_hash", name=op.f("uq_users_api_key_hash")),
    )
    op.create_table(
        "products",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("sku", sa.String(32), nullable=False),
        sa.Column("title", sa.String(64), nullable=False),
        sa.Column("description", sa.String(255), server_default="", nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="true", nullable=False),
        sa.CheckConstraint("price > 0", name=op.f("ck_products_price_positive")),
        sa.UniqueConstraint("sku", name=op.f("uq_products_sku")),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("product_id", sa.BigInteger(), sa.ForeignKey("products.id"), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), server_default="pending", nullable=False),
        sa.Column("invoice_payload", sa.String(128), nullable=False),
        _now(),
        sa.CheckConstraint("quantity BETWEEN 1 AND 100", name=op.f("ck_orders_quantity_range")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_orders_amount_positive")),
        sa.CheckConstraint(
            "status IN ('pending', 'paid', 'fulfilled', 'refunded', 'declined', 'cancelled')",
            name=op.f("ck_orders_status"),
        ),
        sa.UniqueConstraint("invoice_payload", name=op.f("uq_orders_invoice_payload")),
    )
    op.create_index(op.f("ix_orders_user_id"), "orders", ["user_id"])
    op.create_table(
        "payments",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("order_id", sa.BigInteger(), sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("telegram_payment_charge_id", sa.String(255), nullable=False),
        sa.Column("provider_payment_charge_id", sa.String(255), server_default="", nullable=False),
        sa.Column("payer_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.String(16), server_default="captured", nullable=False),
        _now(),
        sa.CheckConstraint(
            "status IN ('captured', 'duplicate', 'refunded')", name=op.f("ck_payments_status")
        ),
        sa.UniqueConstraint(
            "telegram_payment_charge_id", name=op.f("uq_payments_telegram_payment_charge_id")
        ),
    )
    op.create_index(op.f("ix_payments_order_id"), "payments", ["order_id"])
    op.create_table(
        "accounts",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("balance", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "kind <> 'wallet' OR balance >= 0", name=op.f("ck_accounts_wallet_not_negative")
        ),
        sa.UniqueConstraint("code", name=op.f("uq_accounts_code")),
    )
    op.create_table(
        "journal_entries",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("reference", sa.String(160), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        _now(),
        sa.UniqueConstraint("reference", name=op.f("uq_journal_entries_reference")),
    )
    op.create_table(
        "postings",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("entry_id", sa.BigInteger(), sa.ForeignKey("journal_entries.id"), nullable=False),
        sa.Column("account_id", sa.BigInteger(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount <> 0", name=op.f("ck_postings_amount_not_zero")),
    )
    op.create_index(op.f("ix_postings_entry_id"), "postings", ["entry_id"])
    op.create_index(op.f("ix_postings_account_id"), "postings", ["account_id"])
    op.execute(BALANCED)
    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column(
            "received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
    )
    op.create_table(
        "receipts",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("order_id", sa.BigInteger(), sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "sent_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.UniqueConstraint("order_id", name=op.f("uq_receipts_order_id")),
    )


def downgrade() -> None:
    for table in ("receipts", "processed_updates", "postings"):
        op.drop_table(table)
    op.execute("DROP FUNCTION check_entry_balanced()")
    for table in ("journal_entries", "accounts", "payments", "orders", "products", "users"):
        op.drop_table(table)
