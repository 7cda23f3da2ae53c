import ssl

import httpx
import requests


def fetch(url):
    # ruleid: tls-verify-disabled
    requests.get(url, verify=False)
    # ruleid: tls-verify-disabled
    httpx.post(url, json={}, verify=False)
    # ruleid: tls-verify-disabled
    context = ssl._create_unverified_context()
    # ruleid: tls-verify-disabled
    context.verify_mode = ssl.CERT_NONE
    # ok: tls-verify-disabled
    requests.get(url, timeout=5)
    # ok: tls-verify-disabled
    requests.get(url, verify="/etc/ssl/certs/ca.pem")
    # ok: tls-verify-disabled
    context.verify_mode = ssl.CERT_REQUIRED
    return context
