"""The Markdown output: bounded, inert, and readable on GitHub."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from gates.model.verdict import Verdict
from gates.outputs import markdown
from gates.outputs._format import one_line
from gates.outputs.interface import RenderOptions
from tests.unit.outputs import _verdicts
from tests.unit.outputs._golden import assert_golden

# What GitHub does with the document, near enough: CommonMark, raw HTML, tables.
_GFM = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_OUR_TAGS = {
    "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td",
    "details", "summary", "strong", "code", "ul", "li",
}  # fmt: skip
_MORE = "more not shown — see the JSON verdict / artifacts"


class _Tags(HTMLParser):
    """The tags, comments and text of rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.comments: list[str] = []
        self.text: list[str] = []
        self.linkable: list[str] = []  # the text outside code, where GitHub finds links
        self._code = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self._code += tag == "code"
        assert attrs in ([], [("style", "text-align:right")]), f"<{tag}> with {attrs}"

    def handle_endtag(self, tag: str) -> None:
        self._code -= tag == "code"

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if not self._code:
            self.linkable.append(data)

    def plain(self) -> str:
        """The text a reader sees, without the zero-width spaces that break mentions."""
        return "".join(self.text).replace("\u200b", "").strip()


def _html(document: str) -> _Tags:
    parser = _Tags()
    parser.feed(_GFM.render(document))
    parser.close()
    return parser


def _render(verdict: Verdict, *, max_chars: int = 60_000, max_offenders: int = 10) -> str:
    options = RenderOptions(max_chars=max_chars, max_offenders=max_offenders)
    return markdown.render(verdict, options=options)


def test_golden_mixed() -> None:
    assert_golden("mixed.md", _render(_verdicts.mixed()))


def test_golden_passing() -> None:
    assert_golden("passing.md", _render(_verdicts.passing()))


def test_starts_with_the_sticky_comment_marker_and_the_status() -> None:
    lines = _render(_verdicts.mixed()).splitlines()
    assert lines[0] == "<!-- gates-verdict -->"
    assert lines[1].startswith("## ✖ gates: BLOCKED — 3 gates failed")
    assert _render(_verdicts.passing()).splitlines()[1] == "## ✔ gates: PASSED — 3 gates passed"


def test_renders_only_our_own_markup() -> None:
    for verdict in (_verdicts.mixed(), _verdicts.hostile()):
        html = _html(_render(verdict))
        assert html.tags <= _OUR_TAGS
        assert html.comments == [" gates-verdict "]


# What GitHub links in rendered text, beyond CommonMark (which the parser above
# follows): cmark-gfm's autolink extension ("www.", a scheme before "://", an
# address after "mailto:"/"xmpp:"), mentions and issue references ("@user",
# "#12", "GH-12").
_LINKED = re.compile(r"(?i)www\.|(?:https?|ftp)://|(?:mailto|xmpp):|[@#]\w|\bgh-\d")


@pytest.mark.parametrize("hostile", _verdicts.HOSTILE)
def test_escape_md_leaves_nothing_for_markdown_to_interpret(hostile: str) -> None:
    html = _html(f"x {markdown.escape_md(hostile)}")
    assert html.tags == {"p"}
    assert not html.comments
    assert not _LINKED.search("".join(html.text)), "a link, mention or reference survived"
    assert html.plain() == "x " + one_line(hostile)


@pytest.mark.parametrize("hostile", _verdicts.HOSTILE)
def test_escape_html_is_inert_inside_an_html_block(hostile: str) -> None:
    html = _html(f"<details>\n<summary>{markdown.escape_html(hostile)}</summary>\n\n</details>")
    assert html.tags == {"details", "summary"}
    assert not html.comments
    assert not _LINKED.search("".join(html.text)), "a link, mention or reference survived"
    assert html.plain() == one_line(hostile)


def test_the_hostile_verdict_leaves_no_bare_link() -> None:
    html = _html(_render(_verdicts.hostile(), max_offenders=100))
    assert "evil.example" in "".join(html.linkable)
    assert not _LINKED.search("".join(html.linkable)), "a link, mention or reference survived"


def test_hostile_text_never_breaks_a_table_row() -> None:
    tokens = _GFM.parse(_render(_verdicts.hostile(), max_offenders=100))
    cells: list[int] = []
    for token in tokens:
        if token.type == "tr_open":
            cells.append(0)
        elif token.type in ("td_open", "th_open"):
            cells[-1] += 1
    assert cells, "no table was rendered"
    assert set(cells) <= {3, 5, 6}  # offenders, gates, waivers


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("nox -s unit", "`nox -s unit`"),
        ("a `b` c", "``a `b` c``"),
        ("`edge`", "`` `edge` ``"),
        ("x ``` y", "````x ``` y````"),
        ("multi\nline", "`multi line`"),
        ("", ""),
    ],
)
def test_code_span_fences_any_backticks(text: str, span: str) -> None:
    assert markdown.code_span(text) == span


def test_code_spans_render_their_text_verbatim() -> None:
    for hostile in _verdicts.HOSTILE:
        html = _html(f"Run: {markdown.code_span(hostile)}")
        assert html.tags == {"p", "code"}
        assert html.plain() == "Run: " + one_line(hostile)


def test_failing_gates_get_details_with_offenders_and_reproduce() -> None:
    text = _render(_verdicts.mixed(), max_offenders=2)
    section = text[text.index("<strong>unit-coverage</strong>") :].split("</details>")[0]
    assert "| <code>gates/evaluate.py</code> | 71.42% | missing lines 40-52, 97 |" in section
    assert "gates/cli.py" not in section
    assert f"… and 3 {_MORE}" in section
    assert "Reproduce: `nox -s unit && coverage report --fail-under=90`" in section


def test_passing_gates_get_no_details() -> None:
    text = _render(_verdicts.passing())
    assert "<details>" not in text
    assert _MORE not in text


def test_huge_verdict_stays_under_the_comment_limit() -> None:
    for max_offenders in (10, 1_000_000):
        text = _render(_verdicts.huge(), max_offenders=max_offenders)
        assert len(text) <= 60_000
        assert _MORE in text.splitlines()[-1]
        assert "**Findings read:** 100,000 (10,000 waived)" in text


def test_budget_gives_every_failing_gate_its_section() -> None:
    text = _render(_verdicts.huge(), max_offenders=1_000_000)
    assert text.splitlines().count("<details>") == text.splitlines().count("</details>") == 2
    assert "Reproduce: `nox -s tests`" in text
    assert len(text) > 50_000  # the room was used, not wasted


@settings(max_examples=40, deadline=None)
@given(
    max_chars=st.integers(min_value=2_000, max_value=70_000),
    max_offenders=st.integers(min_value=0, max_value=200),
    hostile=st.booleans(),
)
def test_no_verdict_and_no_bound_overflow(
    max_chars: int, max_offenders: int, hostile: bool
) -> None:
    verdict = _verdicts.hostile() if hostile else _verdicts.huge(findings=1_000, offenders=3_000)
    text = _render(verdict, max_chars=max_chars, max_offenders=max_offenders)
    assert len(text) <= max_chars
    assert text.startswith(markdown.MARKER + "\n")
    assert text.splitlines().count("<details>") == text.splitlines().count("</details>")


def test_what_did_not_fit_is_counted_at_the_end() -> None:
    text = _render(_verdicts.hostile(), max_chars=5_000, max_offenders=100)
    last = text.splitlines()[-1]
    assert re.fullmatch(rf"\*\*[\d,]+ {_MORE}\*\* \(.+\)\.", last)
    assert "gate section" in last
