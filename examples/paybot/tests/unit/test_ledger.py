"""The books balance: every entry sums to zero, and no wallet goes below zero."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paybot.domain.ledger import (
    SYSTEM_ACCOUNTS,
    AccountKind,
    InsufficientFunds,
    LedgerError,
    Posting,
    apply,
    check_balanced,
    transfer,
    wallet_code,
)

KINDS = {**SYSTEM_ACCOUNTS, "wallet:1": AccountKind.WALLET, "wallet:2": AccountKind.WALLET}


def test_a_transfer_is_two_postings_that_cancel_out() -> None:
    out, into = transfer("wallet:1", "revenue", 30)
    assert (out, into) == (Posting("wallet:1", -30), Posting("revenue", 30))
    assert check_balanced([out, into]) == (out, into)
    assert wallet_code(7) == "wallet:7"


@pytest.mark.parametrize("amount", [0, -1, 1.0, True])
def test_a_transfer_moves_a_positive_whole_amount(amount: object) -> None:
    with pytest.raises(LedgerError, match="positive whole amount"):
        transfer("wallet:1", "revenue", amount)  # type: ignore[arg-type]


def test_a_transfer_needs_two_accounts() -> None:
    with pytest.raises(LedgerError, match="needs two accounts"):
        transfer("revenue", "revenue", 1)


@pytest.mark.parametrize(
    ("postings", "message"),
    [
        ([Posting("a", 5)], "at least two postings"),
        ([Posting("a", 5), Posting("b", -4)], "sum to 1, not 0"),
        ([Posting("a", 0), Posting("b", 0)], "zero moves nothing"),
    ],
)
def test_unbalanced_entries_are_refused(postings: list[Posting], message: str) -> None:
    with pytest.raises(LedgerError, match=message):
        check_balanced(postings)


def test_a_wallet_cannot_go_below_zero_but_system_accounts_can() -> None:
    balances = {"wallet:1": 100, "revenue": 0}
    after = apply(balances, transfer("wallet:1", "revenue", 100), KINDS)
    assert after == {"wallet:1": 0, "revenue": 100}
    with pytest.raises(InsufficientFunds, match="wallet:1 holds 0, 1 needed"):
        apply(after, transfer("wallet:1", "revenue", 1), KINDS)
    refunded = apply(after, transfer("clearing:telegram", "wallet:2", 5), KINDS)
    assert refunded["clearing:telegram"] == -5  # a system account may run negative


@given(
    st.lists(
        st.tuples(
            st.sampled_from(sorted(KINDS)), st.sampled_from(sorted(KINDS)), st.integers(1, 10**6)
        ),
        max_size=30,
    )
)
def test_the_books_always_sum_to_zero(moves: list[tuple[str, str, int]]) -> None:
    balances: dict[str, int] = {}
    for source, destination, amount in moves:
        if source == destination:
            continue
        try:
            balances = apply(balances, transfer(source, destination, amount), KINDS)
        except InsufficientFunds:
            continue
    assert sum(balances.values()) == 0
    assert all(
        balances.get(code, 0) >= 0 for code, kind in KINDS.items() if kind is AccountKind.WALLET
    )
