"""Everything under tests/assets is data: the recorded projects' own tests are not gates' tests."""

collect_ignore_glob = ["*"]
