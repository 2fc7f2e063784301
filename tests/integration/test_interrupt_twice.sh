#!/bin/bash
# Ctrl-C twice: the first stops the tests (SIGTERM, then SIGKILL after --kill-grace), a second
# one while they are being stopped ends the grace period at once, and the console says so.
source "$(dirname "$0")/lib.sh"

pidfile=$SCRATCH/stubborn.pid
mkfifo "$SCRATCH/started.fifo"
# SIG_IGN survives exec, so the sleep ignores SIGTERM as well.
make_test grp/stubborn.test session \
    "sh -c 'trap \"\" TERM; echo \$\$ > $pidfile; echo up > $SCRATCH/started.fifo; exec sleep 1000'"
make_test grp/other.test session true

grace=20
TMPDIR=$RUN_TMP env --default-signal=INT "$RUNNER" -d "$TREE" --order=name --kill-grace=$grace \
    >"$OUT" 2>"$ERR" </dev/null &
runner=$!
wait_fifo "$SCRATCH/started.fifo"
start=$(now_ms)
kill -INT "$runner"
# The test ignores SIGTERM: the runner waits out its grace...
sleep 1
kill -0 "$runner" 2>/dev/null || fail "the runner did not wait for the grace period"
assert_not_contains "$OUT" "Interrupted again"
# ... unless interrupted again.
stop_runner "$runner" INT
elapsed=$(($(now_ms) - start))
assert_eq "$RC" 130 "exit status after SIGINT twice"
((elapsed < 10000)) || fail "ended ${elapsed} ms after the first SIGINT: the second did not cut the $grace s grace short"
assert_line "$OUT" "Interrupted again by SIGINT: killing the remaining tests"
assert_line "$OUT" "FAIL: grp/stubborn.test (interrupted by SIGINT)"
grep -qE '^SUMMARY \(incomplete\): total=2;' "$OUT" || fail "no 'SUMMARY (incomplete)' line"
assert_pid_gone "$pidfile"
assert_tmp_clean
echo ok
