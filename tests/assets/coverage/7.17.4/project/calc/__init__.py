"""A tiny package for coverage fixtures."""

VERSION = "1.0"
