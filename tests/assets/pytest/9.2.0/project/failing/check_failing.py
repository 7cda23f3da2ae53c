import pytest


@pytest.fixture
def breaks_on_teardown():
    yield 1
    raise RuntimeError("teardown went wrong")


def check_passes():
    assert True


def check_fails():
    assert 1 == 2, "one is not two"


def check_raises():
    raise ValueError("unexpected value\nsecond line of the message")


def check_passes_then_teardown_error(breaks_on_teardown):
    assert breaks_on_teardown == 1


def check_fails_then_teardown_error(breaks_on_teardown):
    assert breaks_on_teardown == 2
