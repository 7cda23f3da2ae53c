"""The output registry: every format has exactly one renderer, and it agrees."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gates.errors import UsageError
from gates.outputs import OUTPUTS, OutputFormat, RenderOptions, render
from tests.unit.outputs import _verdicts


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_every_format_has_its_renderer(output_format: OutputFormat) -> None:
    module = OUTPUTS[output_format]
    assert output_format.value == module.FORMAT


def test_the_registry_holds_nothing_else() -> None:
    assert set(OUTPUTS) == set(OutputFormat)


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_every_format_renders_text_with_a_final_newline(output_format: OutputFormat) -> None:
    for verdict in (_verdicts.passing(), _verdicts.mixed(), _verdicts.hostile()):
        text = render(verdict, output_format)
        assert text.endswith("\n")
        assert not text.endswith("\n\n")
        text.encode("utf-8")  # no lone surrogate survives into any output


@pytest.mark.parametrize("output_format", list(OutputFormat))
def test_every_format_is_deterministic(output_format: OutputFormat) -> None:
    options = RenderOptions(color=True, width=90)
    first = render(_verdicts.mixed(), output_format, options=options)
    assert render(_verdicts.mixed(), output_format, options=options) == first


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: RenderOptions(width=39), "at least 40 columns"),
        (lambda: RenderOptions(max_chars=1999), "at least 2000 characters"),
        (lambda: RenderOptions(max_offenders=-1), "cannot be negative"),
    ],
)
def test_render_options_refuse_values_outside_their_domain(
    make: Callable[[], RenderOptions], words: str
) -> None:
    with pytest.raises(UsageError, match=words) as caught:
        make()
    assert caught.value.slug == "render-options"
    assert caught.value.hint


def test_render_options_take_their_smallest_values() -> None:
    options = RenderOptions(width=40, max_chars=2000, max_offenders=0)
    assert (options.width, options.max_chars, options.max_offenders) == (40, 2000, 0)
