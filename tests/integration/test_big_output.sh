#!/bin/bash
# Tests writing far more than a pipe holds neither block nor bloat the runner: a passing
# one stays silent, a failing one still shows the end of its output, and a log directory
# gets every byte.
source "$(dirname "$0")/lib.sh"

make_test grp/many-lines.test session "seq 1 2000000"
make_test grp/fail-after-lots.test session "sh -c 'seq 1 300000; seq 1 100000 >&2; echo the end; exit 1'"

logs=$SCRATCH/logs
run_runner -d "$TREE" -L "$logs"
assert_eq "$RC" 2 "exit status"
assert_line "$OUT" "PASS: grp/many-lines.test"
assert_line "$OUT" "FAIL: grp/fail-after-lots.test (exited with status 1)"
assert_eq "$(grep '^  | ' "$OUT" | tail -n 2)" "$(printf '  | %s\n' 100000 'the end')" "end of the output"
# Only the tail is shown (100 lines; some headroom for a truncation notice).
(($(wc -l <"$OUT") < 120)) || fail "printed $(wc -l <"$OUT") lines"
assert_eq "$(wc -l <"$logs/grp_many-lines.test.txt")" 2000000 "lines in the log of grp/many-lines.test"
assert_eq "$(tail -n 1 "$logs/grp_many-lines.test.txt")" 2000000 "last line in the log"
assert_eq "$(wc -l <"$logs/grp_fail-after-lots.test.txt")" 400001 "lines in the log of grp/fail-after-lots.test"
assert_tmp_clean
echo ok
