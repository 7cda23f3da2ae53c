"""Readers of secret scanners' reports: the security stage's own, and those a project already runs.

``gates_secrets``: what ``python -m gates.secrets_scan`` (detect-secrets) wrote, the
secret already a salted hash. ``gitleaks_json`` and ``trufflehog_json``: gitleaks and
TruffleHog reports, which hold each secret they found; gates keeps its rule, file and
line, never the secret (:mod:`gates.readers.secrets.hidden`).
"""
