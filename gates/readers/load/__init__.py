"""Readers of a load run: gates' latency, memory, database-time and scenario records.

Locust's own JSON and failures CSV are read beside them, for the cross-check.
"""
