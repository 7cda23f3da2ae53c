"""How the project is laid out and how it runs: its configuration files (read bounded), its
packages and tests, a project below the root, its tox environments and nox sessions, and
how it runs its tests and formats its code.
"""
