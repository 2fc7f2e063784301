#!/bin/bash
# A test plants a FIFO where a later test's -L log goes (the log directory is writable by the
# test user). Opening it for writing would block until someone reads it, with SIGINT, SIGTERM
# and --timeout all waiting behind: the runner must neither block on it nor write into it.
# The later test runs and gets its log, a note names what stood there, and the run ends.
source "$(dirname "$0")/../integration/lib.sh"

logs=$SCRATCH/logs
mkdir -m 0777 "$logs"
make_test grp/a-plant.test session "mkfifo $logs/grp_b-victim.test.txt"
make_test grp/b-victim.test session "sh -c 'echo victim-output'"
make_test grp/c-after.test session "sh -c 'echo after-output'"

# A hang fails the test instead of hanging it (-k: the runner blocks SIGTERM while it runs).
RC=0
TMPDIR=$RUN_TMP timeout -k 5 60 "$RUNNER" -d "$TREE" --order=name -L "$logs" \
    >"$OUT" 2>"$ERR" </dev/null || RC=$?
[[ $RC != 124 && $RC != 137 ]] || fail "the run hung on the FIFO planted at a log's path"
assert_eq "$RC" 0 "exit status"
assert_line "$OUT" "PASS: grp/a-plant.test"
assert_line "$OUT" "PASS: grp/b-victim.test"
assert_line "$OUT" "PASS: grp/c-after.test"
assert_contains "$OUT" "SUMMARY: total=3; passed=3; skipped=0; failed=0"
assert_line "$OUT" "  note: log $logs/grp_b-victim.test.txt: removed a FIFO found in its place"
# The victim's log is a regular file of the runner's with the whole output; the others too.
[[ -f $logs/grp_b-victim.test.txt && ! -p $logs/grp_b-victim.test.txt ]] \
    || fail "the victim's log is not a regular file"
assert_eq "$(cat "$logs/grp_b-victim.test.txt")" "victim-output" "the victim's log"
assert_eq "$(cat "$logs/grp_c-after.test.txt")" "after-output" "the next test's log"
assert_eq "$(entries "$logs")" "grp_a-plant.test.txt grp_b-victim.test.txt grp_c-after.test.txt" \
    "files in the log directory"
assert_tmp_clean
echo ok
