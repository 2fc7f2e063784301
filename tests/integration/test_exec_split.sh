#!/bin/bash
# Exec= is split like a shell command line (quotes and backslashes, no expansion) and the
# program is looked up in PATH.
source "$(dirname "$0")/lib.sh"

make_prog args 'for a in "$@"; do echo "[$a]"; done > "$OUTFILE"'
PATH=$BIN:$PATH
make_test grp/split.test session "args plain 'single quoted' \"double quoted\" back\\ slash '\$HOME' \"a'b\"" \
    "TestEnvironment=OUTFILE=$SCRATCH/argv;"

run_runner -d "$TREE"
assert_eq "$RC" 0 "exit status"
assert_eq "$(cat "$SCRATCH/argv")" "[plain]
[single quoted]
[double quoted]
[back slash]
[\$HOME]
[a'b]" "arguments received"
assert_tmp_clean
echo ok
