"""The page: self-contained, no script, every evidence text escaped, unknown said as such."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from gates.dashboard.build import run_from_verdict, summarize_tests
from gates.dashboard.markup import UNKNOWN_TREND, signed
from gates.dashboard.model import Dashboard, Expiring, ExpiringKind, GateValue, Run
from gates.dashboard.render import render
from gates.dashboard.sections import days_left
from gates.history.model import RecordedTest
from tests.unit.dashboard._fixtures import gate_run
from tests.unit.outputs._verdicts import HOSTILE, hostile, mixed

_ELEMENTS = frozenset(
    (
        *("html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "p"),
        *("span", "code", "nav", "a", "section", "table", "caption", "thead", "tbody", "tr"),
        *("th", "td", "svg", "g", "polyline", "circle", "rect", "text", "ul", "li", "footer"),
    )
)


class _Elements(HTMLParser):
    """Every start tag and its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _elements(page: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser.tags


def _assert_self_contained(page: str) -> None:
    for tag, attrs in _elements(page):
        assert tag in _ELEMENTS, tag
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "srcset", "action", "formaction"), (tag, name)
            if name == "href":
                assert (value or "").startswith("#"), value
            if name == "xmlns":
                assert value == "http://www.w3.org/2000/svg"


def _board(current: Run, history: tuple[Run, ...] = (), **kwargs: object) -> Dashboard:
    return Dashboard(current=current, history=history, today="2026-12-01", **kwargs)  # type: ignore[arg-type]


def _current() -> Run:
    return run_from_verdict(mixed(), source="verdict.json", date="2026-12-01T00:00:00Z")


def test_without_history_every_trend_is_unknown_never_a_flat_line() -> None:
    page = render(_board(_current(), unknown="no history branch 'gates-history'"))
    assert '<svg class="trend"' not in page
    gates = page[page.index('id="gates"') : page.index('id="expiring"')]
    assert gates.count(UNKNOWN_TREND) == len(_current().gates)
    assert "base unknown: no history branch" in page
    _assert_self_contained(page)


def test_with_history_each_gate_has_its_chart_base_and_change() -> None:
    current = _current()
    history = tuple(
        replace(gate_run(i, {"unit-coverage": 88.0 + i, "lint": 0.0}), commit=f"{i:040x}")
        for i in range(1, 6)
    )
    page = render(_board(current, history))
    assert page.count('<svg class="trend"') == 2  # unit-coverage and lint: the others unknown
    row = re.search(r"<tr><td>unit-coverage</td>.*?</tr>", page)
    assert row is not None
    assert ">89.99%<" in row.group() and ">93.00%<" in row.group()  # current, base
    assert "-3.00 pp" in row.group()
    assert "trend (last 6 runs)" in page
    _assert_self_contained(page)


@pytest.mark.parametrize("with_history", [False, True])
def test_hostile_evidence_adds_no_markup(with_history: bool) -> None:
    current = run_from_verdict(hostile(), source="v.json", date="<b>")
    tests = summarize_tests([RecordedTest("unit", h, "passed", 1.0, 1) for h in HOSTILE])
    current = replace(current, tests=tests, branch=HOSTILE[2])
    history = (current,) if with_history else ()
    page = render(_board(current, history, problems=HOSTILE))
    _assert_self_contained(page)
    assert "<script>" not in page
    assert "<img" not in page
    assert "&lt;script&gt;" in page


def test_the_same_board_renders_the_same_bytes() -> None:
    board = _board(_current(), (gate_run(1, {"lint": 1.0}), gate_run(2, {"lint": 2.0})))
    assert render(board) == render(board)


def test_waivers_show_days_left_and_expired_ones_as_expired() -> None:
    page = render(_board(_current()))
    section = page[page.index('id="expiring"') : page.index('id="tests"')]
    assert "finding pip-audit:GHSA-h4gh-qq45-vh27" in section
    assert ">61<" in section  # 2027-01-31 from 2026-12-01
    assert 'class="status expired"' in section
    assert "no owner" in section
    assert days_left("2026-12-11", __import__("datetime").date(2026, 12, 1)) == 10
    assert days_left("never", __import__("datetime").date(2026, 12, 1)) is None


def test_quarantines_are_listed_with_their_expiry() -> None:
    quarantine = Expiring(
        kind=ExpiringKind.QUARANTINE,
        target="tests/test_pay.py::test_retry",
        owner="@payments",
        reason="flaky on CI",
        expires="2026-12-05",
        status="used",
    )
    page = render(_board(replace(_current(), expiring=(quarantine,))))
    assert "quarantine" in page and "test_retry" in page and ">4<" in page


def test_the_security_picture() -> None:
    page = render(_board(_current()))
    section = page[page.index('id="security"') : page.index('id="load"')]
    assert "31 audited, 0 not audited" in section
    assert "no secrets scan in this verdict" in section
    assert '<svg class="bars"' in section
    assert "semgrep" in section and "critical" in section
    waived = section[section.index("Waived, and until when") :]
    assert "GHSA-h4gh-qq45-vh27" in waived and "2027-01-31" in waived
    assert "left-pad" not in waived  # a package waiver is not a security one


def test_tests_unknown_without_records_and_shown_with_them() -> None:
    assert "tests unknown" in render(_board(_current()))
    rows = [
        RecordedTest("unit", "t::slow", "passed", 3.25, 0),
        RecordedTest("unit", "t::f", "passed", 0.5, 2),
    ]
    current = replace(_current(), tests=summarize_tests(rows))
    page = render(_board(current))
    assert "2 tests in 3.8 s (this run)" in page
    assert "unit::t::f" in page[page.index("Flaky tests") : page.index("Slowest tests")]
    assert "3.250" in page[page.index("Slowest tests") :]


def test_load_results_when_present() -> None:
    assert "No load-test result" in render(_board(_current()))
    load = GateValue(
        name="p95", metric="load.p95_ms", status="pass", value=120.0, bound="<= 200", unit="ms"
    )
    current = replace(_current(), gates=(*_current().gates, load))
    section = render(_board(current))
    assert "load.p95_ms" in section[section.index('id="load"') :]


def test_signed_changes() -> None:
    assert signed("coverage.percent", 1.5) == "+1.50 pp"
    assert signed("tests.failed", -3.0) == "-3"
    assert signed("tests.failed", 0.0) == "±0"
    assert signed("tests.failed", None) == "n/a"
