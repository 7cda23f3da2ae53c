"""Bearer tokens: a user id and an expiry, signed with HMAC-SHA256.

``<payload>.<signature>``, both base64url without padding; the payload is the
JSON ``{"sub": <user id>, "exp": <unix seconds>}``. Verification compares the
signature in constant time before it reads the payload, and takes "now" as an
argument: the caller owns the clock, so a test can move it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass

MIN_KEY_BYTES = 32


class TokenError(ValueError):
    """A token that does not authenticate anyone."""


class TokenExpired(TokenError):
    """A genuine token past its expiry."""


@dataclass(frozen=True, slots=True)
class Claims:
    user_id: int
    expires_at: int  # unix seconds


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise TokenError("the token is not base64url") from None


def _sign(key: bytes, payload: str) -> str:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the signing key must have at least {MIN_KEY_BYTES} bytes")
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())


def issue(key: bytes, *, user_id: int, now: int, ttl: int) -> str:
    """A token for ``user_id`` that expires ``ttl`` seconds after ``now``."""
    if ttl <= 0:
        raise ValueError(f"a token's lifetime must be positive, not {ttl}")
    payload = _b64(json.dumps({"sub": user_id, "exp": now + ttl}, separators=(",", ":")).encode())
    return f"{payload}.{_sign(key, payload)}"


def verify(key: bytes, token: str, *, now: int) -> Claims:
    """The claims of a genuine, unexpired token; :class:`TokenError` otherwise."""
    payload, dot, signature = token.partition(".")
    if not dot or not payload or not signature or not token.isascii():
        raise TokenError("the token is not of the form <payload>.<signature>")
    if not hmac.compare_digest(_sign(key, payload), signature):
        raise TokenError("the token's signature does not match")
    raw = _unb64(payload)
    try:
        claims = json.loads(raw)
    except ValueError:
        raise TokenError("the token's payload is not JSON") from None
    if not isinstance(claims, dict):
        raise TokenError("the token's payload is not an object")
    user_id, expires_at = claims.get("sub"), claims.get("exp")
    if not isinstance(user_id, int) or not isinstance(expires_at, int):
        raise TokenError("the token's payload lacks an integer sub and exp")
    if now >= expires_at:
        raise TokenExpired(f"the token expired at {expires_at}")
    return Claims(user_id=user_id, expires_at=expires_at)
