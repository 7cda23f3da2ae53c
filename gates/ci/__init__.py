"""Continuous integration: the plan a CI matrix runs, annotations, GitHub, the verdict artifact.

* :mod:`gates.ci.plan`: ``gates plan`` and ``gates jobs``;
* :mod:`gates.ci.annotate`: findings on changed lines as GitHub workflow commands;
* :mod:`gates.ci.github` (the client), :mod:`gates.ci.github_pulls` (the pull request) and
  :mod:`gates.ci.github_comment` (the sticky comment): the GitHub REST API;
* :mod:`gates.ci.verdict_file`: the JSON verdict read back, and an evidence artifact judged again;
* :mod:`gates.ci.trust`: what the sticky comment vouches for.
"""
