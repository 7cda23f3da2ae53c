"""gitleaks' SARIF log through the sarif reader: its finding, without the secret it holds."""

from __future__ import annotations

import json
from pathlib import Path

from gates.model.reports import Severity
from gates.readers.findings import sarif
from gates.readers.interface import ReadContext
from gates.untrusted.safeio import Blob
from tests.unit.readers.secrets._leak import rendered

LOG = Path(__file__).resolve().parents[3] / "assets" / "sarif" / "gitleaks" / "8.30.1"


def test_gitleaks_own_sarif_log_is_a_medium_finding_without_the_secret() -> None:
    raw = (LOG / "sarif_simple.sarif").read_bytes()
    snippet = json.loads(raw)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    secret = snippet["region"]["snippet"]["text"]
    assert secret == "a secret"
    data = sarif.read(Blob("gitleaks.sarif", raw, ""), ReadContext(root="/work/project"))
    assert [(f.tool, f.rule, f.path, f.line, f.severity) for f in data.findings] == [
        ("gitleaks", "test-rule", "auth.py", 1, Severity.MEDIUM)
    ]
    shown = repr(data) + rendered(data, sarif.FORMAT)
    assert secret not in shown
    assert "opps" not in shown  # nor the commit's message in partialFingerprints
