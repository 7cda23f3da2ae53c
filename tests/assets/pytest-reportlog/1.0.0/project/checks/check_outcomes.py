"""Every outcome pytest reports, and a test that fails on its first run only (a counter file)."""

from pathlib import Path

import pytest

COUNTER = Path(__file__).with_name("attempts.txt")


def attempt() -> int:
    """This run's number: 1 on the first, 2 on the rerun (counted in a file, never timed)."""
    number = int(COUNTER.read_text()) + 1 if COUNTER.exists() else 1
    COUNTER.write_text(str(number))
    return number


@pytest.fixture
def broken_setup():
    raise RuntimeError("the fixture cannot start")


@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("the fixture cannot stop")


def check_passes():
    assert 1 + 1 == 2


def check_fails():
    assert 1 + 1 == 3, "arithmetic"


def check_fails_first_run_only():
    assert attempt() > 1, "fails on the first run"


@pytest.mark.skip(reason="not on this platform")
def check_skipped():
    pass


@pytest.mark.xfail(reason="a known bug")
def check_xfail():
    assert False


def check_setup_error(broken_setup):
    pass


def check_teardown_error(broken_teardown):
    pass


class CheckGroup:
    def check_method(self):
        assert True
