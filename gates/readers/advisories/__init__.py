"""Readers of dependency audits against advisory databases: the offline OSV audit, safety."""
