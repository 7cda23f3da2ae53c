#!/bin/sh
# Regenerates stats.json: `sh make.sh` from here, with memray 1.20.0 and curl on PATH. The
# load stage's test service runs under `memray run` (as `gates load --memray` starts it),
# serves 40 leaking and 40 slow requests on 127.0.0.1, is stopped with SIGTERM (as the
# stage stops it: memray's file is then not closed, which memray reads anyway), and
# `memray stats --json` summarises the capture.
set -eu
ROOT=$(cd ../../../.. && pwd)
WORK=$(mktemp -d)
python -m memray run --follow-fork --quiet --force -o "$WORK/capture.bin" \
    "$ROOT/tests/integration/load/app.py" 18977 --sleep-ms 5 --leak-kb 64 > /dev/null 2>&1 &
PID=$!
sleep 3
for _ in $(seq 1 40); do
    curl -s -o /dev/null http://127.0.0.1:18977/leak
    curl -s -o /dev/null http://127.0.0.1:18977/slow
done
kill -TERM "$PID"
wait "$PID" || true
python -m memray stats --json -o stats.json --force "$WORK/capture.bin"
rm -rf "$WORK"
