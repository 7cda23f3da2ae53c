"""``gates init``: adopt gates in a project as it is (its packages, tests, install, style).

:mod:`gates.init.scaffold` detects the layout and writes ``noxfile.py``, ``gates.toml`` and the
tool pins (:mod:`gates.init.initrender`); the other modules each read one thing of the project.
"""
