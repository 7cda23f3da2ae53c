"""A store with the mistakes the rule pack finds."""

import hashlib
import pickle
import subprocess

import yaml


def restore(blob):
    return pickle.loads(blob)


def settings(text):
    return yaml.load(text, Loader=yaml.Loader)


def find(cursor, name):
    cursor.execute(f"SELECT * FROM users WHERE name = '{name}'")
    return cursor.fetchall()


def backup(path):
    subprocess.run("tar czf backup.tgz " + path, shell=True, check=True)


def etag(data):
    return hashlib.md5(data).hexdigest()
