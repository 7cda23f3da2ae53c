import requests


def fetch(url):
    return requests.get(url, verify=False, timeout=5)


def bind():
    import socket

    sock = socket.socket()
    sock.bind(("0.0.0.0", 8080))
    return sock
