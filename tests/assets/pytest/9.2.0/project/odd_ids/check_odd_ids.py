import pytest


@pytest.mark.parametrize(
    "value",
    ["plain", "ünïcödé", "日本", "[brackets]", "a::b", "sp ace", "tab\there", 'quo"te', "<&>", "é::[x]"]
    + ["new\nline", "cr\rret", "back\\slash", "a/b.c", "it's", "(paren)", "#hash"],
)
def check_param(value):
    assert value


@pytest.mark.parametrize("a,b", [(1, 2), (3, 4)], ids=["first::id", "second[id]"])
def check_custom_ids(a, b):
    assert a < b


class CheckNested:
    class CheckInner:
        @pytest.mark.parametrize("n", [0, -1])
        def check_deep(self, n):
            assert n <= 0
