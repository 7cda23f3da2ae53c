"""Readers of complexity reports: radon's cyclomatic complexity per function, its maintainability index per file."""
