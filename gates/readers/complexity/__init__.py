"""Readers of complexity reports: radon's per function and per file, complexipy's per function."""
