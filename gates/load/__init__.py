"""The load stage's measurement core (issue 13).

* :mod:`gates.load.histogram`: latencies in nanoseconds, bucketed the HdrHistogram way
  (3 significant digits: at most 0.098 % relative error), with the standard V2 wire
  encoding, decoded here without the ``hdrhistogram`` package and with bounds.
* :mod:`gates.load.percentiles`: a percentile and its distribution-free confidence
  interval from order statistics, and the three-way judgement against a bound.
* :mod:`gates.load.run.recorder` and :mod:`gates.load.run.listener`: the Locust plugin that
  records every request (per endpoint, per time window, merged across workers).
* :mod:`gates.load.evidence`: the versioned JSON the plugin writes, and its reader.
* :mod:`gates.load.summary`: the metrics of a run, and why a run cannot be trusted.
* :mod:`gates.load.memory` and :mod:`gates.load.trend`: the service's memory under load
  and its growth slope with an interval.
* :mod:`gates.load.run.service`: starting the service, waiting for it, running Locust, and
  stopping everything that was started.
* :mod:`gates.load.steps`: the breaking point of a step-load run.

Only the recorder and the listener need the ``load`` extra (Locust, hdrhistogram); the
rest is the standard library, so reading the evidence keeps the core install light.
"""
