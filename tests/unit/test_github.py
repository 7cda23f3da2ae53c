"""The GitHub client's pure parts: rate-limit waits, addresses, names, tokens, next pages.

The requests themselves are tested against a fake API in
tests/integration/test_comment.py.
"""

from __future__ import annotations

from email.message import Message

import pytest

from gates.ci import github
from gates.errors import ApiError, UsageError

TOKEN = "ghs_abcdefABCDEF0123456789"


def _headers(**values: str) -> Message:
    message = Message()
    for name, value in values.items():
        message[name.replace("_", "-")] = value
    return message


@pytest.mark.parametrize(
    ("status", "headers", "body", "wait"),
    [
        (403, {"x_ratelimit_remaining": "0", "x_ratelimit_reset": "1030"}, b"", 31.0),
        (429, {"x_ratelimit_remaining": "0", "x_ratelimit_reset": "900"}, b"", 1.0),  # passed
        (403, {"retry_after": "7"}, b"", 7.0),
        (429, {}, b"", 60.0),
        (403, {}, b'{"message": "You have exceeded a secondary rate limit"}', 60.0),
        (403, {"x_ratelimit_remaining": "0"}, b"", 60.0),
        (403, {"x_ratelimit_remaining": "12"}, b'{"message": "Forbidden"}', None),
        (403, {}, b'{"message": "Resource not accessible by integration"}', None),
        (500, {"retry_after": "7"}, b"", None),
        (200, {"x_ratelimit_remaining": "0"}, b"", None),
    ],
)
def test_which_answers_are_rate_limits_and_how_long_to_wait(
    status: int, headers: dict[str, str], body: bytes, wait: float | None
) -> None:
    assert github._rate_limit_wait(status, _headers(**headers), body, now=1000.0) == wait


@pytest.mark.parametrize(
    ("url", "api"),
    [
        ("https://api.github.com", "https://api.github.com"),
        ("https://api.github.com/", "https://api.github.com"),
        ("https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://localhost:9", "http://localhost:9"),
    ],
)
def test_api_addresses_gates_sends_a_token_to(url: str, api: str) -> None:
    assert github._api_url(url) == api


@pytest.mark.parametrize(
    "url",
    [
        "http://api.github.com",
        "http://10.0.0.1",
        "ftp://api.github.com",
        "https://",
        "https://api.github.com/?token=x",
        "https://api.github.com/#x",
        "api.github.com",
    ],
)
def test_other_addresses_are_refused(url: str) -> None:
    with pytest.raises(UsageError, match="is not an API address"):
        github._api_url(url)


@pytest.mark.parametrize("repo", ["octo/repo", "o-1/r.e_p-o", "a/b"])
def test_repository_names(repo: str) -> None:
    assert github.check_repo(repo) == repo


@pytest.mark.parametrize("repo", ["", "octo", "octo/", "/repo", "o/r/x", "o/..", "o/r x", "-o/r"])
def test_names_that_would_change_the_path_are_refused(repo: str) -> None:
    with pytest.raises(UsageError, match="is not a repository name"):
        github.check_repo(repo)


@pytest.mark.parametrize(
    "token", ["", " ", f"{TOKEN}\n", f"Bearer {TOKEN}", f'"{TOKEN}"x\x00', "x" * 1025]
)
def test_a_token_that_cannot_be_a_header_is_refused_without_quoting_it(token: str) -> None:
    with pytest.raises(UsageError) as caught:
        github.check_token(token, source="GITHUB_TOKEN")
    assert caught.value.slug == "github-token"
    assert not token.strip() or token.strip() not in caught.value.diagnostics()


def test_a_token_is_taken_as_it_is() -> None:
    assert github.check_token(TOKEN, source="GITHUB_TOKEN") == TOKEN


def _client() -> github.Client:
    return github.Client("https://api.github.com", TOKEN)


def test_the_next_page_comes_from_the_link_header() -> None:
    link = (
        '<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2>; rel="next", '
        '<https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=5>; rel="last"'
    )
    assert _client()._next(_headers(Link=link)) == (
        "https://api.github.com/repositories/1/issues/7/comments?per_page=100&page=2"
    )
    assert _client()._next(_headers(Link='<https://api.github.com/x?page=1>; rel="prev"')) is None
    assert _client()._next(_headers()) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/repos/o/r/issues/7/comments?page=2",
        "http://api.github.com/repos/o/r/issues/7/comments?page=2",
        "https://api.github.com:444/x",
    ],
)
def test_a_next_page_elsewhere_is_refused(url: str) -> None:
    with pytest.raises(ApiError, match="another address") as caught:
        _client()._next(_headers(Link=f'<{url}>; rel="next"'))
    assert caught.value.exit_code == 5


def test_a_next_page_outside_the_api_path_is_refused() -> None:
    client = github.Client("https://ghe.example.com/api/v3", TOKEN)
    with pytest.raises(ApiError, match="another address"):
        client._next(_headers(Link='<https://ghe.example.com/login?page=2>; rel="next"'))


def test_the_client_redacts_the_token_from_what_it_shows() -> None:
    said = _client()._said(f'{{"message": "token {TOKEN} is bad"}}'.encode())
    assert said == "token *** is bad"


def test_the_token_is_redacted_before_a_message_is_clipped() -> None:
    said = _client()._said(f'{{"message": "{"x" * 290}{TOKEN}"}}'.encode())
    assert TOKEN[:5] not in said
    assert said.startswith("x" * 290)
