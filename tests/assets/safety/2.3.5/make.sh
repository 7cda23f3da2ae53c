#!/bin/sh
# Regenerate the recorded safety 2.3.5 reports: safety check against the fixture
# database in db/ (hand-written, in safety-db's format), with no network at all
# (`unshare -n`: safety 3.x probes its platform at start and cannot run so).
# Run from this folder, as root (unshare), with safety 2.3.5 in $SAFETY_VENV.
set -eu
safety="${SAFETY_VENV:?a venv with safety==2.3.5}/bin/safety"
cd project
for name in vulnerable clean empty unpinned; do
  code=0
  HOME="$(mktemp -d)" unshare -n "$safety" check --db ../db -r "$name.txt" --output json \
    > "../$name.json" 2>/dev/null || code=$?
  echo "$name: exit $code"
done
