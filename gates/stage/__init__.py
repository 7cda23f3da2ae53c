"""Stage machinery: making evidence. Stages record; gates decide.

* :mod:`gates.stage.recipes`: the standard stages as Nox sessions (``gates.nox`` is their face);
* :mod:`gates.stage.runner`: a tool run as part of a stage, recorded;
* :mod:`gates.stage.recorder`: a stage's manifest written; :mod:`gates.stage.manifest` its format;
* :mod:`gates.stage.pins`: the tool pins the stages install; :mod:`gates.stage.reuse`: evidence
  that is still what a rerun would measure;
* :mod:`gates.stage.commands`: the commands a recipe runs (the test runner under coverage.py,
  semgrep, the workflow linters) and the paths they are given; :mod:`gates.stage.rerun`: failed
  tests rerun in fresh processes; :mod:`gates.stage.shards`: the test stages split across machines.

Stage code imports nothing of the judge (``tests/unit/test_layers.py``).
"""
