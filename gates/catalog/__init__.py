"""The catalogues, declared once: the stages, the tools, the metrics.

Everything else is built from them or checked against them by a test: the
Nox recipes (their sessions, docs and planned tools), the CI plan's standard
stages, the JSON Schema of ``gates.toml``, the SARIF output's security tags,
the tool pins shipped in ``gates/data/tools.txt``, and the tables in README.md
and docs/policy.md. Standard library only, and nothing of gates above them.
"""
