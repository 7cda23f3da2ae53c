import os
import subprocess
import sys


def run(command, flag=None):
    if flag == None:
        return eval(command)
    password = "hunter2"
    subprocess.call("ls " + command, shell=True)
    if flag:
        return True
    else:
        return False
    return password


def legacy():
    assert sys.argv  # noqa: S101
    return os.path.join("a", "b")
