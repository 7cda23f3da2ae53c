"""The ledger in PostgreSQL: a journal entry posts once, under row locks, or not at all.

:func:`post` is the only writer of ``postings`` and ``accounts.balance``:

1. the entry's ``reference`` is inserted ``ON CONFLICT DO NOTHING``: a
   reference seen before means the entry was already posted (idempotency);
2. the accounts are locked with ``SELECT … FOR UPDATE`` in id order (the same
   order in every transaction, so two transfers cannot deadlock), and their
   balances read *after* the lock is granted;
3. the new balances are computed by :func:`paybot.domain.ledger.apply`, which
   refuses to take a wallet below zero;
4. the postings are inserted and the balances written.

Without the lock in step 2, two transactions at READ COMMITTED could both
read a wallet's balance of 100, both spend it, and the second write would
overwrite the first (a lost update): tests/integration/test_database_transactions.py
proves that exactly one of two concurrent spends succeeds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from paybot.domain import ledger
from paybot.models import Account, JournalEntry, Posting


def account_kind(code: str) -> ledger.AccountKind:
    """The kind of an account, from its code."""
    if code.startswith("wallet:"):
        return ledger.AccountKind.WALLET
    try:
        return ledger.SYSTEM_ACCOUNTS[code]
    except KeyError:
        raise ledger.LedgerError(f"no such account: {code!r}") from None


def ensure_accounts(session: Session, codes: Iterable[str], currency: str) -> None:
    """Create the accounts that do not exist yet (concurrent creators agree: ON CONFLICT).

    Existing accounts are not touched here, not even by an ``INSERT … ON CONFLICT``
    (which would wait on a row another transaction is updating): the lock that
    serialises spends is :func:`lock_accounts`' ``FOR UPDATE``, and only that.
    """
    wanted = sorted(set(codes))
    existing = set(session.scalars(select(Account.code).where(Account.code.in_(wanted))))
    rows = [
        {"code": code, "kind": account_kind(code).value, "currency": currency}
        for code in wanted
        if code not in existing
    ]
    if rows:
        session.execute(
            insert(Account).values(rows).on_conflict_do_nothing(index_elements=["code"])
        )


def lock_accounts(session: Session, codes: Iterable[str]) -> dict[str, Account]:
    """The accounts, locked for this transaction, with their committed balances."""
    query = (
        select(Account)
        .where(Account.code.in_(sorted(set(codes))))
        .order_by(Account.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {account.code: account for account in session.scalars(query)}


def balance(session: Session, code: str) -> int:
    """An account's balance (0 for an account that was never used)."""
    found = session.scalar(select(Account.balance).where(Account.code == code))
    return found or 0


def post(
    session: Session,
    *,
    reference: str,
    kind: str,
    postings: Sequence[ledger.Posting],
    currency: str,
) -> int | None:
    """Post one balanced entry; its id, or None when ``reference`` was posted before."""
    lines = ledger.check_balanced(postings)
    entry_id: int | None = session.scalar(
        insert(JournalEntry)
        .values(reference=reference, kind=kind)
        .on_conflict_do_nothing(index_elements=["reference"])
        .returning(JournalEntry.id)
    )
    if entry_id is None:
        return None
    codes = [line.account for line in lines]
    ensure_accounts(session, codes, currency)
    accounts = lock_accounts(session, codes)
    kinds = {code: account_kind(code) for code in codes}
    after = ledger.apply({code: accounts[code].balance for code in codes}, lines, kinds)
    for line in lines:
        session.add(
            Posting(entry_id=entry_id, account_id=accounts[line.account].id, amount=line.amount)
        )
    for code, value in after.items():
        accounts[code].balance = value  # read under the lock, so no update is lost
    session.flush()
    return entry_id
