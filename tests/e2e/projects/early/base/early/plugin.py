"""Loaded by `-p early.plugin`, while pytest parses its options: before pytest-cov starts."""

MARKER = "early: a test of the early package"


def pytest_configure(config):
    config.addinivalue_line("markers", MARKER)
