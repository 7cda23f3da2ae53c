"""What GitHub says of a pull request: the facts the comment job trusts.

The comment job must not take from the pull request's run anything that
decides what it says: which pull request it is, the commit its evidence must
be of, its base branch (whose policy judges it) and the files it changes (the
pipeline that made its evidence, changed or not). All of them come from the
GitHub REST API, through :class:`gates.ci.github.Client`:

* :func:`find_pull`: the one open pull request whose head is a commit (the
  ``workflow_run`` event names no pull request for a fork's branch);
* :func:`get_pull`: its test merge commit, base branch and number of changed files,
  refused when its head is no longer the commit the run measured;
* :func:`changed_files`: every file it adds, changes, removes or renames (both
  names), and how many GitHub did not list (it lists at most 3,000);
* :func:`file_at`: a file of the repository at a ref (the policy of the base
  branch and of the merge commit), ``None`` when there is none;
* :func:`check_unmoved`: the pull request read again once everything else is
  read, so a push in between cannot pair one head's evidence with another
  head's list of changed files.

Every field is checked before it is used: GitHub is trusted, a response that
is not what GitHub sends is an :class:`~gates.errors.ApiError`.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Final, TypeGuard
from urllib.parse import quote

from gates.ci.github import Client, check_repo
from gates.errors import ApiError, UsageError
from gates.untrusted.safetext import one_line

__all__ = [
    "Changes",
    "Pull",
    "PullRequest",
    "changed_files",
    "check_path",
    "check_unmoved",
    "file_at",
    "find_pull",
    "get_pull",
]

_SHA: Final = re.compile(r"[0-9a-f]{40}")
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")
MAX_FILE_BYTES: Final = 1024 * 1024  # the contents API sends larger files without their content


@dataclass(frozen=True, slots=True)
class Pull:
    """An open pull request, as :func:`find_pull` found it."""

    number: int
    merge_commit: str  # GitHub's test merge commit: what a pull_request run measured


@dataclass(frozen=True, slots=True)
class PullRequest:
    """A pull request as :func:`get_pull` read it."""

    number: int
    head: str
    merge_commit: str  # "" while GitHub has not computed it (or on a conflict)
    base_ref: str  # the branch it merges into, e.g. "main"
    changed_files: int  # as GitHub counts them


@dataclass(frozen=True, slots=True)
class Changes:
    """The files a pull request changes, as far as GitHub lists them."""

    paths: tuple[str, ...]  # every name, a renamed file's previous name too; sorted
    unlisted: int  # files GitHub counted but did not list


# ---------------------------------------------------------------- the pull request


def find_pull(client: Client, repo: str, head: str) -> Pull:
    """The one open pull request of ``repo`` whose head commit is ``head``.

    A ``workflow_run`` event lists no pull request for a fork's branch, so the
    commenting job looks it up by the head commit the event does name. None
    or several (the same commit proposed twice) is an error: the comment must
    go to the pull request that ran, or nowhere.
    """
    _check_head(head)
    found: list[Pull] = []
    for page in client.pages(f"/repos/{check_repo(repo)}/pulls"):
        for item in page:
            pull = _pull_at(item, head)
            if pull is not None:
                found.append(pull)
    if len(found) != 1:
        numbers = ", ".join(f"#{pull.number}" for pull in found)
        raise ApiError(
            f"{len(found)} open pull requests of {repo} have the head {head[:12]}"
            + (f" ({numbers})" if numbers else ""),
            slug="github-no-pull",
            hint="pass --pr: the same commit heads several pull requests"
            if found
            else "nothing to update: the pull request was closed, or pushed to since this run "
            "(the next run comments)",
        )
    return found[0]


def _check_head(head: str) -> None:
    if not _SHA.fullmatch(head):
        raise UsageError(f"--pr-head {one_line(head, 80)!r}: not a full commit SHA", slug="usage")


def _pull_at(item: object, head: str) -> Pull | None:
    """``item`` as a :class:`Pull` if it is a pull request whose head is ``head``."""
    if not isinstance(item, dict):
        return None
    number, branch = item.get("number"), item.get("head")
    sha = branch.get("sha") if isinstance(branch, dict) else None
    if sha != head or not _count(number) or number < 1:
        return None
    merge = item.get("merge_commit_sha")
    return Pull(number, merge if isinstance(merge, str) and _SHA.fullmatch(merge) else "")


def get_pull(client: Client, repo: str, number: int, *, head: str = "") -> PullRequest:
    """Pull request ``number``: its head, test merge commit, base branch, changed files.

    With ``head``, the pull request's head must still be that commit (the one
    the run measured): else it was pushed to since, and the next run comments.
    """
    if number < 1:
        raise UsageError(f"--pr {number}: not a pull request number", slug="usage")
    if head:
        _check_head(head)
    url = f"{client.api}/repos/{check_repo(repo)}/pulls/{number}"
    data = client.request("GET", url).data
    now = _field(data, "head", "sha")
    merge = data.get("merge_commit_sha") if isinstance(data, dict) else None
    base = _field(data, "base", "ref")
    count = data.get("changed_files") if isinstance(data, dict) else None
    if not _SHA.fullmatch(now) or not _ref(base) or not _count(count):
        raise _unexpected(
            f"pull request #{number}", "a head commit, a base branch or a count of changed files"
        )
    pull = PullRequest(
        number,
        now,
        merge if isinstance(merge, str) and _SHA.fullmatch(merge) else "",
        base,
        count,
    )
    if head and now != head:
        raise _moved(repo, pull, f"its head is {now[:12]}, not {head[:12]}")
    return pull


def check_unmoved(client: Client, repo: str, pull: PullRequest) -> None:
    """Refuse when ``pull``'s head or test merge commit changed since it was read."""
    again = get_pull(client, repo, pull.number)
    if (again.head, again.merge_commit) != (pull.head, pull.merge_commit):
        raise _moved(repo, pull, "it changed while this comment was prepared")


