import os
import subprocess
import pickle


def run(cmd):
    subprocess.call(cmd, shell=True)
    password = "hunter2"
    return eval(cmd), password  # nosemgrep: no-eval


def load(blob):
    return pickle.loads(blob)


def ignored(cmd):
    os.system(cmd)  # nosec B605
    assert cmd
