"""Bearer tokens: signed, expiring, and refused whenever anything about them is off."""

from __future__ import annotations

import base64

import pytest

from paybot.domain import tokens
from paybot.domain.tokens import Claims, TokenError, TokenExpired, issue, verify

KEY = b"k" * 32
NOW = 1_800_000_000


def test_a_token_names_its_user_until_it_expires() -> None:
    token = issue(KEY, user_id=42, now=NOW, ttl=600)
    assert verify(KEY, token, now=NOW) == Claims(user_id=42, expires_at=NOW + 600)
    assert verify(KEY, token, now=NOW + 599).user_id == 42
    with pytest.raises(TokenExpired, match="expired"):
        verify(KEY, token, now=NOW + 600)


def test_another_key_or_a_changed_payload_is_refused() -> None:
    token = issue(KEY, user_id=42, now=NOW, ttl=600)
    with pytest.raises(TokenError, match="signature does not match"):
        verify(b"x" * 32, token, now=NOW)
    forged = base64.urlsafe_b64encode(b'{"sub":1,"exp":9999999999}').rstrip(b"=").decode()
    with pytest.raises(TokenError, match="signature does not match"):
        verify(KEY, forged + "." + token.split(".")[1], now=NOW)


@pytest.mark.parametrize("token", ["", "abc", ".sig", "payload.", "é.é"])
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(TokenError, match="not of the form"):
        verify(KEY, token, now=NOW)


def _signed(payload: bytes) -> str:
    """A token over an arbitrary payload, correctly signed: only the payload check can refuse it."""
    body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    return f"{body}.{tokens._sign(KEY, body)}"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"not json", "not JSON"),
        (b"[1, 2]", "not an object"),
        (b'{"sub": "1", "exp": 1}', "integer sub and exp"),
        (b'{"exp": 1}', "integer sub and exp"),
    ],
)
def test_signed_but_meaningless_payloads_are_refused(payload: bytes, message: str) -> None:
    with pytest.raises(TokenError, match=message):
        verify(KEY, _signed(payload), now=NOW)


def test_a_payload_that_is_not_base64_is_refused() -> None:
    with pytest.raises(TokenError, match="not base64url"):
        verify(KEY, f"a!b.{tokens._sign(KEY, 'a!b')}", now=NOW)


def test_weak_keys_and_lifetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        issue(b"short", user_id=1, now=NOW, ttl=1)
    with pytest.raises(ValueError, match="lifetime must be positive"):
        issue(KEY, user_id=1, now=NOW, ttl=0)
