#!/bin/sh
# Regenerates app.speedscope.json: `sh make.sh` from here, with the gates virtualenv's `gates`
# and py-spy 0.4.3 on PATH. `gates load --profile` runs `py-spy record --pid <service>
# --subprocesses --rate 100 --format speedscope --nonblocking` while Locust loads the test
# service (tests/integration/load/app.py on 127.0.0.1) for 8 s, and stops it with SIGINT.
set -eu
ROOT=$(cd ../../../.. && pwd)
(cd "$ROOT" && gates load --reports .gates-assets --stage profiled \
    --service "python tests/integration/load/app.py 18946 --sleep-ms 20 --leak-kb 64" \
    --ready-url http://127.0.0.1:18946/ready --host http://127.0.0.1:18946 \
    --locustfile tests/integration/load/locustfile.py --users 4 --spawn-rate 4 \
    --run-time 8 --warmup 2 --window 1 --profile > /dev/null 2>&1 || true)
cp "$ROOT/.gates-assets/profiled/run/profile/profile.speedscope.json" app.speedscope.json
rm -rf "$ROOT/.gates-assets"
