import hashlib
import pickle
import subprocess


def run(data, cmd):
    obj = pickle.loads(data)
    subprocess.call(cmd, shell=True)
    digest = hashlib.md5(data).hexdigest()
    first = eval(cmd)  # nosec
    second = eval(cmd)  # nosec B307
    assert obj
    return digest, first, second
