from solo import Span


def test_span() -> None:
    assert Span(1, 3).high == 3
