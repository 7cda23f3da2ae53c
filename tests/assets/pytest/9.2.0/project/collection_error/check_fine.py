def check_fine():
    assert True
