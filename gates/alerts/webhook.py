"""The opt-in webhooks: one POST of JSON to a URL taken from the environment (network).

The URL and the token are read from environment variables the policy names;
neither is ever printed, logged or put in an error: a failure says the
variable's name and what went wrong (an HTTP status, "connection refused"),
with the URL and the token scrubbed from any text that could hold them. Only
``http`` and ``https`` URLs are sent to, and a redirect is never followed: urllib
would resend a POST as a GET without its body, with the ``Authorization`` header,
to whatever host the reply names; a 3xx is a failed delivery instead.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from gates.untrusted.safetext import one_line

__all__ = ["Delivery", "post"]

TIMEOUT: Final = 10.0


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse every redirect: the reply's 3xx reaches :func:`post` as an HTTPError."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER: Final = urllib.request.build_opener(_NoRedirect)


@dataclass(frozen=True, slots=True)
class Delivery:
    """A webhook sink: its name (``slack:ENV`` or ``webhook:ENV``), and the variables to read."""

    sink: str
    url_variable: str
    token_variable: str = ""


def _scrub(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return one_line(text, 300)


def post(delivery: Delivery, body: bytes, env: Mapping[str, str]) -> str:
    """POST ``body``; "" when delivered, else why not (nothing secret in it)."""
    url = env.get(delivery.url_variable, "")
    token = env.get(delivery.token_variable, "") if delivery.token_variable else ""
    if not url:
        return f"${delivery.url_variable} is not set"
    if not url.startswith(("http://", "https://")):
        return f"${delivery.url_variable} is not an http(s) URL"
    headers = {"Content-Type": "application/json", "User-Agent": "gates-alerts"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked above
    try:
        # urllib's HTTPErrorProcessor raises HTTPError for every status outside 2xx
        with _OPENER.open(request, timeout=TIMEOUT):
            pass
    except urllib.error.HTTPError as error:
        moved = " (a redirect, not followed)" if 300 <= error.code < 400 else ""
        return f"HTTP {error.code}{moved} from ${delivery.url_variable}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return _scrub(f"cannot reach ${delivery.url_variable}: {reason}", (url, token))
    return ""
