"""The system gates runs on: other programs, git, files written whole. One module each.

* :mod:`gates.system.process`: the one way gates runs another program (a timeout, a failure explained);
* :mod:`gates.system.git`: every git command gates runs; the commit and a digest of local changes;
* :mod:`gates.system.gitnames`: pure: a git ref as gates accepts one, a policy glob as a pathspec;
* :mod:`gates.system.atomic`: the one atomic write;
* :mod:`gates.system.collector`: the one way the cyclic garbage collector is paused.
"""
