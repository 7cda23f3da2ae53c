"""Only new problems block: a finding identity that survives edits, and a reviewed baseline.

* :mod:`~gates.baseline.source` and :mod:`~gates.baseline.identity`: what a
  finding is, whatever line it is on today (never the line number alone);
* :mod:`~gates.baseline.match`: today's findings against the baseline's, as
  multisets (a copy of an accepted finding is new);
* :mod:`~gates.baseline.store`: the baseline file, ``gates-baseline.json``;
* :mod:`~gates.baseline.git`: renames since the baseline, lines changed since the base;
* :mod:`~gates.baseline.marks` (pure) and :mod:`~gates.baseline.apply` (I/O):
  what ``new = true`` and ``changed = true`` findings gates count;
* :mod:`~gates.baseline.cli`: ``gates baseline``.

docs/baseline.md tells the whole story.
"""
