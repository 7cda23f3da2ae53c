"""Readers of the reports of secret scanners a project already runs: gitleaks and TruffleHog.

Their reports hold each secret they found; gates keeps its rule, file and
line, never the secret (:mod:`gates.readers.secrets.hidden`).
"""
