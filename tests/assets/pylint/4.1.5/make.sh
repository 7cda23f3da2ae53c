#!/bin/sh
# Regenerates the pylint 4.1.5 reports (`sh make.sh` from here; PYLINT names the pylint to run, by
# default the one on PATH; `pip install pylint==4.1.5`). Run from project/ as the lint stage runs it:
#     pylint --disable=all --enable=duplicate-code --persistent=n --output-format=json2 <package>
# report.json: app/, whose broken.py does not parse (a syntax-error message, exit 2) and whose
# copy.py repeats tangled.py's function body (a duplicate-code message, exit 8 with it);
# clean.json: app/ without broken.py; empty.json: a folder with no Python file;
# missing.json: a path that does not exist (a fatal message); package.json: lib/, whose
# __init__.py repeats tools.py (pylint names the package it was given by its bare name, `lib`).
# Exit codes go to exit-codes.txt.
set -u
PYLINT=${PYLINT:-pylint}
HERE=$(pwd)
: > exit-codes.txt
run() { # run <report> <pylint arguments...>
    out=$1; shift
    (cd project && "$PYLINT" --disable=all --enable=duplicate-code --persistent=n \
        --output-format=json2 "$@" > "$HERE/$out")
    echo "$out $?" >> exit-codes.txt
}
run report.json app
run clean.json --ignore=broken.py app
run empty.json empty
run missing.json nowhere
run package.json lib
"$PYLINT" --version | head -1 > version.txt
