"""Double-entry bookkeeping: every journal entry's postings sum to zero.

An account's balance is the sum of its postings. Money moves from one account
to another as a pair of postings, ``-amount`` on the source and ``+amount`` on
the destination, so the books always balance. Wallet accounts (a user's
stored value) may never go below zero; the system accounts may.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class LedgerError(ValueError):
    """A journal entry that would break the books."""


class InsufficientFunds(LedgerError):
    """A wallet would go below zero."""


class AccountKind(StrEnum):
    """What an account holds; only wallets must stay at or above zero."""

    WALLET = "wallet"  # a user's stored value
    REVENUE = "revenue"  # what paybot earned
    CLEARING = "clearing"  # money in transit with the payment provider (Telegram)
    FUNDING = "funding"  # where credited wallet money comes from


def wallet_code(user_id: int) -> str:
    """The account code of a user's wallet."""
    return f"wallet:{user_id}"


SYSTEM_ACCOUNTS: Mapping[str, AccountKind] = {
    "revenue": AccountKind.REVENUE,
    "clearing:telegram": AccountKind.CLEARING,
    "funding": AccountKind.FUNDING,
}


@dataclass(frozen=True, slots=True)
class Posting:
    """One line of a journal entry: a signed amount on one account."""

    account: str
    amount: int


def transfer(source: str, destination: str, amount: int) -> tuple[Posting, Posting]:
    """The two postings that move ``amount`` from ``source`` to ``destination``."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise LedgerError(f"a transfer moves a positive whole amount, not {amount!r}")
    if source == destination:
        raise LedgerError(f"a transfer needs two accounts, not {source!r} twice")
    return Posting(source, -amount), Posting(destination, amount)


def check_balanced(postings: Iterable[Posting]) -> tuple[Posting, ...]:
    """The postings of one entry, if they balance; else :class:`LedgerError`."""
    lines = tuple(postings)
    if len(lines) < 2:
        raise LedgerError(f"an entry needs at least two postings, not {len(lines)}")
    if any(line.amount == 0 for line in lines):
        raise LedgerError("a posting of zero moves nothing")
    total = sum(line.amount for line in lines)
    if total != 0:
        raise LedgerError(f"the postings sum to {total}, not 0")
    return lines


def apply(
    balances: Mapping[str, int], postings: Iterable[Posting], kinds: Mapping[str, AccountKind]
) -> dict[str, int]:
    """The balances after a balanced entry; a wallet that would go below zero refuses it."""
    after = dict(balances)
    for line in check_balanced(postings):
        after[line.account] = after.get(line.account, 0) + line.amount
    for account, balance in after.items():
        if kinds.get(account) is AccountKind.WALLET and balance < 0:
            raise InsufficientFunds(
                f"{account} holds {balances.get(account, 0)}, "
                f"{balances.get(account, 0) - balance} needed"
            )
    return after
