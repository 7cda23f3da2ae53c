"""Locust imported once, before any unit test, without gevent's monkey patching.

Importing Locust patches the standard library (threads become greenlets, ``time.sleep``
yields) for the whole process unless ``LOCUST_SKIP_MONKEY_PATCH`` is set: the unit
tests of the listener would then change how every other unit test runs, and what
coverage records of them. The variable is set for the import only, so that a real
Locust the tests start in a subprocess is patched as usual.
"""

from __future__ import annotations

import os

_SKIP = "LOCUST_SKIP_MONKEY_PATCH"
_before = os.environ.get(_SKIP)
os.environ[_SKIP] = "1"
try:
    import locust  # noqa: F401  # the first import decides, and this is it
finally:
    if _before is None:
        del os.environ[_SKIP]
    else:
        os.environ[_SKIP] = _before
