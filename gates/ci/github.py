"""The GitHub REST API, as much as gates needs: the client.

Standard library only (``urllib.request``): seven endpoints do not justify a
dependency in the job that holds a write token, and every byte that goes out
or comes in is visible here (and in :mod:`gates.ci.github_pulls`, which asks
about the pull request, and :mod:`gates.ci.github_comment`, which posts the
sticky comment).

* **The token** goes in the ``Authorization`` header and nowhere else: never
  in a URL, a message or an error. Anything a server answers is redacted of
  it before gates shows it. It is sent only to the configured API: redirects
  are refused, a ``Link`` to another origin is refused, and plain ``http://``
  is allowed only to the loopback address (the tests' fake API).
* **Rate limits**: a 403 or 429 with ``x-ratelimit-remaining: 0`` waits for
  ``x-ratelimit-reset``, one with ``retry-after`` waits that long, a
  secondary limit without either waits a minute; all waiting together is
  bounded by ``max_wait`` seconds, beyond which the request fails with the
  time the limit resets. 5xx answers and network errors are retried twice.
* **Errors** are :class:`gates.errors.ApiError` (exit 5) with the status, what
  GitHub said, and the next step: 401 bad token, 403 no permission (a fork's
  read-only token), 404 no such repository or pull request, 422 refused.
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Final
from urllib.parse import urlsplit

from gates import __version__
from gates.errors import ApiError, UsageError
from gates.untrusted.safetext import one_line

__all__ = [
    "DEFAULT_API",
    "Client",
    "check_repo",
    "check_token",
]

DEFAULT_API: Final = "https://api.github.com"
API_VERSION: Final = "2022-11-28"
PER_PAGE: Final = 100
MAX_PAGES: Final = 100  # 10,000 comments
MAX_RESPONSE: Final = 8 * 1024 * 1024
RETRIES: Final = 2  # for 5xx answers and network errors
SECONDARY_WAIT: Final = 60.0  # GitHub: "wait at least one minute" after a secondary rate limit
_LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})
_REPO: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")
_NEXT: Final = re.compile(r'<([^>]+)>\s*;\s*rel="next"')
_TOKEN: Final = re.compile(r"[\x21-\x7e]{1,1024}")


def check_token(token: str, *, source: str) -> str:
    """The token, if it can go into a header; the error never quotes it."""
    if not token:
        raise UsageError(
            f"no token: ${source} is empty or not set",
            slug="github-token",
            hint=f"pass the job's token: `env: {source}: ${{{{ github.token }}}}`",
        )
    if not _TOKEN.fullmatch(token):
        raise UsageError(
            f"the token in ${source} holds spaces, line breaks or other characters no token has",
            slug="github-token",
            hint=f"set ${source} to the token alone, without quotes or a trailing newline",
        )
    return token


def check_repo(repo: str) -> str:
    """``owner/name``, refusing anything that could change the API path."""
    if not _REPO.fullmatch(repo) or ".." in repo:
        raise UsageError(
            f"{one_line(repo, 200)!r} is not a repository name (owner/name)",
            slug="usage",
            hint="pass --repo owner/name (default: $GITHUB_REPOSITORY)",
        )
    return repo


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would carry the request (and its token) elsewhere: refuse it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        del args, kwargs


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    headers: Message
    data: object


class Client:
    """Requests to one GitHub API with one token; waits and retries within bounds."""

    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        max_wait: float = 60.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.api = _api_url(api_url)
        self._token = token
        self._left = max(0.0, max_wait)
        self._timeout = timeout
        self._sleep = sleep
        self._clock = clock
        handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
        if urlsplit(self.api).hostname in _LOOPBACK:
            handlers.append(urllib.request.ProxyHandler({}))  # the fake API is never behind a proxy
        self._opener = urllib.request.build_opener(*handlers)

    # ------------------------------------------------------------ requests

    def request(self, method: str, url: str, body: Mapping[str, object] | None = None) -> _Answer:
        """``method url`` with the token; the parsed JSON answer of a 2xx status."""
        attempt = 0
        while True:
            status, headers, raw = self._send(method, url, body)
            if 200 <= status < 300:
                return _Answer(status, headers, self._json(raw, url))
            wait = _rate_limit_wait(status, headers, raw, now=self._clock())
            if wait is not None:
                wait = max(wait, 1.0)  # never spin: every retry spends from the budget
                self._wait(wait, self._limited(status, headers, raw, wait))
                continue
            if (status >= 500 or status == 0) and attempt < RETRIES:
                attempt += 1
                self._wait(min(2.0**attempt, 10.0), None)
                continue
            raise self._error(method, url, status, raw)

    def pages(self, path: str) -> Iterator[list[object]]:
        """Every page of a list endpoint, following ``Link: <...>; rel="next"``."""
        url: str | None = f"{self.api}{path}?per_page={PER_PAGE}"
        for _ in range(MAX_PAGES):
            if url is None:
                return
            answer = self.request("GET", url)
            if not isinstance(answer.data, list):
                raise self._unexpected(url, "a list")
            yield answer.data
            url = self._next(answer.headers)
        raise ApiError(
            f"{path} has more than {MAX_PAGES} pages of {PER_PAGE}",
            slug="github-response",
            hint="delete old comments, or post the verdict elsewhere (the job summary has it)",
        )

    def _send(
        self, method: str, url: str, body: Mapping[str, object] | None
    ) -> tuple[int, Message, bytes]:
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - https, or http to loopback only
        request.add_unredirected_header("Authorization", f"Bearer {self._token}")
        request.add_header("Accept", "application/vnd.github+json")
        request.add_header("X-GitHub-Api-Version", API_VERSION)
        request.add_header("User-Agent", f"gates/{__version__}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                return response.status, response.headers, _read(response)
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, _read(error)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            reason = getattr(error, "reason", error)
            return 0, Message(), self._redact(f"{type(error).__name__}: {reason}").encode()

    def _wait(self, seconds: float, refusal: ApiError | None) -> None:
        if seconds > self._left:
            if refusal is not None:
                raise refusal
            return
        self._left -= seconds
        self._sleep(seconds)

    def _next(self, headers: Message) -> str | None:
        match = _NEXT.search(headers.get("Link", ""))
        if match is None:
            return None
        url = match.group(1)
        api, there = urlsplit(self.api), urlsplit(url)
        if (there.scheme, there.netloc) != (api.scheme, api.netloc) or not there.path.startswith(
            api.path
        ):
            raise ApiError(
                f"the next page is at another address ({one_line(self._redact(url), 200)}); "
                "the token is sent only to the configured API",
                slug="github-response",
                hint="check GITHUB_API_URL",
            )
        return url

    # ------------------------------------------------------------ answers

    def _json(self, raw: bytes, url: str) -> object:
        if not raw.strip():
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise self._unexpected(url, "JSON") from None

    def _unexpected(self, url: str, expected: str) -> ApiError:
        return ApiError(
            f"{self._where(url)} answered with something other than {expected}",
            slug="github-response",
            hint="check GITHUB_API_URL: it should be the REST API (https://api.github.com)",
        )

    def _said(self, raw: bytes) -> str:
        """What the server said (its JSON ``message``, else the start of the body), redacted."""
        try:
            data = json.loads(raw.decode("utf-8"))
            text = str(data.get("message", "")) if isinstance(data, dict) else ""
        except (UnicodeDecodeError, ValueError, RecursionError):
            text = raw.decode("utf-8", "replace")
        return one_line(self._redact(text), 300)  # redacted before clipping: no token prefix

    def _redact(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def _where(self, url: str) -> str:
        return one_line(urlsplit(url).path, 200)

    def _limited(self, status: int, headers: Message, raw: bytes, wait: float) -> ApiError:
        reset = headers.get("x-ratelimit-reset", "")
        when = (
            time.strftime("%H:%M:%S UTC", time.gmtime(int(reset)))
            if reset.isdigit()
            else f"in {wait:.0f} s"
        )
        return ApiError(
            f"rate limited ({status}: {self._said(raw) or 'rate limit exceeded'}); it resets {when}, "
            f"beyond the {self._left:.0f} s this command still waits",
            slug="github-rate-limit",
            hint="rerun the job after the reset, or raise --max-wait",
        )

    def _error(self, method: str, url: str, status: int, raw: bytes) -> ApiError:  # noqa: PLR0911 - one literal slug per status family, for docs/errors.md
        said = self._said(raw)
        where = f"{method} {self._where(url)}"
        what = f"{where} answered {status}" + (f": {said}" if said else "")
        if not status:
            return ApiError(
                f"cannot reach {urlsplit(self.api).netloc} for {where}: {said}",
                slug="github-unavailable",
                hint="check the network and GITHUB_API_URL, then rerun",
            )
        if status == 401:
            return ApiError(
                what,
                slug="github-auth",
                hint="the token is wrong or expired: check what the job passes in the variable",
            )
        if status == 403:
            return ApiError(
                what,
                slug="github-forbidden",
                hint="give the job `permissions: pull-requests: write`; a pull request from a "
                "fork gets a read-only token, so its verdict is in the job summary instead",
            )
        if status == 404:
            return ApiError(
                what,
                slug="github-not-found",
                hint="check --repo and --pr (a token that cannot see a private repository "
                "also gets 404)",
            )
        if 300 <= status < 400:
            return ApiError(
                f"{what} (a redirect, not followed: the token goes only to the configured API)",
                slug="github-response",
                hint="check GITHUB_API_URL and --repo (a renamed repository redirects)",
            )
        if status < 500:
            return ApiError(
                what,
                slug="github-rejected",
                hint="GitHub refused the request as sent; rerun with -v and report it",
            )
        return ApiError(
            what, slug="github-unavailable", hint="GitHub failed or is down: rerun the job later"
        )


def _api_url(url: str) -> str:
    parts = urlsplit(url.strip())
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK)
    if not secure or not parts.netloc or parts.query or parts.fragment:
        raise UsageError(
            f"{one_line(url, 200)!r} is not an API address gates sends a token to",
            slug="usage",
            hint="use https://api.github.com or your GitHub Enterprise https://HOST/api/v3 "
            "(plain http only to 127.0.0.1, for tests)",
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _read(response: http.client.HTTPResponse | urllib.error.HTTPError) -> bytes:
    data = response.read(MAX_RESPONSE + 1)
    if len(data) > MAX_RESPONSE:
        raise ApiError(
            f"an answer of over {MAX_RESPONSE:,} bytes",
            slug="github-response",
            hint="check GITHUB_API_URL: it should be the REST API",
        )
    return bytes(data)


def _rate_limit_wait(status: int, headers: Message, raw: bytes, *, now: float) -> float | None:
    """Seconds to wait before retrying, when the answer is a rate limit; else ``None``."""
    if status not in (403, 429):
        return None
    retry_after = headers.get("retry-after", "").strip()
    if retry_after.isdigit():
        return float(retry_after)
    if headers.get("x-ratelimit-remaining", "").strip() == "0":
        reset = headers.get("x-ratelimit-reset", "").strip()
        return max(0.0, float(reset) - now) + 1.0 if reset.isdigit() else SECONDARY_WAIT
    if status == 429 or b"secondary rate limit" in raw.lower():
        return SECONDARY_WAIT
    return None
