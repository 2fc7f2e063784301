#!/bin/bash
# Even a runner killed with SIGKILL (no chance to clean up) leaves no test process behind: its
# spawner dies with it, and each monitor then stops its test's whole tree.
source "$(dirname "$0")/lib.sh"

make_prog long "
setsid sh -c \"echo \\\$\\\$ > $SCRATCH/daemon.pid; exec sleep 1000\" </dev/null >/dev/null 2>&1 &
sleep 1000 & echo \$! > $SCRATCH/child.pid
while [ ! -s $SCRATCH/daemon.pid ]; do sleep 0.05; done
echo started > $SCRATCH/ready.fifo
exec sleep 1000"
mkfifo "$SCRATCH/ready.fifo"
make_test grp/long.test session "$BIN/long"

TMPDIR=$RUN_TMP "$RUNNER" -d "$TREE" --kill-grace=1 >"$OUT" 2>"$ERR" </dev/null &
runner=$!
wait_fifo "$SCRATCH/ready.fifo"
kill -KILL "$runner"
wait "$runner" || true

# The monitor's grace is 1 s; allow a loaded machine some slack before calling it a leak.
for f in daemon child; do
    pid=$(cat "$SCRATCH/$f.pid")
    timeout 15 tail -s 0.1 --pid="$pid" -f /dev/null || true
    assert_pid_gone "$SCRATCH/$f.pid"
done
echo ok
