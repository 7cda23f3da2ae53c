"""The benchmark capability: same-run A/B of the merge base and the working tree.

* :mod:`gates.benchmark.stage`: ``gates bench``, the stage (merge base, git worktree, environments);
* :mod:`gates.benchmark.rounds`: alternating fresh processes, adaptive, within a time budget;
* :mod:`gates.benchmark.compare`: pure: head against base, paired rounds or a stored baseline;
* :mod:`gates.benchmark.stats`: pure: signed-rank / Mann-Whitney, Hodges-Lehmann, Holm.

The stage and ``gates check`` decide with the same code (:mod:`gates.benchmark.compare`, which
the ``benchmarks`` kind of evidence measures with).
"""
