"""A small package for radon to measure."""
