"""A package whose pytest plugin pytest imports early (`-p early.plugin`)."""

NAME = "early"
