"""Readers of the change and its coverage: diff-cover's JSON and ``git diff --numstat``."""
