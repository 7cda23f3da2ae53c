from solo import Span


def test_span() -> None:
    assert Span(1, 3).high == 3


def test_width() -> None:
    assert Span(1, 3).width() == 3
