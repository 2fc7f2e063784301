#!/bin/bash
# -L/--log-directory writes every test's whole output to DIR/<name with / as _>.txt,
# creating DIR.
source "$(dirname "$0")/lib.sh"

make_test grp/pass.test session "sh -c 'echo passing-out; echo passing-err >&2'"
# More lines than the console shows, to prove the log is complete.
make_test grp/fail.test session "sh -c 'seq 1 150; exit 1'"
make_test top.test session "sh -c 'echo top'"

logs=$SCRATCH/logs/nested
run_runner -d "$TREE" -L "$logs"
assert_eq "$RC" 2 "exit status"
assert_eq "$(entries "$logs")" "grp_fail.test.txt grp_pass.test.txt top.test.txt" "files in the log directory"
assert_line "$logs/grp_pass.test.txt" "passing-out"
assert_line "$logs/grp_pass.test.txt" "passing-err"
assert_eq "$(cat "$logs/grp_fail.test.txt")" "$(seq 1 150)" "log of grp/fail.test"
assert_eq "$(cat "$logs/top.test.txt")" "top" "log of top.test"

# The long option, into an existing directory.
rm -rf "${logs:?}"/*
run_runner -d "$TREE" --log-directory="$logs" top
assert_eq "$(cat "$logs/top.test.txt")" "top" "log of top.test with --log-directory"
assert_tmp_clean
echo ok
