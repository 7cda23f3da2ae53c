import os
import subprocess


def run(user_path):
    # ruleid: shell-injection
    subprocess.run("ls " + user_path, shell=True)
    # ruleid: shell-injection
    subprocess.check_output(f"cat {user_path}", shell=True)
    # ruleid: shell-injection
    os.system("rm " + user_path)
    # ruleid: shell-injection
    os.popen(user_path)
    # ok: shell-injection
    subprocess.run(["ls", user_path])
    # ok: shell-injection
    subprocess.run("ls -l", shell=True)
    # ok: shell-injection
    os.system("true")
