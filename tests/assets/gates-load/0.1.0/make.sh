#!/bin/sh
# Regenerates the load stage's evidence in this directory: `sh make.sh` from here, with the
# gates virtualenv's `gates` and `python` on PATH (GATES=..., PYTHON=... to choose others),
# Locust 2.47.0 and hdrhistogram 0.10.8 installed. Each run is `gates load` on the
# repository (reports in .gates-assets/, removed after), the service
# tests/integration/load/app.py on 127.0.0.1 (nothing leaves the machine), every run
# bounded in users and seconds. Times, latencies and pids differ with every run and machine.
# Exit codes go to exit-codes.txt, gates' stderr to stderr.txt (this path removed).
set -u
GATES=${GATES:-gates}
PYTHON=${PYTHON:-python}
HERE=$(pwd)
ROOT=$(cd ../../../.. && pwd)
: > exit-codes.txt
: > stderr.txt
run() { # run <name> <port> <gates load arguments...>: keep each report as <name>.<file>
    name=$1; port=$2; shift 2
    (cd "$ROOT" && "$GATES" load --reports .gates-assets --stage "$name" \
        --service "$PYTHON tests/integration/load/app.py $port --sleep-ms 20 --leak-kb 64 ${APP_ARGS:-}" \
        --ready-url "http://127.0.0.1:$port/ready" --host "http://127.0.0.1:$port" \
        --window 1 "$@") > /dev/null 2> stderr.tmp
    echo "$name $?" >> exit-codes.txt
    sed -E "s|$ROOT/||g" stderr.tmp >> stderr.txt
    folder=$ROOT/.gates-assets/$name
    for file in scenario.json manifest.json; do
        [ -f "$folder/$file" ] && cp "$folder/$file" "$name.$file"
    done
    for file in latency.json memory.json locust.json locust_failures.csv; do
        [ -f "$folder/run/$file" ] && cp "$folder/run/$file" "$name.$file"
    done
    rm -f stderr.tmp
}
LOCUSTFILE=tests/integration/load/locustfile.py
run steady 18941 --locustfile $LOCUSTFILE --users 4 --spawn-rate 4 --run-time 12 --warmup 3
BURN_MS=20 run starved 18942 --locustfile $LOCUSTFILE --users 16 --spawn-rate 16 \
    --run-time 12 --warmup 3
STEPS=tests/integration/load/steps_locustfile.py
APP_ARGS="--capacity 1" STEP_USERS=1,2,4,8,16 STEP_S=4 run steps 18943 --locustfile $STEPS \
    --users 16 --spawn-rate 100 --run-time 20 --warmup 0 --steps --step-p95-ms 60 \
    --step-error-rate 0.01
STEP_WAIT_MS=0 STEP_USERS=2,4,8,16,32 STEP_S=4 run steps-saturated 18945 --locustfile $STEPS \
    --users 32 --spawn-rate 100 --run-time 20 --warmup 0 --steps --step-p95-ms 40 \
    --step-error-rate 0.01
run never-ready 18944 --locustfile $LOCUSTFILE --ready-url http://127.0.0.1:18999/ready \
    --ready-timeout 3 --users 1 --run-time 5 --warmup 0
rm -rf "$ROOT/.gates-assets"
# paybot under its own load (examples/paybot, with paybot and gates[load] installed in the
# environment: `nox -s load` there makes it); kept as paybot.<file>. Not run by default: it
# needs Debian's postgresql and redis-server. `sh make.sh paybot` runs it.
if [ "${1:-}" = paybot ]; then
    PAYBOT=$ROOT/examples/paybot
    (cd "$PAYBOT" && "$GATES" load --reports .gates-assets --stage paybot \
        --service "$PYTHON load/serve.py 18962" --ready-url http://127.0.0.1:18962/readyz \
        --ready-timeout 180 --locustfile load/locustfile.py --host http://127.0.0.1:18962 \
        --users 20 --spawn-rate 10 --run-time 90 --warmup 20 --window 5) > /dev/null 2>> stderr.txt
    echo "paybot $?" >> exit-codes.txt
    folder=$PAYBOT/.gates-assets/paybot
    cp "$folder/scenario.json" paybot.scenario.json
    cp "$folder/manifest.json" paybot.manifest.json
    for file in latency.json memory.json locust.json locust_failures.csv db.json; do
        cp "$folder/run/$file" "paybot.$file"
    done
    rm -rf "$PAYBOT/.gates-assets"
fi
