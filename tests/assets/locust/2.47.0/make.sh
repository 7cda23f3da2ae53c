#!/bin/sh
# Regenerates the Locust 2.47.0 runs in this directory: `sh make.sh` from here, with the gates
# virtualenv's `locust` and `python` on PATH (LOCUST=..., PYTHON=... to choose others).
# The service is tests/integration/load/app.py on 127.0.0.1:18931 (nothing leaves the
# machine); the load is tests/integration/load/locustfile.py with gates' listener beside it.
# Each run is bounded: 4 users, 6 seconds. Latencies, times and worker ids differ with every
# run and machine; the counts of one run agree across its files (that is what the tests check).
# Exit codes go to exit-codes.txt, stderr to stderr.txt (timestamps and this path removed).
set -u
LOCUST=${LOCUST:-locust}
PYTHON=${PYTHON:-python}
HERE=$(pwd)
ROOT=$(cd ../../../.. && pwd)
LOAD=$ROOT/tests/integration/load
LISTENER=$ROOT/gates/load/run/listener.py
PORT=18931
HOST=http://127.0.0.1:$PORT
: > exit-codes.txt
: > stderr.txt
"$PYTHON" "$LOAD/app.py" $PORT --sleep-ms 20 --leak-kb 64 2> /dev/null &
APP=$!
trap 'kill $APP' EXIT
sleep 1
run() { # run <name> <locust arguments...>: raw latencies kept in <name>.raw.tsv
    name=$1; shift
    rm -rf raw && mkdir raw
    RAW_LATENCIES=$HERE/raw "$LOCUST" -f "$LOAD/locustfile.py,$LISTENER" --headless \
        --host $HOST -u 4 -r 4 -t 6s --only-summary --gates-window 1 \
        --gates-out "$HERE/$name.latency.json" --json-file "$HERE/$name.locust" \
        --csv "$HERE/$name" "$@" > /dev/null 2> stderr.tmp
    echo "$name $?" >> exit-codes.txt
    sed -E "s|$ROOT/||g; s|^\[[0-9 :,-]+\] [^/]+/|$name: |" stderr.tmp >> stderr.txt
    cat raw/raw-*.tsv > "$name.raw.tsv"
    rm -rf raw stderr.tmp
}
run local
run processes --processes 2
BURN_MS=20 run starved -u 16 -r 16
