"""Tests of the complexity readers."""
