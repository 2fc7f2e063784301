#!/bin/bash
# A test that times out is ended with all its processes, including a grandchild that
# left the session with setsid; the run takes about timeout + grace, not the test's 1000 s.
source "$(dirname "$0")/lib.sh"

pidfile=$SCRATCH/daemon.pid
make_test grp/hang.test session \
    "sh -c 'setsid sh -c \"echo \\\$\\\$ > $pidfile; exec sleep 1000\" & sleep 1000'"

timeout=2 grace=1
start=$(now_ms)
run_runner -d "$TREE" -t $timeout --kill-grace=$grace
elapsed=$(($(now_ms) - start))
assert_eq "$RC" 2 "exit status"
# One result line plus its repetition after SUMMARY.
assert_eq "$(count_lines "$OUT" "FAIL: grp/hang.test (timed out after $timeout s)")" 2 "timeout FAIL lines"
assert_eq "$(count_lines "$OUT" "Running test: grp/hang.test")" 1 "Running lines"
grep -qE '^SUMMARY: total=1; passed=0; skipped=0; failed=1;' "$OUT" || fail "wrong SUMMARY"
assert_pid_gone "$pidfile"
# sleep dies of SIGTERM, so the grace need not be used up; allow slack for a loaded machine.
((elapsed >= timeout * 1000)) || fail "ended after ${elapsed} ms, before the ${timeout} s timeout"
((elapsed < (timeout + grace + 8) * 1000)) || fail "took ${elapsed} ms"
assert_tmp_clean
echo ok
