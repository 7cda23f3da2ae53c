"""The sticky comment: one comment per pull request, updated on every push.

:func:`post_sticky` lists the pull request's comments (every page, following
the ``Link`` header, through :class:`gates.ci.github.Client`), finds the first
one whose author is ``author`` and whose body starts with the hidden marker,
and updates it; otherwise it creates one. A later push updates the same comment.
"""

from __future__ import annotations

from dataclasses import dataclass

from gates.ci.github import Client, check_repo
from gates.errors import ApiError, UsageError
from gates.untrusted.safetext import one_line

__all__ = ["Posted", "post_sticky"]


@dataclass(frozen=True, slots=True)
class Posted:
    """What :func:`post_sticky` did."""

    action: str  # "created" | "updated"
    comment_id: int
    url: str


def post_sticky(
    client: Client, repo: str, number: int, body: str, *, marker: str, author: str
) -> Posted:
    """Update the pull request's comment that starts with ``marker``, or create it."""
    if number < 1:
        raise UsageError(f"--pr {number}: not a pull request number", slug="usage")
    issue = f"/repos/{check_repo(repo)}/issues/{number}"
    existing = _find(client, f"{issue}/comments", marker=marker, author=author)
    if existing is None:
        answer = client.request("POST", f"{client.api}{issue}/comments", {"body": body})
        action = "created"
    else:
        answer = client.request(
            "PATCH", f"{client.api}/repos/{repo}/issues/comments/{existing}", {"body": body}
        )
        action = "updated"
    data = answer.data if isinstance(answer.data, dict) else {}
    comment_id = data.get("id")
    if not isinstance(comment_id, int) or isinstance(comment_id, bool):
        raise ApiError(
            f"the comment was {action}, but GitHub's answer names no comment id",
            slug="github-response",
            hint="check the pull request: the verdict may be there",
        )
    url = data.get("html_url")
    return Posted(action, comment_id, one_line(url, 300) if isinstance(url, str) else "")


def _find(client: Client, path: str, *, marker: str, author: str) -> int | None:
    """The id of the first comment by ``author`` that starts with ``marker``."""
    for page in client.pages(path):
        for item in page:
            if not isinstance(item, dict):
                continue
            user = item.get("user")
            login = user.get("login") if isinstance(user, dict) else None
            body = item.get("body")
            comment_id = item.get("id")
            if (
                login == author
                and isinstance(body, str)
                and body.startswith(marker)
                and isinstance(comment_id, int)
                and not isinstance(comment_id, bool)
            ):
                return comment_id
    return None
