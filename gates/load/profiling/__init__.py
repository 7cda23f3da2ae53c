"""The service's profile under load, kept for people: pstats, flame graph, memray, the index."""
