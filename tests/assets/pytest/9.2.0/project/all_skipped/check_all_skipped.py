import sys

import pytest


@pytest.mark.skip(reason="not ready")
def check_marked_skip():
    assert False


@pytest.mark.skipif(sys.version_info > (3,), reason="only on Python 2")
def check_skipif():
    assert False


def check_skip_inside():
    pytest.skip("skipped at run time")
