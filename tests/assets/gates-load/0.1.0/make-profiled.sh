#!/bin/sh
# Regenerates the profiled.* files: `sh make-profiled.sh` from here, with the gates
# virtualenv's `gates` and `python` on PATH, Locust 2.47.0, hdrhistogram 0.10.8, py-spy 0.4.3
# and memray 1.20.0 installed. One step-load run (users 1, 2, 4, 8 for 3 s each) of the test
# service on 127.0.0.1 with the profile required and memray: `gates load --profile=required
# --memray`. Keeps kept.json (gates-load-kept), the manifest, the breaking-point chart and
# memray's stats as profiled.<file>.
set -eu
ROOT=$(cd ../../../.. && pwd)
(cd "$ROOT" && STEP_USERS=1,2,4,8 STEP_S=3 gates load --reports .gates-assets --stage profiled \
    --service "python tests/integration/load/app.py 18946 --sleep-ms 20 --leak-kb 64 --capacity 1" \
    --ready-url http://127.0.0.1:18946/ready --host http://127.0.0.1:18946 \
    --locustfile tests/integration/load/steps_locustfile.py --users 8 --spawn-rate 100 \
    --run-time 12 --warmup 0 --window 1 --steps --step-p95-ms 60 --step-error-rate 0.01 \
    --profile=required --memray > /dev/null 2>&1)
folder=$ROOT/.gates-assets/profiled
cp "$folder/kept.json" profiled.kept.json
cp "$folder/manifest.json" profiled.manifest.json
cp "$folder/breaking-point.svg" profiled.breaking-point.svg
cp "$folder/run/profile/memray-stats.json" profiled.memray-stats.json
rm -rf "$ROOT/.gates-assets"
