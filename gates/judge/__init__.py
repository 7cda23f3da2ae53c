"""The judge: load the evidence (I/O), then evaluate it against the policy (pure).

* :mod:`gates.judge.evidence`: every ``<reports>/<stage>/`` folder read and trusted through its
  manifest, within a budget (:mod:`gates.judge.budget`), its provenance checked
  (:mod:`gates.judge.provenance`);
* :mod:`gates.judge.evaluate`: policy + evidence -> verdict, pure: it imports no module that
  reads a file or runs a program (``tests/unit/test_layers.py``);
* :mod:`gates.judge.problems`: problems that differ only in their subject, shown as one;
* :mod:`gates.judge.crash`: a crash of gates as a verdict that still blocks.
"""
