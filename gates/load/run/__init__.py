"""Running a load test: the service's lifecycle, Locust with gates' listener, the recording, profiles.

The rest of :mod:`gates.load` is what a run's figures mean (percentiles and their
confidence, memory and its growth, the steps) and its evidence formats.
"""
