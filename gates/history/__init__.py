"""The history of verdicts: one record per run, kept in git, read back for ratchets and trends.

* :mod:`gates.history.model`: the typed values (a run's record, the base branch's history);
* :mod:`gates.history.record`: a verdict and its evidence -> the record's JSON (pure);
* :mod:`gates.history.parse`: a record's JSON, untrusted, -> :class:`RunRecord`;
* :mod:`gates.history.store`: the orphan branch, written with git plumbing (compare-and-swap);
* :mod:`gates.history.base`: the records along the base branch's first-parent chain;
* :mod:`gates.history.ratchet`: a gate's value against the base's (pure).

The format is docs/history.md and ``gates/data/history.schema.json``.
"""
