#!/bin/bash
# A test that ignores SIGTERM is SIGKILLed once the grace period (--kill-grace, which may
# be fractional; 5 s by default) is over.
source "$(dirname "$0")/lib.sh"

pidfile=$SCRATCH/stubborn.pid
# SIG_IGN survives exec, so the sleep ignores SIGTERM as well.
make_test grp/stubborn.test session "sh -c 'trap \"\" TERM; echo \$\$ > $pidfile; exec sleep 1000'"

timeout=1 grace=1.5
start=$(now_ms)
run_runner -d "$TREE" --timeout=$timeout --kill-grace=$grace
elapsed=$(($(now_ms) - start))
assert_eq "$RC" 2 "exit status"
assert_line "$OUT" "FAIL: grp/stubborn.test (timed out after $timeout s)"
assert_pid_gone "$pidfile"
# SIGTERM had no effect, so the whole grace period must have passed before SIGKILL.
((elapsed >= 2400)) || fail "ended after ${elapsed} ms, before timeout + grace (2.5 s)"
((elapsed < 10000)) || fail "took ${elapsed} ms"
assert_tmp_clean

# The default grace is 5 s.
rm "$pidfile"
start=$(now_ms)
run_runner -d "$TREE" -t 1
elapsed=$(($(now_ms) - start))
assert_line "$OUT" "FAIL: grp/stubborn.test (timed out after 1 s)"
assert_pid_gone "$pidfile"
((elapsed >= 5900)) || fail "ended after ${elapsed} ms, before timeout + default grace (6 s)"
((elapsed < 14000)) || fail "took ${elapsed} ms with the default grace"
assert_tmp_clean
echo ok