def _moved(repo: str, pull: PullRequest, how: str) -> ApiError:
    return ApiError(
        f"{repo}#{pull.number} was pushed to since this run: {how}",
        slug="github-no-pull",
        hint="nothing to update: the run of the new head comments",
    )


def _field(data: object, outer: str, inner: str) -> str:
    part = data.get(outer) if isinstance(data, dict) else None
    value = part.get(inner) if isinstance(part, dict) else None
    return value if isinstance(value, str) else ""


def _count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _ref(name: str) -> bool:
    """A branch name as git allows it, enough to be sure it is one (no control, no ``..``)."""
    return bool(name) and len(name) <= 255 and not _CONTROL.search(name) and ".." not in name


def _unexpected(what: str, missing: str) -> ApiError:
    return ApiError(
        f"GitHub's answer for {what} lacks {missing}",
        slug="github-response",
        hint="check GITHUB_API_URL: it should be the REST API (https://api.github.com)",
    )


# ---------------------------------------------------------------- its files


def changed_files(client: Client, repo: str, pull: PullRequest) -> Changes:
    """Every file ``pull`` changes (a rename gives both names), and how many were not listed."""
    names: set[str] = set()
    listed = 0
    for page in client.pages(f"/repos/{check_repo(repo)}/pulls/{pull.number}/files"):
        for item in page:
            if not isinstance(item, dict) or not isinstance(item.get("filename"), str):
                raise _unexpected(f"the files of #{pull.number}", "a file name")
            listed += 1
            names.add(item["filename"])
            previous = item.get("previous_filename")
            if isinstance(previous, str):
                names.add(previous)
    return Changes(tuple(sorted(names)), max(0, pull.changed_files - listed))


def check_path(path: str) -> str:
    """A file's path in the repository, refusing anything that could leave it or the API path."""
    parts = path.split("/")
    if (
        not path
        or path.startswith("/")
        or "\\" in path
        or _CONTROL.search(path)
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise UsageError(
            f"{one_line(path, 200)!r} is not a path in the repository",
            slug="usage",
            hint="pass the path from the repository's root, e.g. gates.toml or ci/gates.toml",
        )
    return path


def file_at(client: Client, repo: str, path: str, ref: str) -> bytes | None:
    """The content of ``path`` at ``ref`` (a branch or a commit); ``None`` when there is none."""
    where = f"/repos/{check_repo(repo)}/contents/{quote(check_path(path))}"
    url = f"{client.api}{where}?ref={quote(ref, safe='')}"
    try:
        data = client.request("GET", url).data
    except ApiError as error:
        if error.slug == "github-not-found":  # the pull request was found: the file is not there
            return None
        raise
    if isinstance(data, list) or (isinstance(data, dict) and data.get("type") != "file"):
        return None  # a folder (or a link) by that name: no file
    content = data.get("content") if isinstance(data, dict) else None
    encoding = data.get("encoding") if isinstance(data, dict) else None
    if encoding != "base64" or not isinstance(content, str):
        raise ApiError(
            f"{path} at {one_line(ref, 60)} comes without its content (over "
            f"{MAX_FILE_BYTES:,} bytes?)",
            slug="github-response",
            hint="keep the policy file under 1 MiB: a policy is a short file",
        )
    try:
        return base64.b64decode(content.replace("\n", ""), validate=True)
    except (binascii.Error, ValueError):
        raise _unexpected(f"{path} at {one_line(ref, 60)}", "its base64 content") from None
