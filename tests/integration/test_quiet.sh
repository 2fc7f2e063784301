#!/bin/bash
# --quiet drops the Running/PASS/SKIP lines; failures and the summary remain.
source "$(dirname "$0")/lib.sh"

make_test grp/pass.test session true
make_test grp/skip.test session "sh -c 'exit 77'"
make_test grp/fail.test session "sh -c 'echo why; exit 1'"

run_runner -d "$TREE" --quiet
assert_eq "$RC" 2 "exit status"
for s in "Running test:" "PASS:" "SKIP:"; do assert_not_contains "$OUT" "$s"; done
assert_eq "$(count_lines "$OUT" "FAIL: grp/fail.test (exited with status 1)")" 2 "FAIL lines"
assert_line "$OUT" "  | why"
grep -qE '^SUMMARY: total=3; passed=1; skipped=1; failed=1;' "$OUT" || fail "wrong SUMMARY"

# Nothing failed: only the summary (and the seed line) is left.
rm "$TREE/installed-tests/grp/fail.test"
run_runner -d "$TREE" --quiet --order=name
assert_eq "$RC" 0 "exit status without failures"
[[ $(cat "$OUT") =~ ^SUMMARY:\ total=2\;\ passed=1\;\ skipped=1\;\ failed=0\;[^$'\n']*$ ]] \
    || fail "--quiet --order=name printed more than the SUMMARY line"
assert_tmp_clean
echo ok
