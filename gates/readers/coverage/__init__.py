"""Readers of coverage: coverage.py's JSON, its Cobertura XML and its text report."""
