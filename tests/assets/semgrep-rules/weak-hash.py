import hashlib


def digest(data):
    # ruleid: weak-hash
    a = hashlib.md5(data)
    # ruleid: weak-hash
    b = hashlib.sha1(data)
    # ruleid: weak-hash
    c = hashlib.new("md5", data)
    # ok: weak-hash
    d = hashlib.md5(data, usedforsecurity=False)
    # ok: weak-hash
    e = hashlib.sha256(data)
    return a, b, c, d, e
