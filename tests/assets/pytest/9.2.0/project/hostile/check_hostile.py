def check_cdata_end():
    print("stdout with ]]> and <tag> & \x1b[31mansi\x1b[0m")
    assert "]]>" == "]]", "message with ]]> inside"


def check_control_chars():
    assert False, "bell\x07 null\x00 escape\x1b backspace\x08 del\x7f"


def check_xml_markup():
    assert False, "<failure message='x'/>&amp;</testcase>"


def check_long_message():
    assert False, "first line\n" + "x" * 600


def check_surrogates():
    assert False, "lone surrogate \ud800 and emoji 🎉"
