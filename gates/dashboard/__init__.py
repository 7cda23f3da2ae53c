"""``gates dashboard``: one self-contained HTML page of the verdict and its history (docs/dashboard.md).

* :mod:`gates.dashboard.model`: the typed input (a :class:`Run` per run), pure;
* :mod:`gates.dashboard.build`: a verdict or a history record -> a ``Run``, and the page's
  figures (base, change, trend, flaky and slowest tests), pure;
* :mod:`gates.dashboard.svg`: the charts, inline SVG made here, pure;
* :mod:`gates.dashboard.render`: the page, pure;
* :mod:`gates.dashboard.read`: the JSON verdict and the past runs read (I/O).
"""
