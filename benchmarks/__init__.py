"""Benchmarks of gates itself: generators of large evidence and timing harnesses."""
