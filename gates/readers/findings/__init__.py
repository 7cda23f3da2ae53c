"""Readers of findings: linters, the type checker, security scanners, and any SARIF log;
with the companion reports that prove what a tool looked at (``file-list``, ``mypy-linecount``)."""
