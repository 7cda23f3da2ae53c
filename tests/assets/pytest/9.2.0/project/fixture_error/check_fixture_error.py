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
