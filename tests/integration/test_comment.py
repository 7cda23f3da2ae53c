"""``gates comment`` against a fake GitHub API on 127.0.0.1.

Create, update (the same comment on a later push), the marker on page 2, a
human's comment with the marker left alone, rate limits, 401/404/500 and a
redirect or ``Link`` to another origin; the artifact checked before anything
is posted; and the token never shown, in any output, with or without ``-v``.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Final

import pytest

from gates import cli_ci
from gates.cli import main
from gates.errors import ApiError
from gates.github import Client, post_sticky
from gates.model import Verdict
from gates.outputs import OutputFormat, render
from gates.outputs.markdown import MARKER
from gates.verdict_file import load_artifact
from tests.integration.fake_github import FakeGitHub, fake_github
from tests.unit.outputs import _verdicts

TOKEN: Final = "ghs_FakeToken0123456789abcdefABCDEF"
COMMIT: Final = _verdicts.COMMIT


def _at_commit(verdict: Verdict, commit: str = COMMIT) -> Verdict:
    return replace(
        verdict, stages=tuple((name, commit, dirty) for name, _, dirty in verdict.stages)
    )


def write_artifact(folder: Path, verdict: Verdict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "verdict.json").write_text(render(verdict, OutputFormat.JSON), encoding="utf-8")
    (folder / "verdict.md").write_text(render(verdict, OutputFormat.MARKDOWN), encoding="utf-8")
    return folder


@pytest.fixture
def api() -> Iterator[FakeGitHub]:
    with fake_github(TOKEN) as state:
        yield state


@pytest.fixture
def artifact(tmp_path: Path) -> Path:
    return write_artifact(tmp_path / "verdict", _at_commit(_verdicts.mixed()))


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    monkeypatch.delenv("GITHUB_API_URL", raising=False)


def comment(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(
        ["comment", str(artifact), "--commit", COMMIT, "--pr", "7", "--api-url", api.url, *extra]
    )
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    return code, out, err


def expected_body(artifact: Path) -> str:
    return render(load_artifact(artifact, commit=COMMIT), OutputFormat.MARKDOWN)


# ---------------------------------------------------------------- create, update, pages


def test_creates_the_comment_when_there_is_none(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.add("a human's review")
    code, out, err = comment(api, artifact, capsys)
    assert (code, err) == (0, "")
    assert out.startswith("created comment 1002 on o/r#7")
    [post] = api.received("POST")
    assert post.path == "/repos/o/r/issues/7/comments"
    assert post.body == {"body": expected_body(artifact)}
    assert post.body["body"].startswith(MARKER)
    assert all(request.authorization == f"Bearer {TOKEN}" for request in api.requests)
    assert all(TOKEN not in request.path + request.query for request in api.requests)


def test_a_later_push_updates_the_same_comment(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert comment(api, artifact, capsys)[0] == 0
    [first] = api.comments
    later = write_artifact(tmp_path / "later", _at_commit(_verdicts.passing()))
    code, out, _ = comment(api, later, capsys)
    assert code == 0
    assert out.startswith(f"updated comment {first.id} on o/r#7")
    assert len(api.comments) == 1
    assert api.comments[0].body == expected_body(later)
    [patch] = api.received("PATCH")
    assert patch.path == f"/repos/o/r/issues/comments/{first.id}"


def test_the_marker_on_page_two_is_found(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for number in range(130):
        api.add(f"comment {number}", login="someone")
    ours = api.add(f"{MARKER}\nold verdict")
    api.add("a later remark", login="someone")
    code, out, _ = comment(api, artifact, capsys)
    assert code == 0
    assert out.startswith(f"updated comment {ours.id}")
    pages = api.received("GET")
    assert [request.query for request in pages] == ["per_page=100", "per_page=100&page=2"]
    assert not api.received("POST")


def test_a_comment_with_the_marker_by_someone_else_is_left_alone(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    human = api.add(f"{MARKER}\nI copied the marker", login="mallory")
    code, out, _ = comment(api, artifact, capsys)
    assert code == 0
    assert out.startswith("created comment")
    assert human.body == f"{MARKER}\nI copied the marker"


def test_the_author_to_update_is_an_option(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = api.add(f"{MARKER}\nold", login="gates-bot")
    code, out, _ = comment(api, artifact, capsys, "--author", "gates-bot")
    assert code == 0
    assert out.startswith(f"updated comment {mine.id}")


# ---------------------------------------------------------------- rate limits and errors


def test_a_rate_limit_is_waited_out_within_the_bound(
    api: FakeGitHub,
    artifact: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api.fail_next(
        403,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()))},
        body={"message": "API rate limit exceeded"},
    )
    api.fail_next(429, headers={"retry-after": "1"}, body={"message": "slow down"})
    slept: list[float] = []  # the waits the client asks for, not the wall clock: load-proof
    monkeypatch.setattr(cli_ci, "Client", functools.partial(Client, sleep=slept.append))
    code, out, _ = comment(api, artifact, capsys, "--max-wait", "5")
    assert code == 0
    assert out.startswith("created comment")
    # the reset is now: one second past it; then the Retry-After; both within --max-wait
    assert slept == [1.0, 1.0]
    assert len(api.received("GET")) == 3


def test_a_rate_limit_beyond_the_bound_fails_with_the_reset_time(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reset = int(time.time()) + 3600
    api.fail_next(
        403,
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
        body={"message": "API rate limit exceeded for installation"},
    )
    code, out, err = comment(api, artifact, capsys, "--max-wait", "10")
    assert code == 5
    assert out == ""
    assert err.startswith("GitHub API error: rate limited (403: API rate limit exceeded")
    assert time.strftime("%H:%M:%S UTC", time.gmtime(reset)) in err
    assert "next: rerun the job after the reset, or raise --max-wait" in err
    assert len(api.requests) == 1


@pytest.mark.parametrize(
    ("status", "words", "next_step"),
    [
        (401, "answered 401: Bad credentials", "the token is wrong or expired"),
        (403, "answered 403: Resource not accessible by integration", "pull-requests: write"),
        (404, "answered 404: Not Found", "check --repo and --pr"),
        (422, "answered 422: Validation Failed", "refused the request"),
    ],
)
def test_errors_name_the_status_and_the_next_step(
    *,
    api: FakeGitHub,
    artifact: Path,
    capsys: pytest.CaptureFixture[str],
    status: int,
    words: str,
    next_step: str,
) -> None:
    message = {
        401: "Bad credentials",
        403: "Resource not accessible by integration",
        404: "Not Found",
        422: "Validation Failed",
    }[status]
    api.fail_next(status, body={"message": message})
    code, out, err = comment(api, artifact, capsys)
    assert code == 5
    assert out == ""
    assert err.startswith("GitHub API error: GET /repos/o/r/issues/7/comments")
    assert words in err
    assert next_step in err
    assert "Traceback" not in err
    assert len(api.requests) == 1  # a client error is not retried


def test_a_wrong_token_is_refused_by_the_fake_and_reported(
    api: FakeGitHub,
    artifact: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghs_wrong")
    code, _, err = comment(api, artifact, capsys)
    assert code == 5
    assert "401: Bad credentials" in err
    assert "ghs_wrong" not in err


def test_an_unknown_pull_request_is_404(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = main(["comment", str(artifact), "--commit", COMMIT, "--pr", "8", "--api-url", api.url])
    assert code == 5
    assert "GET /repos/o/r/issues/8/comments answered 404: Not Found" in capsys.readouterr().err


def test_server_errors_are_retried_then_reported(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(3):
        api.fail_next(500, body={"message": "Server Error"})
    code, _, err = comment(api, artifact, capsys, "--max-wait", "0")
    assert code == 5
    assert "answered 500: Server Error" in err
    assert "GitHub failed or is down" in err
    assert len(api.requests) == 3


def test_one_server_error_is_retried_and_the_comment_posted(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.fail_next(502, body="<html>bad gateway</html>")
    code, out, _ = comment(api, artifact, capsys, "--max-wait", "0")
    assert code == 0
    assert out.startswith("created comment")


def test_an_unreachable_api_is_reported(artifact: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with fake_github(TOKEN) as gone:
        url = gone.url
    capsys.readouterr()
    code = main(
        [
            "comment",
            str(artifact),
            "--commit",
            COMMIT,
            "--pr",
            "7",
            "--api-url",
            url,
            "--max-wait",
            "0",
        ]
    )
    err = capsys.readouterr().err
    assert code == 5
    assert err.startswith(f"GitHub API error: cannot reach {url.removeprefix('http://')}")


def test_a_redirect_is_not_followed(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with fake_github(TOKEN) as elsewhere:
        api.fail_next(301, headers={"Location": f"{elsewhere.url}/repos/o/r/issues/7/comments"})
        code, _, err = comment(api, artifact, capsys)
        assert code == 5
        assert "a redirect, not followed" in err
        assert elsewhere.requests == []


def test_a_next_page_at_another_origin_is_refused(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for number in range(120):
        api.add(f"comment {number}", login="someone")
    with fake_github(TOKEN) as elsewhere:
        api.next_link = f"{elsewhere.url}/repos/o/r/issues/7/comments?page=2"
        code, _, err = comment(api, artifact, capsys)
        assert code == 5
        assert "the next page is at another address" in err
        assert elsewhere.requests == []


# ---------------------------------------------------------------- the token


def test_the_token_is_redacted_from_what_a_server_says(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.fail_next(401, body={"message": f"Bad credentials: Bearer {TOKEN}"})
    code, _, err = comment(api, artifact, capsys, "-v")
    assert code == 5
    assert "Bad credentials: Bearer ***" in err
    assert "Traceback" in err  # -v shows it, and the token is still not there


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (401, {"message": f"echo {TOKEN}"}),
        (403, f"<html>{TOKEN}</html>"),
        (404, {"message": TOKEN, "documentation_url": TOKEN}),
        (500, {"message": TOKEN}),
        (200, f"not json {TOKEN}"),
    ],
)
def test_the_token_never_appears_with_v_in_a_real_process(
    api: FakeGitHub, artifact: Path, status: int, body: object
) -> None:
    for _ in range(3):
        api.fail_next(status, body=body)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gates",
            "comment",
            str(artifact),
            "--commit",
            COMMIT,
            "--pr",
            "7",
            "--api-url",
            api.url,
            "--max-wait",
            "0",
            "-v",
        ],
        env={**os.environ, "GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "o/r"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 5, result.stderr
    assert TOKEN not in result.stdout + result.stderr
    assert "Traceback" in result.stderr


def test_no_token_is_a_usage_error(
    api: FakeGitHub,
    artifact: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    code, _, err = comment(api, artifact, capsys)
    assert code == 2
    assert "no token: $GITHUB_TOKEN is empty or not set" in err
    assert api.requests == []


def test_a_token_with_a_line_break_is_refused_without_quoting_it(
    api: FakeGitHub,
    artifact: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GH_PAT", f"{TOKEN}\n")
    code, _, err = comment(api, artifact, capsys, "--token-env", "GH_PAT", "-v")
    assert code == 2
    assert "the token in $GH_PAT holds spaces, line breaks" in err
    assert api.requests == []


def test_plain_http_is_only_for_the_loopback_address(
    artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = main(
        [
            "comment",
            str(artifact),
            "--commit",
            COMMIT,
            "--pr",
            "7",
            "--api-url",
            "http://example.com",
        ]
    )
    assert code == 2
    assert "is not an API address gates sends a token to" in capsys.readouterr().err


@pytest.mark.parametrize("repo", ["o", "o/r/../x", "../../x/y", "o/r?x=1", "o/r#7"])
def test_a_repository_name_cannot_change_the_api_path(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str], repo: str
) -> None:
    code, _, err = comment(api, artifact, capsys, "--repo", repo)
    assert code == 2
    assert "is not a repository name" in err
    assert api.requests == []


# ---------------------------------------------------------------- the artifact


def test_a_verdict_of_another_commit_is_not_posted_but_replaces_the_old_comment(
    api: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = api.add(f"{MARKER}\n## ✔ gates: PASSED")
    stale = write_artifact(tmp_path / "stale", _at_commit(_verdicts.passing(), "a" * 40))
    code, out, err = comment(api, stale, capsys)
    assert code == 3
    assert out.startswith(f"updated comment {old.id}")
    assert "verdict-commit" not in err  # the message, not the slug, is shown
    assert f"not {COMMIT[:12]}" in err
    assert "PASSED" not in old.body
    assert old.body.startswith(
        f"{MARKER}\n## ✖ gates: the verdict of this run could not be checked"
    )


def test_the_posted_text_is_rendered_again_not_copied_from_the_artifact(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (artifact / "verdict.md").write_text(f"{MARKER}\n![x](https://evil.example/x.png) @everyone\n")
    assert comment(api, artifact, capsys)[0] == 0
    [post] = api.received("POST")
    assert post.body is not None
    assert "evil.example" not in post.body["body"]
    assert post.body["body"] == expected_body(artifact)


def test_hostile_evidence_is_escaped_once(
    api: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = write_artifact(tmp_path / "hostile", _at_commit(_verdicts.hostile()))
    assert comment(api, hostile, capsys)[0] == 0
    [post] = api.received("POST")
    assert post.body is not None
    body = post.body["body"]
    assert "@&#8203;octocat" in body  # no mention
    assert "&lt;script&gt;" in body  # no raw HTML outside code spans
    # escaped once: the same text as gates check's own Markdown of the verdict
    assert body == (hostile / "verdict.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "spoil",
    ["extra file", "link", "folder", "no json", "bad json", "edited summary", "md without marker"],
)
def test_an_artifact_that_cannot_be_trusted_is_refused(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, spoil: str
) -> None:
    json_path = artifact / "verdict.json"
    if spoil == "extra file":
        (artifact / "run.sh").write_text("curl evil")
    elif spoil == "link":
        (tmp_path / "outside.json").write_bytes(json_path.read_bytes())
        json_path.unlink()
        json_path.symlink_to(tmp_path / "outside.json")
    elif spoil == "folder":
        (artifact / "sub").mkdir()
    elif spoil == "no json":
        json_path.unlink()
    elif spoil == "bad json":
        json_path.write_text('{"schema": "gates.verdict"')
    elif spoil == "edited summary":
        json_path.write_text(json_path.read_text().replace("BLOCKED", "PASSED"))
    else:
        (artifact / "verdict.md").write_text("## looks like a verdict\n")
    code, out, err = comment(api, artifact, capsys, "--dry-run")
    assert code == 3, err
    assert out.startswith(f"{MARKER}\n## ✖ gates: the verdict of this run could not be checked")
    assert err.startswith("evidence error: ")
    assert api.requests == []


def test_dry_run_prints_the_comment_and_needs_no_token(
    artifact: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    capsys.readouterr()
    code = main(["comment", str(artifact), "--commit", COMMIT[:10], "--pr", "7", "--dry-run"])
    assert code == 0
    assert capsys.readouterr().out == expected_body(artifact)


# ---------------------------------------------------------------- waiting, with a fake clock


def test_the_client_waits_until_the_reset_and_counts_it_against_the_bound(
    api: FakeGitHub,
) -> None:

    slept: list[float] = []
    now = 1_000_000.0
    limited = {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(now) + 30)}
    api.fail_next(403, headers=limited, body={"message": "API rate limit exceeded"})
    api.fail_next(429, headers={"retry-after": "20"}, body={"message": "slow down"})
    client = Client(api.url, TOKEN, max_wait=60, sleep=slept.append, clock=lambda: now)
    posted = post_sticky(
        client, "o/r", 7, f"{MARKER}\nx", marker=MARKER, author="github-actions[bot]"
    )
    assert posted.action == "created"
    assert slept == [31.0, 20.0]
    api.fail_next(429, headers={"retry-after": "20"}, body={"message": "slow down"})
    with pytest.raises(ApiError) as caught:  # 9 s of the 60 left: 20 is beyond the bound
        post_sticky(client, "o/r", 7, f"{MARKER}\ny", marker=MARKER, author="github-actions[bot]")
    assert caught.value.slug == "github-rate-limit"
    assert slept == [31.0, 20.0]


def test_a_secondary_rate_limit_without_headers_waits_a_minute(api: FakeGitHub) -> None:

    slept: list[float] = []
    api.fail_next(403, body={"message": "You have exceeded a secondary rate limit."})
    client = Client(api.url, TOKEN, max_wait=120, sleep=slept.append)
    post_sticky(client, "o/r", 7, f"{MARKER}\nx", marker=MARKER, author="github-actions[bot]")
    assert slept == [60.0]


# ---------------------------------------------------------------- the pull request of a head commit

HEAD: Final = "b" * 40


def comment_on_head(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["comment", str(artifact), "--pr-head", HEAD, "--api-url", api.url, *extra])
    out, err = capsys.readouterr()
    assert TOKEN not in out + err
    return code, out, err


def test_the_pull_request_is_found_by_its_head_on_a_later_page(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.pulls = [(100 + n, f"{n:040x}", f"{n + 1:040x}") for n in range(150)]
    api.pulls.insert(120, (7, HEAD, COMMIT))
    code, out, err = comment_on_head(api, artifact, capsys)
    assert (code, err) == (0, "")
    assert out.startswith("created comment 1001 on o/r#7")
    listed = [r for r in api.received("GET") if r.path == "/repos/o/r/pulls"]
    assert len(listed) == 2  # 151 open pull requests: two pages of 100
    [post] = api.received("POST")
    assert post.path == "/repos/o/r/issues/7/comments"
    assert post.body == {"body": expected_body(artifact)}


def test_the_verdict_must_be_of_the_test_merge_commit(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.pulls = [(7, HEAD, "c" * 40)]  # the base moved on since the run: a new merge commit
    code, out, err = comment_on_head(api, artifact, capsys)
    assert code == 3
    assert f"not {'c' * 12}" in err
    [post] = api.received("POST")
    assert post.body is not None
    assert "could not be checked" in post.body["body"]
    assert out.startswith("created comment")


def test_an_explicit_commit_overrides_the_merge_commit(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.pulls = [(7, HEAD, None)]
    code, _, err = comment_on_head(api, artifact, capsys, "--commit", COMMIT)
    assert (code, err) == (0, "")
    assert len(api.received("POST")) == 1


def test_no_merge_commit_and_no_commit_is_a_usage_error(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.pulls = [(7, HEAD, None)]
    code, _, err = comment_on_head(api, artifact, capsys)
    assert code == 2
    assert "no test merge commit for o/r#7" in err
    assert "pass --commit" in err
    assert api.received("POST") == []


@pytest.mark.parametrize(
    ("pulls", "said"),
    [
        ([(8, "a" * 40, COMMIT)], "0 open pull requests of o/r have the head bbbbbbbbbbbb\n"),
        ([(7, HEAD, COMMIT), (9, HEAD, COMMIT)], "2 open pull requests of o/r have the head"),
    ],
)
def test_none_or_several_pull_requests_with_the_head_post_nothing(
    api: FakeGitHub,
    artifact: Path,
    capsys: pytest.CaptureFixture[str],
    pulls: list[tuple[int, str, str | None]],
    said: str,
) -> None:
    api.pulls = pulls
    code, _, err = comment_on_head(api, artifact, capsys)
    assert code == 5
    assert said in err
    assert ("pass --pr" in err) == (len(pulls) > 1)
    assert ("the next run comments" in err) == (len(pulls) == 1)
    assert api.received("POST") == [] and api.received("PATCH") == []


@pytest.mark.parametrize(
    "argv",
    [
        ["--pr-head", "b" * 39],
        ["--pr-head", "B" * 40],
        ["--pr-head", f"{HEAD}\n"],
        ["--pr-head", HEAD, "--pr", "7"],
        ["--pr", "7"],  # --pr needs --commit
        ["--pr-head", HEAD, "--dry-run"],  # a dry run looks nothing up
    ],
)
def test_pr_head_usage_errors_send_nothing(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    capsys.readouterr()
    assert main(["comment", str(artifact), "--api-url", api.url, *argv]) == 2
    assert "usage error" in capsys.readouterr().err
    assert api.requests == []
