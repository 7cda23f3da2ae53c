"""A package measured by `coverage run -m pytest`, with a pytest plugin of its own."""

VERSION = "1.0"
