"""Pull request facts from GitHub's answers: every field checked before it is used."""

from __future__ import annotations

import pytest

from gates.ci import github, github_pulls
from gates.errors import UsageError

HEAD = "b" * 40


@pytest.mark.parametrize(
    ("item", "pull"),
    [
        ({"number": 7, "head": {"sha": HEAD}, "merge_commit_sha": "c" * 40}, (7, "c" * 40)),
        ({"number": 7, "head": {"sha": HEAD}, "merge_commit_sha": None}, (7, "")),
        ({"number": 7, "head": {"sha": HEAD}, "merge_commit_sha": "c" * 39}, (7, "")),
        ({"number": 7, "head": {"sha": HEAD}}, (7, "")),
        ({"number": 7, "head": {"sha": "a" * 40}}, None),
        ({"number": 7, "head": HEAD}, None),
        ({"number": True, "head": {"sha": HEAD}}, None),
        ({"number": "7", "head": {"sha": HEAD}}, None),
        ({"number": 0, "head": {"sha": HEAD}}, None),
        ([7, HEAD], None),
    ],
)
def test_which_listed_items_are_the_pull_request_of_a_head(
    item: object, pull: tuple[int, str] | None
) -> None:
    found = github_pulls._pull_at(item, HEAD)
    assert (None if found is None else (found.number, found.merge_commit)) == pull


@pytest.mark.parametrize("head", ["b" * 39, "B" * 40, "b" * 40 + "\n", "main", ""])
def test_a_head_that_is_not_a_full_sha_is_a_usage_error(head: str) -> None:
    client = github.Client("http://127.0.0.1:9", "t")
    with pytest.raises(UsageError, match="not a full commit SHA"):
        github_pulls.find_pull(client, "o/r", head)


@pytest.mark.parametrize(
    "path", ["gates.toml", "ci/gates.toml", ".github/workflows/ci.yml", "a b/ü.toml"]
)
def test_a_path_in_the_repository(path: str) -> None:
    assert github_pulls.check_path(path) == path


@pytest.mark.parametrize(
    "path",
    ["", "/etc/passwd", "../gates.toml", "ci/../../x", "ci//x", "./gates.toml", "ci\\x", "a\nb"],
)
def test_a_path_that_could_leave_the_repository_is_a_usage_error(path: str) -> None:
    with pytest.raises(UsageError, match="is not a path in the repository"):
        github_pulls.check_path(path)
