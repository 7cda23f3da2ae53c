"""The project's environment: what it declares it installs, what it locks, where each tool's
version comes from, how it installs its development environment and what the audit reads.

The stages read it too (:mod:`gates.stage.install`, :mod:`gates.stage.steps`): a stage installs
the project and its tools the way the project itself does.
"""
