"""``gates alerts``: the ``[alert.<name>]`` rules evaluated after a verdict, each alert sent once.

* :mod:`gates.alerts.rules`: which alerts a run raises against the runs before it (pure);
* :mod:`gates.alerts.state`: what was already sent, keyed by rule and subject (a file);
* :mod:`gates.alerts.notify`: the terminal, Markdown, GitHub and JSON forms (pure text);
* :mod:`gates.alerts.webhook`: the opt-in webhooks (Slack-compatible, generic JSON POST).
"""
