#!/bin/bash
# SIGINT to the runner while a test hangs: with --backtraces=yes the stacks of the test's 3
# processes are taken before they are stopped (source "interrupt"), on the console and in the
# JSON report; with the default (auto) none are, and no eu-stack runs. A second SIGINT while
# the stacks are being taken ends the run at once, the capture's tools killed.
#
# Usage: test_backtrace_interrupt.sh RUNNER HANG_TREE
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/backtrace.sh"
HANG=$(bt_program "${2:?usage: $0 RUNNER HANG_TREE}")

json=$SCRATCH/results.jsonl
mkfifo "$SCRATCH/ready.fifo"
make_test grp/a-hang.test session "$HANG 3 $SCRATCH/ready.fifo"
make_test grp/b-never.test session true

# interrupt_hang ARGS...: runs the runner with ARGS (SIGINT at its default, as from a terminal;
# eu-stack found on $RUN_PATH, by default through the logging wrapper), and once the tree is in
# place records its host pids in $SCRATCH/tree.pids and sends SIGINT; the runner's pid goes to
# RUNNER_PID, and, unless INTERRUPT_ONLY is set, its exit status to RC.
interrupt_hang() {
    : >"$EU_STACK_LOG"
    PATH=${RUN_PATH:-$WRAP:$PATH} TMPDIR=$RUN_TMP env --default-signal=INT "$RUNNER" -d "$TREE" \
        --order=name --timeout=60 --json="$json" "$@" >"$OUT" 2>"$ERR" </dev/null &
    RUNNER_PID=$!
    wait_ready "$SCRATCH/ready.fifo" "$RUNNER_PID"
    ours hang_tree | sort -n >"$SCRATCH/tree.pids"
    assert_eq "$(grep -c . "$SCRATCH/tree.pids")" 3 "hang_tree processes once ready"
    # At once: the monitor says its pid only 20 ms into the test, and stacks asked for before
    # that are taken once it has.
    if [[ -n ${INTERRUPT_ONLY:-} ]]; then
        kill -INT "$RUNNER_PID"
    else
        stop_runner "$RUNNER_PID" INT
    fi
}

assert_interrupted() {
    assert_eq "$RC" 130 "exit status after SIGINT"
    assert_line "$OUT" "FAIL: grp/a-hang.test (interrupted by SIGINT)"
    assert_not_contains "$OUT" "Running test: grp/b-never.test"
    assert_none_left hang_tree eu-stack
    assert_tmp_clean
}

# 1. --backtraces=yes: the stacks, then the stop.
start=$(now_ms)
interrupt_hang --backtraces=yes
elapsed=$(($(now_ms) - start))
assert_interrupted
pids=$(paste -sd ' ' "$SCRATCH/tree.pids")
assert_tree_stacks_shown
bt_json "$json" "$pids" <<'PY'
import sys
from backtrace_json import *
records = tests(sys.argv[1])
r = records["grp/a-hang.test"]
assert r["outcome"] == "interrupted", r
bt = backtrace(r, "interrupt")
assert sorted(p["pid"] for p in bt["processes"]) == sorted(map(int, sys.argv[2].split())), bt
found = sorted(fn for t in threads(bt) for fn in functions(t) if fn.startswith("hang_in_"))
assert found == ["hang_in_child", "hang_in_child", "hang_in_parent"], found
assert all("error" not in p for p in bt["processes"]), bt["processes"]
assert "grp/b-never.test" not in records
PY
echo "interrupted run with stacks: ${elapsed} ms"

# 2. The default (auto): no stacks on an interrupt, no eu-stack run.
interrupt_hang
assert_interrupted
assert_eq "$(eu_stack_runs)" 0 "eu-stack runs on an interrupt with --backtraces=auto"
assert_not_contains "$OUT" "hang_in_"
bt_json "$json" <<'PY'
import sys
from backtrace_json import *
r = tests(sys.argv[1])["grp/a-hang.test"]
assert r["outcome"] == "interrupted", r
assert r.get("backtrace") is None, r["backtrace"]
PY

# 3. A second SIGINT while the capture runs: an eu-stack that never ends (it says it started on
# a FIFO, then sleeps) is killed, and the run ends at once rather than at the capture's deadline.
mkdir "$SCRATCH/stuck"
mkfifo "$SCRATCH/capturing.fifo"
printf '#!/bin/sh\necho "$*" > %s\nexec sleep 1000\n' "$SCRATCH/capturing.fifo" >"$SCRATCH/stuck/eu-stack"
chmod 0755 "$SCRATCH/stuck/eu-stack"
RUN_PATH=$SCRATCH/stuck:$PATH INTERRUPT_ONLY=1 interrupt_hang --backtraces=yes --backtrace-timeout=60
wait_ready "$SCRATCH/capturing.fifo" "$RUNNER_PID"
start=$(now_ms)
stop_runner "$RUNNER_PID" INT
elapsed=$(($(now_ms) - start))
assert_interrupted
assert_none_left sleep
((elapsed < 10000)) || fail "the second SIGINT took ${elapsed} ms to end the run"
bt_json "$json" "$(paste -sd ' ' "$SCRATCH/tree.pids")" <<'PY'
import sys
from backtrace_json import *
r = tests(sys.argv[1])["grp/a-hang.test"]
assert r["outcome"] == "interrupted", r
bt = backtrace(r, "interrupt")
assert sorted(p["pid"] for p in bt["processes"]) == sorted(map(int, sys.argv[2].split())), bt
assert not threads(bt), bt
assert all("interrupted again" in p.get("error", "") for p in bt["processes"]), bt["processes"]
assert bt["took_ms"] < 60000, bt["took_ms"]
PY
echo ok
