#!/bin/sh
# Builds a small git history in /tmp and records `git diff --numstat` the way
# the stage does: one header comment line naming the command, then git's output.
# Usage: sh make.sh [git-binary]
set -eu
GIT=${1:-git}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=/tmp/gates-git-fixture
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
export GIT_AUTHOR_NAME=fixture GIT_AUTHOR_EMAIL=fixture@example.invalid
export GIT_COMMITTER_NAME=fixture GIT_COMMITTER_EMAIL=fixture@example.invalid
export GIT_AUTHOR_DATE=2025-01-01T00:00:00Z GIT_COMMITTER_DATE=2025-01-01T00:00:00Z
export GIT_CONFIG_NOSYSTEM=1 HOME="$WORK"   # no user or system config (quotePath, renames, ...)
numstat() { # numstat OUTPUT BASE: what the stage writes for `BASE...HEAD`
    { echo "# git diff --numstat $2...HEAD -- *.py"
      "$GIT" diff --numstat "$2...HEAD" -- '*.py'; } > "$HERE/$1"
}
"$GIT" init -q -b main
mkdir -p pkg/old docs
printf 'def a():\n    return 1\n' > pkg/core.py
seq 1 40 | sed 's/.*/VALUE_& = &/' > pkg/old/moved.py
printf 'x = 1\n' > pkg/gone.py
printf 'print("hi")\n' > 'pkg/with space.py'
HELLO=$(printf 'pkg/h\303\251llo.py')             # "héllo.py" in UTF-8
printf 'print("h\303\251")\n' > "$HELLO"
printf '\000\001binary\000' > pkg/blob.py
printf '# Docs\n' > docs/index.md
"$GIT" add -A && "$GIT" commit -q -m base

"$GIT" checkout -q -b docs-only main
printf '# Docs\n\nMore words.\n' > docs/index.md
"$GIT" commit -q -am docs
numstat docs-only.txt main

"$GIT" checkout -q -b feature main
printf 'def a():\n    return 2\n\n\ndef b():\n    return 3\n' > pkg/core.py   # +5 -1
mkdir -p pkg/new && "$GIT" mv pkg/old/moved.py pkg/new/moved.py               # rename into another dir
printf 'VALUE_41 = 41\n' >> pkg/new/moved.py                                  # ... with one added line
"$GIT" rm -q pkg/gone.py                                                      # deletion
printf 'print("hi")\nprint("there")\n' > 'pkg/with space.py'
printf 'print("h\303\251")\nprint("\303\251")\n' > "$HELLO"     # non-ASCII name: C-quoted
printf '\000\002binary\000' > pkg/blob.py                                     # binary: "-<TAB>-"
printf 'def added():\n    return "new"\n' > pkg/added.py
printf '# Docs\n\nFeature docs.\n' > docs/index.md
"$GIT" add -A && "$GIT" commit -q -m feature
numstat feature.txt main

"$GIT" checkout -q -b rename-only main
"$GIT" mv pkg/core.py pkg/renamed.py                        # pkg/{core.py => renamed.py}
"$GIT" mv 'pkg/with space.py' top_level.py                  # no common part: a => b
mkdir -p pkg/new && "$GIT" mv "$HELLO" "$(printf 'pkg/new/h\303\251llo.py')"  # quoted rename
"$GIT" commit -q -m rename
numstat rename-only.txt main

"$GIT" checkout -q main
numstat no-changes.txt main
cd / && rm -rf "$WORK"
