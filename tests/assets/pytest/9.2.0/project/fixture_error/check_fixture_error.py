import pytest


@pytest.fixture
def database():
    raise ConnectionError("database is down")


def check_needs_database(database):
    assert database


def check_missing_fixture(no_such_fixture):
    assert no_such_fixture


def check_fine():
    assert True


@pytest.fixture
def releases_badly():
    yield
    raise OSError("could not release the lock")


def check_setup_and_teardown_errors(releases_badly, database):
    assert False


def check_skipped_then_teardown_error(releases_badly):
    pytest.skip("skipped, but the fixture still tears down")
