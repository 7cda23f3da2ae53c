"""The command line, one module per command group; the only place that prints and exits.

``gates`` (the console script) and ``python -m gates`` run :func:`main`
(:mod:`gates.cli.main`: the parser, the exit codes, the errors printed).
The commands: :mod:`gates.cli.check` (``check``), :mod:`gates.cli.stage`
(``run``, ``tools``, ``init``, ``schema``), :mod:`gates.cli.bench` (``bench``),
:mod:`gates.cli.ci` (``plan``, ``jobs``, ``annotate``, ``comment``);
:mod:`gates.cli.options` declares the options they share.
"""

from gates.cli.main import main

__all__ = ["main"]
