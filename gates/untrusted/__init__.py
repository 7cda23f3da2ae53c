"""Reading what gates cannot trust: reports, manifests, verdicts, policies, bounded and strict.

* :mod:`gates.untrusted.safeio`: size bounds, strict UTF-8, JSON and (defused) XML;
* :mod:`gates.untrusted.fields`: typed access to a parsed document, each error naming the field;
* :mod:`gates.untrusted.safetext`: scalars from untrusted text, bounded; quoting in messages.
"""
