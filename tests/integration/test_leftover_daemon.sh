#!/bin/bash
# A passing test that leaves a process behind (a double-forked, detached daemon, or a
# plain background child) still passes; the process is killed, the user is told, and the
# runner does not wait for it.
source "$(dirname "$0")/lib.sh"

pidfile=$SCRATCH/daemon.pid
# The subshell forks the daemon and exits, so the daemon is orphaned; it has its own
# session and none of the test's file descriptors, like a real daemon.
make_prog spawn "
( setsid sh -c 'echo \$\$ > $pidfile; exec sleep 1000' </dev/null >/dev/null 2>&1 & )
while [ ! -s $pidfile ]; do sleep 0.05; done
exit 0"
make_test grp/daemon.test session "$BIN/spawn"
# A plain background child, still holding the output pipe: no waiting for its EOF.
make_test grp/background.test session "sh -c 'sleep 1000 & echo \$! > $SCRATCH/background.pid'"
make_test grp/plain.test session "true"

start=$(now_ms)
run_runner -d "$TREE" --order=name
elapsed=$(($(now_ms) - start))
assert_eq "$RC" 0 "exit status"
assert_line "$OUT" "PASS: grp/daemon.test"
assert_line "$OUT" "PASS: grp/background.test"
# The note follows the PASS line of each test that left a process, and no other.
for t in daemon background; do
    grep -A1 -xF "PASS: grp/$t.test" "$OUT" | grep -qxF "  note: killed 1 process the test left running" \
        || fail "no note after PASS: grp/$t.test"
done
assert_eq "$(grep -c '^  note: ' "$OUT")" 2 "note lines"
assert_pid_gone "$pidfile"
assert_pid_gone "$SCRATCH/background.pid"
((elapsed < 20000)) || fail "took ${elapsed} ms: waited for the daemon?"
assert_tmp_clean
echo ok
