"""Deployment: the same token pasted a second time, and an allowlisted example."""

GITHUB_TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
EXAMPLE_KEY = "AKIAIOSFODNN7EXAMPLE"  # pragma: allowlist secret
