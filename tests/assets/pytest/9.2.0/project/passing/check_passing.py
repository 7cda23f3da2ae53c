def check_one():
    assert 1 + 1 == 2


class CheckGroup:
    def check_method(self):
        assert "a".upper() == "A"
