"""A pytest plugin of the package (pytest.ini: `-p edge.plugin`).

pytest imports it while it parses its options, before pytest-cov starts
measuring: under `pytest --cov` these module-level lines are never counted.
"""

MARKER = "edge: a test of the edge package"


def pytest_configure(config):
    config.addinivalue_line("markers", MARKER)
