import tempfile


def scratch():
    # ruleid: insecure-tempfile
    name = tempfile.mktemp(suffix=".txt")
    # ok: insecure-tempfile
    handle, other = tempfile.mkstemp(suffix=".txt")
    return name, handle, other
