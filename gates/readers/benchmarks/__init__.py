"""Readers of benchmarks: pytest-benchmark's JSON (``gates bench`` writes one per side)."""
