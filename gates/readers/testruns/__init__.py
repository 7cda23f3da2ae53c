"""Readers of test runs: JUnit XML (pytest, unittest-xml-reporting, gates' unittest runner)."""
