"""A fake GitHub REST API on 127.0.0.1, speaking what ``gates comment`` needs.

* ``GET /repos/{owner}/{repo}/issues/{n}/comments?per_page=&page=``: the
  comments, paginated like GitHub (a ``Link`` header with ``rel="next"`` and
  ``rel="last"``);
* ``POST /repos/{owner}/{repo}/issues/{n}/comments``: create (201);
* ``PATCH /repos/{owner}/{repo}/issues/comments/{id}``: update (200);
* ``GET /repos/{owner}/{repo}/pulls?per_page=&page=``: the open pull requests
  (:attr:`FakeGitHub.pulls`: number, head SHA, test merge SHA), paginated the
  same way;
* ``GET /repos/{owner}/{repo}/pulls/{n}``: one of them, with its base branch
  (:attr:`FakeGitHub.base`) and ``changed_files``;
* ``GET /repos/{owner}/{repo}/pulls/{n}/files?per_page=&page=``: the files pull
  request ``number`` changes (:attr:`FakeGitHub.files`, renames in
  :attr:`FakeGitHub.renames`), paginated;
* ``GET /repos/{owner}/{repo}/contents/{path}?ref=``: a file at a ref
  (:attr:`FakeGitHub.contents`, keyed by ref and path), base64 as GitHub sends it;
* ``Authorization: Bearer <token>`` required (401 "Bad credentials" otherwise);
  an unknown repository or pull request is 404.

Tests script failures with :meth:`FakeGitHub.fail_next` (any status, headers
and body, for the next requests in order), change the state once a path has
been answered with :attr:`FakeGitHub.after` (a push while a command runs), and
read what it received in :attr:`FakeGitHub.requests`. No traffic leaves
127.0.0.1.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["Comment", "FakeGitHub", "Received", "fake_github"]

_LIST = re.compile(r"^/repos/([^/]+)/([^/]+)/issues/(\d+)/comments$")
_ONE = re.compile(r"^/repos/([^/]+)/([^/]+)/issues/comments/(\d+)$")
_PULLS = re.compile(r"^/repos/([^/]+)/([^/]+)/pulls$")
_PULL = re.compile(r"^/repos/([^/]+)/([^/]+)/pulls/(\d+)$")
_FILES = re.compile(r"^/repos/([^/]+)/([^/]+)/pulls/(\d+)/files$")
_CONTENTS = re.compile(r"^/repos/([^/]+)/([^/]+)/contents/(.+)$")
DEFAULT_HEAD = "b" * 40


@dataclass
class Comment:
    id: int
    body: str
    login: str = "github-actions[bot]"

    def json(self, base: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "body": self.body,
            "user": {"login": self.login, "type": "Bot"},
            "html_url": f"{base}/o/r/pull/7#issuecomment-{self.id}",
        }


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    query: str
    authorization: str
    body: dict[str, Any] | None


@dataclass
class _Canned:
    status: int
    headers: dict[str, str]
    body: str


@dataclass
class FakeGitHub:
    """The state of the fake API: one repository ``o/r`` with pull request 7."""

    token: str
    repo: str = "o/r"
    number: int = 7
    comments: list[Comment] = field(default_factory=list)
    # number, head, merge: pull request 7 is open by default (--pr 7 looks it up)
    pulls: list[tuple[int, str, str | None]] = field(
        default_factory=lambda: [(7, DEFAULT_HEAD, None)]
    )
    base: str = "main"  # the base branch of every pull request
    files: list[str] = field(default_factory=list)  # what pull request `number` changes
    renames: dict[str, str] = field(default_factory=dict)  # new name -> previous name
    changed_files: int | None = None  # what GitHub counts, if not len(files) (over 3,000)
    contents: dict[tuple[str, str], bytes] = field(default_factory=dict)  # (ref, path) -> bytes
    after: dict[str, Callable[[], None]] = field(default_factory=dict)  # path -> once answered
    requests: list[Received] = field(default_factory=list)
    next_link: str = ""  # overrides the URL of rel="next" (a hostile server)
    url: str = ""
    _canned: list[_Canned] = field(default_factory=list)
    _next_id: int = 1000
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(
        self, status: int, *, headers: dict[str, str] | None = None, body: Any = None
    ) -> None:
        """Answer the next request (after those already scripted) with this, whatever it asks."""
        text = body if isinstance(body, str) else json.dumps(body if body is not None else {})
        self._canned.append(_Canned(status, headers or {}, text))

    def add(self, body: str, *, login: str = "github-actions[bot]") -> Comment:
        self._next_id += 1
        comment = Comment(self._next_id, body, login)
        self.comments.append(comment)
        return comment

    def received(self, method: str) -> list[Received]:
        return [request for request in self.requests if request.method == method]

    # ------------------------------------------------------------ handling

    def handle(
        self, method: str, target: str, authorization: str, raw: bytes
    ) -> tuple[int, dict[str, str], str]:
        parts = urlsplit(target)
        body = json.loads(raw) if raw else None
        with self.lock:
            self.requests.append(Received(method, parts.path, parts.query, authorization, body))
            if self._canned:
                canned = self._canned.pop(0)
                return canned.status, canned.headers, canned.body
        if authorization != f"Bearer {self.token}":
            return 401, {}, json.dumps({"message": "Bad credentials"})
        answer = self._route(method, parts.path, parse_qs(parts.query), body)
        hook = self.after.pop(parts.path, None)
        if hook is not None:
            hook()
        return answer

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, dict[str, str], str]:
        listing, one = _LIST.match(path), _ONE.match(path)
        if listing and self._ours(listing) and method == "GET":
            return self._page(query)
        if listing and self._ours(listing) and method == "POST" and body:
            comment = self.add(str(body["body"]))
            return 201, {}, json.dumps(comment.json(self.url))
        pulls = _PULLS.match(path)
        if pulls and f"{pulls[1]}/{pulls[2]}" == self.repo and method == "GET":
            listed = [_pull_json(self.repo, *pull, base=self.base) for pull in self.pulls]
            return _paged(listed, query, f"{self.url}/repos/{self.repo}/pulls")
        if method == "GET":
            found = self._read(path, query)
            if found is not None:
                return found
        if one and f"{one[1]}/{one[2]}" == self.repo and method == "PATCH" and body:
            return self._update(int(one[3]), str(body["body"]))
        return 404, {}, json.dumps({"message": "Not Found"})

    def _read(
        self, path: str, query: dict[str, list[str]]
    ) -> tuple[int, dict[str, str], str] | None:
        """A pull request, its files or a file's contents; None for another path."""
        pull, files, contents = _PULL.match(path), _FILES.match(path), _CONTENTS.match(path)
        match = pull or files or contents
        if match is None or f"{match[1]}/{match[2]}" != self.repo:
            return None
        if pull:
            return self._pull(int(pull[3]))
        if files:
            if int(files[3]) != self.number:
                return 404, {}, json.dumps({"message": "Not Found"})
            listed = [self._file_json(name) for name in self.files]
            return _paged(listed, query, f"{self.url}{path}")
        key = (query.get("ref", [""])[0], unquote(match[3]))
        if key not in self.contents:
            return 404, {}, json.dumps({"message": "Not Found"})
        return 200, {}, json.dumps(_file_contents(key[1], self.contents[key]))

    def _pull(self, number: int) -> tuple[int, dict[str, str], str]:
        for pull in self.pulls:
            if pull[0] == number:
                document = _pull_json(self.repo, *pull, base=self.base)
                count = len(self.files) if self.changed_files is None else self.changed_files
                document["changed_files"] = count if number == self.number else 0
                return 200, {}, json.dumps(document)
        return 404, {}, json.dumps({"message": "Not Found"})

    def _file_json(self, name: str) -> dict[str, Any]:
        previous = self.renames.get(name)
        if previous is None:
            return {"filename": name, "status": "modified"}
        return {"filename": name, "status": "renamed", "previous_filename": previous}

    def _update(self, comment_id: int, text: str) -> tuple[int, dict[str, str], str]:
        for comment in self.comments:
            if comment.id == comment_id:
                comment.body = text
                return 200, {}, json.dumps(comment.json(self.url))
        return 404, {}, json.dumps({"message": "Not Found"})

    def _ours(self, match: re.Match[str]) -> bool:
        return f"{match[1]}/{match[2]}" == self.repo and int(match[3]) == self.number

    def _page(self, query: dict[str, list[str]]) -> tuple[int, dict[str, str], str]:
        listed = [comment.json(self.url) for comment in self.comments]
        path = f"/repos/{self.repo}/issues/{self.number}/comments"
        return _paged(listed, query, f"{self.url}{path}", self.next_link)


