"""The dashboard in a real headless browser: Chromium from Debian (``apt-get install chromium``).

The page is opened from ``file://`` with no network: it must load without a
console message (an error, a refused request, a script), its charts must be
in the DOM Chromium built, and a screenshot must come out. A control page
with a console error and a blocked request proves the check can fail.
Skipped only when Chromium is not installed (CI installs it: ``.ci/run``).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Final

import pytest

from gates.dashboard.build import run_from_verdict, summarize_tests
from gates.dashboard.model import Dashboard
from gates.dashboard.render import render
from gates.history.model import RecordedTest
from gates.system import process
from tests.unit.dashboard._fixtures import gate_run
from tests.unit.outputs._verdicts import HOSTILE, hostile, mixed

CHROMIUM: Final = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium)"
)
_CONSOLE: Final = re.compile(r":CONSOLE[:(]")  # how Chromium logs a page's console message


def _open(page: Path, screenshot: Path) -> tuple[str, str]:
    """The DOM Chromium built from ``page``, and its console log."""
    assert CHROMIUM is not None
    done = process.run(
        [
            CHROMIUM,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--enable-logging=stderr",
            "--v=0",
            "--hide-scrollbars",
            "--window-size=1100,1600",
            f"--user-data-dir={screenshot.parent / 'profile'}",
            f"--screenshot={screenshot}",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        timeout=180,  # a hang, not a time limit: it takes seconds
    )
    assert done.code == 0, done.tail()
    stderr = done.stderr.decode("utf-8", "replace")
    console = [line for line in stderr.splitlines() if _CONSOLE.search(line)]
    return done.stdout.decode("utf-8", "replace"), "\n".join(console)


def _board() -> Dashboard:
    current = run_from_verdict(mixed(), source="verdict.json", date="2026-12-01T00:00:00Z")
    tests = [RecordedTest("unit", h, "passed", float(i), 1) for i, h in enumerate(HOSTILE)]
    current = replace(current, tests=summarize_tests(tests), branch=HOSTILE[2])
    history = tuple(
        gate_run(i, {"unit-coverage": 85.0 + i % 5, "lint": float(i % 3)}) for i in range(20)
    )
    return Dashboard(current=current, history=history, today="2026-12-01", problems=HOSTILE)


def test_the_page_loads_without_console_messages_and_its_charts_render(tmp_path: Path) -> None:
    page = tmp_path / "dashboard.html"
    page.write_text(render(_board()), encoding="utf-8")
    shot = tmp_path / "dashboard.png"
    dom, console = _open(page, shot)
    assert console == ""
    # unit-coverage and lint; the total test time is known for one run only: "trend unknown"
    assert dom.count('<svg class="trend"') == 2
    assert dom.count("<polyline") == 2
    assert '<svg class="bars"' in dom
    assert "<script" not in dom  # the hostile test ids stayed text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_hostile_verdict_page_loads_clean(tmp_path: Path) -> None:
    board = Dashboard(
        current=run_from_verdict(hostile(), source="v.json", date=""),
        history=(),
        today="2026-12-01",
    )
    page = tmp_path / "hostile.html"
    page.write_text(render(board), encoding="utf-8")
    dom, console = _open(page, tmp_path / "hostile.png")
    assert console == ""
    assert "<img" not in dom and "<script" not in dom


def test_the_check_sees_a_console_error_and_a_blocked_request(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" '
        'content="img-src \'none\'"></head><body><img src="http://127.0.0.1:9/x.png">'
        '<script>console.error("boom")</script></body></html>',
        encoding="utf-8",
    )
    _, console = _open(page, tmp_path / "bad.png")
    assert "boom" in console
    assert "Content Security Policy" in console
