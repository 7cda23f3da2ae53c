"""gates: quality gates as code for Python repositories."""

from __future__ import annotations

__all__ = ["__version__"]

__version__ = "0.1.0"
