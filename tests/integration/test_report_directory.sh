#!/bin/bash
# --report-directory=DIR keeps the working directory of each failing test as
# DIR/<name with / as _>/ with its output in output.txt; nothing for passing tests.
source "$(dirname "$0")/lib.sh"

make_test grp/fail.test session "sh -c 'echo evidence > artifact.txt; echo failing-output; exit 1'"
make_test grp/pass.test session "sh -c 'echo x > artifact.txt'"
make_test grp/skip.test session "sh -c 'exit 77'"

reports=$SCRATCH/reports
run_runner -d "$TREE" --report-directory="$reports"
assert_eq "$RC" 2 "exit status"
assert_eq "$(entries "$reports")" "grp_fail.test" "entries in the report directory"
kept=$reports/grp_fail.test
assert_eq "$(entries "$kept")" ".testtmp artifact.txt output.txt" "files kept for grp/fail.test"
assert_eq "$(cat "$kept/artifact.txt")" "evidence" "artifact.txt"
assert_line "$kept/output.txt" "failing-output"
# Kept in the report directory, not in TMPDIR.
assert_tmp_clean

# A test that makes output.txt a directory of its own: its output is not kept there (a note
# says so), and nothing else is left in the report directory.
rm -rf "$reports"
make_test grp/fail.test session "sh -c 'mkdir -p output.txt/sub; echo failing-output; exit 1'"
run_runner -d "$TREE" --report-directory="$reports" grp/fail
assert_eq "$RC" 2 "exit status with output.txt taken"
assert_contains "$OUT" "output not kept in $reports/grp_fail.test"
assert_eq "$(entries "$reports")" "grp_fail.test" "entries in the report directory"
echo ok
