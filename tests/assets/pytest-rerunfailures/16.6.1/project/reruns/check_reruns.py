"""Tests that pass, fail and error on some attempts: run with `--reruns 2`.

Each attempt is counted in a file next to this module, so a fresh copy of the
project starts from attempt 1.
"""

from pathlib import Path

import pytest


def attempt(name):
    """This run's attempt number of the test ``name``: 1, 2, 3, ..."""
    counter = Path(__file__).with_name(f".attempts-{name}")
    number = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(number))
    return number


def check_fails_then_passes():
    assert attempt("fails_then_passes") > 1, "fails on the first attempt"


def check_fails_every_attempt():
    assert False, "fails on every attempt"


def check_passes():
    assert True


@pytest.fixture
def service():
    if attempt("service") == 1:
        raise ConnectionError("service not ready yet")
    return "service"


def check_setup_error_then_passes(service):
    assert service == "service"


@pytest.fixture
def leaky():
    yield
    raise OSError("could not clean up")


def check_teardown_error_every_attempt(leaky):
    assert True


@pytest.mark.flaky(reruns=3)
def check_marker_passes_on_third_attempt():
    assert attempt("marker") >= 3, "fails on the first two attempts"


@pytest.mark.skip(reason="never rerun")
def check_skipped():
    assert False


@pytest.mark.xfail(reason="an expected failure is not rerun")
def check_xfail():
    assert False
