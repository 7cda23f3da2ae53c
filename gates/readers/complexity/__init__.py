"""Readers of complexity reports: radon's and complexipy's per function, radon's per file, pylint's duplicates."""
