"""The commands a stage's recipe runs, one module per tool family, and what they are given.

* :mod:`gates.stage.commands.coverage`: what the test stages measure coverage with (the
  project's configuration, or its package), and the paths the other tools are given;
* :mod:`gates.stage.commands.testrunner`: pytest or unittest, under coverage.py;
* :mod:`gates.stage.commands.semgrep`: semgrep offline, with local rules only;
* :mod:`gates.stage.commands.workflows`: zizmor and actionlint on .github/workflows.
"""
