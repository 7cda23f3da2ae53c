"""The pull request facts ``gates comment`` reads, against a fake GitHub API on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import pytest

from gates.ci.github import Client
from gates.ci.github_pulls import PullRequest, changed_files, file_at, get_pull
from gates.errors import ApiError
from tests.integration.fake_github import DEFAULT_HEAD, FakeGitHub, fake_github

TOKEN: Final = "ghs_PullFacts0123456789abcdefABCDEF"
MERGE: Final = "c" * 40


@pytest.fixture
def api() -> Iterator[FakeGitHub]:
    with fake_github(TOKEN) as state:
        state.pulls = [(7, DEFAULT_HEAD, MERGE)]
        yield state


@pytest.fixture
def client(api: FakeGitHub) -> Client:
    return Client(api.url, TOKEN, max_wait=0)


def test_a_pull_request_has_its_head_merge_commit_base_and_count(
    api: FakeGitHub, client: Client
) -> None:
    api.base, api.files = "release/2.x", ["a.py", "b.py"]
    assert get_pull(client, "o/r", 7) == PullRequest(7, DEFAULT_HEAD, MERGE, "release/2.x", 2)


@pytest.mark.parametrize(
    "answer",
    [
        {"number": 7},
        {"head": {"sha": "x"}, "base": {"ref": "main"}, "changed_files": 1},
        {"head": {"sha": DEFAULT_HEAD}, "base": {"ref": "a\nb"}, "changed_files": 1},
        {"head": {"sha": DEFAULT_HEAD}, "base": {"ref": "main"}, "changed_files": -1},
        {"head": {"sha": DEFAULT_HEAD}, "base": {"ref": "main"}, "changed_files": True},
        [],
    ],
)
def test_an_answer_that_is_not_a_pull_request_is_refused(
    api: FakeGitHub, client: Client, answer: object
) -> None:
    api.fail_next(200, body=answer)
    with pytest.raises(ApiError, match="lacks a head commit, a base branch or a count") as caught:
        get_pull(client, "o/r", 7)
    assert caught.value.slug == "github-response"


def test_every_changed_file_on_every_page_and_both_names_of_a_rename(
    api: FakeGitHub, client: Client
) -> None:
    api.files = [f"pkg/m{n:03}.py" for n in range(150)] + [".github/workflows/new.yml"]
    api.renames = {".github/workflows/new.yml": ".github/workflows/ci.yml"}
    changes = changed_files(client, "o/r", get_pull(client, "o/r", 7))
    assert len(changes.paths) == 152
    assert {".github/workflows/ci.yml", ".github/workflows/new.yml"} <= set(changes.paths)
    assert changes.unlisted == 0
    assert len([r for r in api.received("GET") if r.path.endswith("/files")]) == 2


def test_files_github_counted_but_did_not_list_are_counted(api: FakeGitHub, client: Client) -> None:
    api.files, api.changed_files = ["a.py"], 3_500
    assert changed_files(client, "o/r", get_pull(client, "o/r", 7)).unlisted == 3_499


def test_a_file_at_a_ref_and_no_file(api: FakeGitHub, client: Client) -> None:
    api.contents = {("release/2.x", "ci/gates.toml"): b"[gate.x]\n" * 100}
    assert file_at(client, "o/r", "ci/gates.toml", "release/2.x") == b"[gate.x]\n" * 100
    assert file_at(client, "o/r", "ci/gates.toml", "main") is None
    [first, _] = api.received("GET")
    assert (first.path, first.query) == ("/repos/o/r/contents/ci/gates.toml", "ref=release%2F2.x")


@pytest.mark.parametrize(
    ("answer", "found"),
    [
        ([{"type": "file", "name": "x"}], None),  # a folder by that name
        ({"type": "symlink", "target": "/etc/passwd"}, None),
    ],
)
def test_a_folder_or_a_link_by_that_name_is_no_file(
    api: FakeGitHub, client: Client, answer: object, found: None
) -> None:
    api.fail_next(200, body=answer)
    assert file_at(client, "o/r", "gates.toml", "main") is found


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({"type": "file", "encoding": "none", "content": ""}, "comes without its content"),
        ({"type": "file", "encoding": "base64", "content": "!!!"}, "lacks its base64 content"),
    ],
)
def test_a_file_without_readable_content_is_refused(
    api: FakeGitHub, client: Client, answer: object, words: str
) -> None:
    api.fail_next(200, body=answer)
    with pytest.raises(ApiError, match=words) as caught:
        file_at(client, "o/r", "gates.toml", "main")
    assert caught.value.slug == "github-response"


def test_other_errors_reading_a_file_are_not_taken_for_no_file(
    api: FakeGitHub, client: Client
) -> None:
    api.fail_next(403, body={"message": "Resource not accessible by integration"})
    with pytest.raises(ApiError) as caught:
        file_at(client, "o/r", "gates.toml", "main")
    assert caught.value.slug == "github-forbidden"