def _paged(
    items: list[dict[str, Any]], query: dict[str, list[str]], url: str, next_link: str = ""
) -> tuple[int, dict[str, str], str]:
    """One page of ``items``, with GitHub's ``Link`` header (``next_link`` overrides next)."""
    per_page = min(int(query.get("per_page", ["30"])[0]), 100)
    page = int(query.get("page", ["1"])[0])
    last = max(1, -(-len(items) // per_page))
    headers = {}
    if page < last:
        following = next_link or f"{url}?per_page={per_page}&page={page + 1}"
        headers["Link"] = (
            f'<{following}>; rel="next", <{url}?per_page={per_page}&page={last}>; rel="last"'
        )
    return 200, headers, json.dumps(items[(page - 1) * per_page : page * per_page])


def _pull_json(
    repo: str, number: int, head: str, merge: str | None, *, base: str
) -> dict[str, Any]:
    return {
        "number": number,
        "state": "open",
        "head": {"sha": head, "ref": "feature", "repo": {"full_name": "fork/r"}},
        "base": {"ref": base, "sha": "e" * 40, "repo": {"full_name": repo}},
        "merge_commit_sha": merge,
    }


def _file_contents(path: str, data: bytes) -> dict[str, Any]:
    """What the contents API answers for a file: base64 in lines of 60, as GitHub sends it."""
    encoded = base64.b64encode(data).decode("ascii")
    lines = "\n".join(encoded[i : i + 60] for i in range(0, len(encoded), 60))
    return {
        "type": "file",
        "encoding": "base64",
        "size": len(data),
        "name": path.rpartition("/")[2],
        "path": path,
        "content": lines + "\n",
    }


def _handler(state: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            status, headers, body = state.handle(
                self.command, self.path, self.headers.get("Authorization", ""), raw
            )
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = _serve  # noqa: N815 - http.server's naming

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
            del format, args

    return Handler


@contextmanager
def fake_github(token: str) -> Iterator[FakeGitHub]:
    """A running fake API; ``.url`` is its base URL (``http://127.0.0.1:PORT``)."""
    state = FakeGitHub(token=token)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
