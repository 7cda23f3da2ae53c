"""Reading what gates cannot trust: reports, manifests, verdicts, policies, bounded and strict.

* :mod:`gates.untrusted.safeio`: size bounds, strict UTF-8, JSON and (defused) XML, typed fields;
* :mod:`gates.untrusted.safetext`: scalars from untrusted text, bounded; quoting in messages.
"""
