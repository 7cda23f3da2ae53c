#!/bin/sh
# Regenerates the radon 6.0.1 reports (`sh make.sh` from here; RADON names the radon to run, by
# default the one on PATH; `pip install radon==6.0.1`). Run from project/ as the lint stage runs it:
#     radon cc --json --show-closures <package>
# cc.json: app/, whose broken.py does not parse (radon writes {"error": ...} for it and exits 0);
# cc-clean.json: app/ without broken.py; cc-empty.json: a folder with no Python file ({});
# mi.json, mi-clean.json, mi-empty.json: the maintainability index of the same (`radon mi --json`).
# Exit codes go to exit-codes.txt.
set -u
RADON=${RADON:-radon}
HERE=$(pwd)
: > exit-codes.txt
run() { # run <report> <radon arguments...>
    out=$1; shift
    (cd project && "$RADON" "$@" > "$HERE/$out")
    echo "$out $?" >> exit-codes.txt
}
run cc.json cc --json --show-closures app
run cc-clean.json cc --json --show-closures --exclude "app/broken.py" app
run cc-empty.json cc --json --show-closures empty
run mi.json mi --json app
run mi-clean.json mi --json --exclude "app/broken.py" app
run mi-empty.json mi --json empty

# radon's own average, to check gates' complexity.average against (the text output's last lines)
(cd project && "$RADON" cc -a -s --show-closures --exclude "app/broken.py" app | tail -2 > "$HERE/cc-clean-average.txt")
"$RADON" --version > version.txt
