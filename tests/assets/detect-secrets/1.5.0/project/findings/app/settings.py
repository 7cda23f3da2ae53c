"""Settings of a small service (the secrets are the well-known fake examples of each vendor)."""

DEBUG = False
AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
DATABASE_PASSWORD = "s3cr3t-Pa55w0rd-for-prod"
GITHUB_TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a"
LOG_LEVEL = "INFO"
