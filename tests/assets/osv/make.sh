#!/bin/sh
# Regenerate the offline audit's recorded reports (reports/) from the advisories
# in advisories/ and the requirements in project/: `python -m gates.osv`, run from
# this folder with gates importable. Nothing leaves the machine.
set -eu
run() { python -m gates.osv --advisories "$1" --max-age-days "$2" -o "reports/$3.json" -r "project/$4.txt"; }
run advisories 3650 vulnerable vulnerable
run advisories 3650 clean clean
run advisories 3650 skipped skipped
run advisories 90 stale clean
run missing 90 missing-folder clean
