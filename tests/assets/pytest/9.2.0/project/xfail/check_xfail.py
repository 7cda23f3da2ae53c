import pytest


@pytest.mark.xfail(reason="known bug 123")
def check_xfail_fails():
    assert False


@pytest.mark.xfail(reason="fixed upstream", strict=False)
def check_xpass_lenient():
    assert True


@pytest.mark.xfail(reason="must fail", strict=True)
def check_xpass_strict():
    assert True


@pytest.mark.xfail(raises=KeyError, reason="wrong exception type")
def check_xfail_wrong_exception():
    raise ValueError("not a KeyError")


def check_xfail_imperative():
    pytest.xfail("decided at run time")
