#!/bin/bash
# After a FAIL line, the last 100 lines of the test's output (--output-lines=N: N lines),
# each prefixed with "  | "; stdout and stderr both captured.
source "$(dirname "$0")/lib.sh"

make_test grp/fail.test session "sh -c 'seq 1 150; echo to-stderr >&2; exit 1'"

tail_after_fail() { # the "  | " lines following the FAIL result line, prefix removed
    sed -n '/^FAIL: grp\/fail.test/,/^SUMMARY/p' "$OUT" | sed -n 's/^  | //p'
}
check_tail() { # check_tail N: the output shows exactly the last N lines of the test's output
    local want
    want=$( (seq 1 150; echo to-stderr) | tail -n "$1")
    # First the content, then that nothing else carries the "  | " prefix of test output.
    assert_eq "$(tail_after_fail | tail -n "$1")" "$want" "last $1 lines shown"
    assert_eq "$(tail_after_fail)" "$want" "lines shown with the '  | ' prefix (only the last $1 output lines expected)"
}
run_runner -d "$TREE"
assert_eq "$RC" 2 "exit status"
check_tail 100

run_runner -d "$TREE" --output-lines=3
check_tail 3
assert_tmp_clean
echo ok
