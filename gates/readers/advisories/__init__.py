"""Readers of dependency audits against advisory databases: pip-audit, the offline OSV audit, safety."""
