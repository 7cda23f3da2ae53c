"""``gates comment`` against a fake GitHub API on 127.0.0.1.

Create, update (the same comment on a later push), the marker on page 2, a
human's comment with the marker left alone, rate limits, 401/404/500 and a
redirect or ``Link`` to another origin; the verdict recomputed from the
evidence folder (never a verdict file) with the policy and the facts read
from the API, and the evidence folder refused when it is no folder; the
token never shown, in any output, with or without ``-v``. The forgeries a
fork's run could attempt are in ``test_forgery.py``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

import pytest

from gates.ci.github import Client
from gates.ci.github_comment import post_sticky
from gates.ci.github_pulls import Changes
from gates.ci.trust import Facts, compose, judging
from gates.ci.verdict_file import recompute
from gates.cli import ci as cli_ci
from gates.cli import main
from gates.errors import ApiError
from gates.outputs import OutputFormat, render
from gates.outputs.markdown import MARKER
from tests.integration._evidence import POLICY, unit_evidence
from tests.integration.fake_github import DEFAULT_HEAD, FakeGitHub, fake_github
from tests.unit.outputs import _verdicts

TOKEN: Final = "ghs_FakeToken0123456789abcdefABCDEF"
COMMIT: Final = _verdicts.COMMIT


def write_evidence(folder: Path, junit: str = "failing.xml", *, commit: str = COMMIT) -> Path:
    return unit_evidence(folder, junit, commit=commit)


@pytest.fixture
def api() -> Iterator[FakeGitHub]:
    with fake_github(TOKEN) as state:
        state.files = ["pkg/calc.py"]
        state.contents = {("main", "gates.toml"): POLICY, (COMMIT, "gates.toml"): POLICY}
        yield state


@pytest.fixture
def artifact(tmp_path: Path) -> Path:
    return write_evidence(tmp_path / "evidence")


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


def expected_body(
    artifact: Path, *, files: Sequence[str] = ("pkg/calc.py",), commit: str = COMMIT
) -> str:
    """The comment the command should post: the same steps, called one by one."""
    facts = Facts(commit, "main", POLICY, POLICY, Changes(tuple(files), 0))
    judged = judging(facts, config="gates.toml", noxfile="noxfile.py")
    verdict = recompute(
        artifact,
        judged.policy,
        commit=commit,
        root=Path(),
        today=dt.datetime.now(dt.UTC).date(),
        notes=judged.notes,
    )
    return compose(verdict, render(verdict, OutputFormat.MARKDOWN), judged.provenance)


def gets(api: FakeGitHub, path: str) -> list[str]:
    """The queries of the GET requests to ``path``."""
    return [request.query for request in api.received("GET") if request.path == path]


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
    later = write_evidence(tmp_path / "later", "passing.xml")
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
    pages = gets(api, "/repos/o/r/issues/7/comments")
    assert pages == ["per_page=100", "per_page=100&page=2"]
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
    assert len(gets(api, "/repos/o/r/pulls/7")) == 4  # retried twice, then read again at the end


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
    assert err.startswith("GitHub API error: GET /repos/o/r/pulls/7")
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
    assert "GET /repos/o/r/pulls/8 answered 404: Not Found" in capsys.readouterr().err


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


# ---------------------------------------------------------------- the evidence, judged again


def test_evidence_of_another_commit_blocks_and_replaces_the_old_comment(
    api: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = api.add(f"{MARKER}\n## ✔ gates: PASSED")
    stale = write_evidence(tmp_path / "stale", "passing.xml", commit="a" * 40)
    code, out, _ = comment(api, stale, capsys)
    assert code == 0
    assert out.startswith(f"updated comment {old.id}")
    assert "PASSED" not in old.body
    assert old.body.startswith(f"{MARKER}\n## ✖ gates: BLOCKED")
    assert f"evidence is from commit aaaaaaaaaaaa, not {COMMIT[:12]}" in old.body


def test_a_verdict_file_in_the_evidence_folder_is_never_read(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (artifact / "verdict.md").write_text(
        f"{MARKER}\n## ✔ gates: PASSED\n![x](https://evil.example/x.png)"
    )
    (artifact / "verdict.json").write_text('{"schema": "gates.verdict", "status": "pass"}')
    assert comment(api, artifact, capsys)[0] == 0
    [post] = api.received("POST")
    assert post.body is not None
    assert "evil.example" not in post.body["body"]
    assert "PASSED" not in post.body["body"]
    assert post.body["body"] == expected_body(artifact)


def test_hostile_evidence_is_escaped_once(
    api: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = write_evidence(tmp_path / "hostile", "hostile.xml")
    assert comment(api, hostile, capsys)[0] == 0
    [post] = api.received("POST")
    assert post.body is not None
    body = post.body["body"]
    assert "&lt;failure message='x'/&gt;" in body  # no raw HTML outside code spans
    assert "<failure" not in body
    assert "#&#8203;x1B" in body  # control characters shown, references broken
    assert body == expected_body(hostile)


def test_hostile_file_names_from_github_are_inert(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = [".github/workflows/@octocat <img src=x> `x`.yml", ".github/workflows/a\nb.yml"]
    api.files = names
    assert comment(api, artifact, capsys)[0] == 0
    [post] = api.received("POST")
    assert post.body is not None
    body = post.body["body"]
    assert "``.github/workflows/@octocat <img src=x> `x`.yml``" in body  # a code span: inert
    assert "`.github/workflows/a b.yml`" in body  # one line
    assert body == expected_body(artifact, files=names)


@pytest.mark.parametrize("spoil", ["link", "file"])
def test_an_evidence_folder_that_is_no_folder_is_refused_and_replaces_the_old_comment(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, spoil: str
) -> None:
    old = api.add(f"{MARKER}\n## ✔ gates: PASSED")
    given = tmp_path / "given"
    if spoil == "link":
        given.symlink_to(artifact)
    else:
        given.write_text("not a folder")
    code, out, err = comment(api, given, capsys)
    assert code == 3, err
    assert out.startswith(f"updated comment {old.id}")
    assert err.startswith("evidence error: ")
    assert "is not a folder (a link or a file)" in err
    assert old.body.startswith(
        f"{MARKER}\n## ✖ gates: no verdict — this comment could not judge the evidence"
    )


@pytest.mark.parametrize(
    ("spoil", "slug"),
    [
        ("report edited", "hash-mismatch"),
        ("report replaced by a link", "link-outside"),
        ("no manifest", "missing-manifest"),
        ("stage folder is a link", "missing-evidence"),
    ],
)
def test_evidence_that_cannot_be_trusted_blocks_its_gates(
    *,
    api: FakeGitHub,
    artifact: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    spoil: str,
    slug: str,
) -> None:
    unit = artifact / "unit"
    if spoil == "report edited":
        (unit / "junit.xml").write_bytes(
            (unit / "junit.xml").read_bytes().replace(b"fail", b"pass")
        )
    elif spoil == "report replaced by a link":
        (tmp_path / "outside.xml").write_bytes((unit / "junit.xml").read_bytes())
        (unit / "junit.xml").unlink()
        (unit / "junit.xml").symlink_to(tmp_path / "outside.xml")
    elif spoil == "no manifest":
        (unit / "manifest.json").unlink()
    else:
        unit.rename(tmp_path / "elsewhere")
        unit.symlink_to(tmp_path / "elsewhere")
    code, _, err = comment(api, artifact, capsys)
    assert code == 0, err
    [post] = api.received("POST")
    assert post.body is not None
    assert post.body["body"].startswith(f"{MARKER}\n## ✖ gates: BLOCKED")
    assert f"\\[{slug}\\]" in post.body["body"]


def test_the_base_branch_policy_is_read_at_the_base_and_the_pull_requests_at_the_merge(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.base = "release/1.x"
    api.contents = {("release/1.x", "ci/gates.toml"): POLICY, (COMMIT, "ci/gates.toml"): POLICY}
    code, _, err = comment(api, artifact, capsys, "--config", "ci/gates.toml")
    assert code == 0, err
    assert gets(api, "/repos/o/r/contents/ci/gates.toml") == [
        "ref=release%2F1.x",
        f"ref={COMMIT}",
    ]
    [post] = api.received("POST")
    assert post.body is not None
    assert "the base branch's policy (`release/1.x:ci/gates.toml`)" in post.body["body"]


def test_a_base_branch_without_a_policy_judges_with_the_pull_requests_and_says_so(
    api: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del api.contents["main", "gates.toml"]
    passing = write_evidence(tmp_path / "evidence", "passing.xml")
    assert comment(api, passing, capsys)[0] == 0
    [post] = api.received("POST")
    assert post.body is not None
    body = post.body["body"]
    assert body.splitlines()[1].startswith("## ⚠ gates: UNVERIFIED")
    assert "the base branch `main` has no policy file" in body


def test_no_policy_anywhere_is_a_policy_error_that_replaces_the_old_comment(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.contents = {}
    code, out, err = comment(api, artifact, capsys)
    assert code == 2
    assert out.startswith("created comment")
    assert "the policy file is on neither the base branch nor the merge commit" in err
    [post] = api.received("POST")
    assert post.body is not None
    assert "no verdict" in post.body["body"]


@pytest.mark.parametrize("config", ["../gates.toml", "/etc/passwd", "a//b.toml", "ci/./x.toml"])
def test_a_policy_path_cannot_leave_the_repository(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str], config: str
) -> None:
    code, _, err = comment(api, artifact, capsys, "--config", config)
    assert code == 2
    assert "is not a path in the repository" in err
    assert api.requests == []


def test_dry_run_prints_the_comment_and_needs_no_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    passing = write_evidence(tmp_path / "evidence", "passing.xml")
    policy = tmp_path / "gates.toml"
    policy.write_bytes(POLICY)
    capsys.readouterr()
    argv = ["comment", str(passing), "--commit", COMMIT[:10], "--pr", "7", "--dry-run"]
    code = main([*argv, "--config", str(policy)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith(f"{MARKER}\n## ⚠ gates: UNVERIFIED")  # it vouches for nothing
    assert "a dry run asks nothing of GitHub" in out
    assert "| ✔ pass | tests | 0 |" in out


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

HEAD: Final = DEFAULT_HEAD


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


def test_the_evidence_must_be_of_the_test_merge_commit(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.pulls = [(7, HEAD, "c" * 40)]  # the base moved on since the run: a new merge commit
    api.contents["c" * 40, "gates.toml"] = POLICY
    code, out, err = comment_on_head(api, artifact, capsys)
    assert (code, err) == (0, "")
    [post] = api.received("POST")
    assert post.body is not None
    assert f"evidence is from commit {COMMIT[:12]}, not {'c' * 12}" in post.body["body"]
    assert post.body["body"].startswith(f"{MARKER}\n## ✖ gates: BLOCKED")
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
        ["--pr", "7", "--pr-head", "b" * 39],
        [],  # no pull request named
        ["--pr", "7", "--dry-run"],  # a dry run needs --commit
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


# ---------------------------------------------------------------- a push while the comment is prepared


def test_the_pull_request_and_its_head_together(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = comment(api, artifact, capsys, "--pr-head", HEAD)
    assert (code, err) == (0, "")
    assert out.startswith("created comment")
    assert gets(api, "/repos/o/r/pulls") == []  # --pr names it: no listing


def test_a_pull_request_whose_head_moved_since_the_run_gets_nothing(
    api: FakeGitHub, artifact: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = comment(api, artifact, capsys, "--pr-head", "d" * 40)
    assert code == 5
    assert f"o/r#7 was pushed to since this run: its head is {HEAD[:12]}, not dddddddddddd" in err
    assert api.received("POST") == [] and api.received("PATCH") == []


@pytest.mark.parametrize(
    "moved",
    [(7, "d" * 40, COMMIT), (7, HEAD, "e" * 40)],
    ids=["new head", "new merge commit"],
)
def test_a_push_while_the_files_are_listed_posts_nothing(
    api: FakeGitHub,
    artifact: Path,
    capsys: pytest.CaptureFixture[str],
    moved: tuple[int, str, str],
) -> None:
    """The files listed must be those of the head that ran: else evidence and list disagree."""
    api.pulls = [(7, HEAD, COMMIT)]

    def push() -> None:
        api.pulls = [moved]

    api.after["/repos/o/r/pulls/7/files"] = push
    code, _, err = comment_on_head(api, artifact, capsys)
    assert code == 5
    assert "o/r#7 was pushed to since this run: it changed while this comment was prepared" in err
    assert api.received("POST") == [] and api.received("PATCH") == []


def test_github_not_listing_every_changed_file_makes_a_pass_unverified(
    api: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    api.changed_files = 3_400
    passing = write_evidence(tmp_path / "evidence", "passing.xml")
    assert comment(api, passing, capsys)[0] == 0
    [post] = api.received("POST")
    assert post.body is not None
    assert post.body["body"].splitlines()[1].startswith("## ⚠ gates: UNVERIFIED")
    assert "GitHub did not list 3,399 of the files" in post.body["body"]
