import json
import marshal
import pickle
import shelve


def load(blob, handle, path):
    # ruleid: unsafe-deserialization
    a = pickle.loads(blob)
    # ruleid: unsafe-deserialization
    b = pickle.load(handle)
    # ruleid: unsafe-deserialization
    c = marshal.loads(blob)
    # ruleid: unsafe-deserialization
    d = shelve.open(path)
    # ok: unsafe-deserialization
    e = json.loads(blob)
    # ok: unsafe-deserialization
    f = pickle.dumps(e)
    return a, b, c, d, f
