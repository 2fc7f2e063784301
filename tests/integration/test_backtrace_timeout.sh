#!/bin/bash
# A test that reaches its --timeout: before it is stopped, eu-stack takes the stacks of each of
# its 3 processes (a parent and two children, one of which left the session with setsid), once
# each; the console and the JSON report show them (source "timeout"), the outcome stays TIMEOUT,
# and the capture adds less than --backtrace-timeout to the run. No eu-stack is left running
# or unreaped, no test process survives; with a deadline too short for any stack, the processes
# say so and the test is still stopped at once; --backtraces=no runs no eu-stack at all.
#
# Usage: test_backtrace_timeout.sh RUNNER HANG_TREE
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/backtrace.sh"
HANG=$(bt_program "${2:?usage: $0 RUNNER HANG_TREE}")

timeout=2 bt_timeout=5 grace=1
json=$SCRATCH/results.jsonl
mkfifo "$SCRATCH/ready.fifo"
make_test grp/a-hang.test session "$HANG 3 $SCRATCH/ready.fifo"

# hang_run ARGS...: runs the runner on the tree with ARGS in the background (eu-stack found on
# $RUN_PATH: by default through the wrapper that logs its runs), and once the tree is in place
# (hang_tree says so on the FIFO) records its host pids in $SCRATCH/tree.pids and the parent's
# in $SCRATCH/parent.pid; the run's status goes to RC, its wall time (ms) to ELAPSED.
hang_run() {
    local runner start pid ppid sid setsid=0 tree
    : >"$EU_STACK_LOG"
    start=$(now_ms)
    PATH=${RUN_PATH:-$WRAP:$PATH} TMPDIR=$RUN_TMP "$RUNNER" -d "$TREE" --order=name \
        --timeout=$timeout --kill-grace=$grace --json="$json" "$@" >"$OUT" 2>"$ERR" </dev/null &
    runner=$!
    wait_ready "$SCRATCH/ready.fifo" "$runner"
    ours hang_tree | sort -n >"$SCRATCH/tree.pids"
    [[ $(grep -c . "$SCRATCH/tree.pids") == 3 ]] ||
        fail "expected 3 hang_tree processes once ready, found: $(paste -sd ' ' "$SCRATCH/tree.pids")"
    # The parent is the one whose parent is no hang_tree; one child leads a session of its own.
    tree=" $(paste -sd ' ' "$SCRATCH/tree.pids") "
    : >"$SCRATCH/parent.pid"
    for pid in $tree; do
        read -r ppid sid < <(ps -o ppid=,sid= -p "$pid")
        [[ $tree == *" $ppid "* ]] || echo "$pid" >>"$SCRATCH/parent.pid"
        [[ $sid != "$pid" ]] || setsid=$((setsid + 1))
    done
    [[ $(grep -c . "$SCRATCH/parent.pid") == 1 ]] || fail "not one parent in the tree: $(cat "$SCRATCH/parent.pid")"
    [[ $setsid == 1 ]] || fail "expected one hang_tree child in a session of its own, found $setsid"
    RC=0
    wait "$runner" || RC=$?
    ELAPSED=$(($(now_ms) - start))
}

# What every run must leave: the TIMEOUT result, nothing running, nothing in TMPDIR.
assert_timed_out() {
    assert_eq "$RC" 2 "exit status"
    assert_eq "$(count_lines "$OUT" "FAIL: grp/a-hang.test (timed out after $timeout s)")" 2 "timeout FAIL lines"
    assert_none_left hang_tree eu-stack
    assert_tmp_clean
}

# 1. The default (auto): stacks of the 3 processes, taken once each.
hang_run --backtrace-timeout=$bt_timeout
elapsed_bt=$ELAPSED
assert_timed_out
pids=$(paste -sd ' ' "$SCRATCH/tree.pids")

# The console shows each process's stacks, and eu-stack ran once on each.
assert_tree_stacks_shown
assert_eq "$(eu_stack_runs)" 3 "eu-stack runs"

took_ms=$(bt_json "$json" "$pids" "$(cat "$SCRATCH/parent.pid")" "$bt_timeout" <<'PY'
import sys
from backtrace_json import *
path, pids, parent, bound_s = sys.argv[1], sorted(map(int, sys.argv[2].split())), int(sys.argv[3]), float(sys.argv[4])
r = tests(path)["grp/a-hang.test"]
assert r["outcome"] == "timeout" and "timed out" in r["reason"], r
bt = backtrace(r, "timeout")
assert sorted(p["pid"] for p in bt["processes"]) == pids, (bt["processes"], pids)
parents, children = [], []
for p in bt["processes"]:
    assert "error" not in p, p
    assert "hang_tree" in p["command"], p
    assert len(p["threads"]) == 1, p
    t = p["threads"][0]
    assert t["tid"] == p["pid"] and "crashed" not in t, t
    assert t.get("name") == "hang_tree", t
    fns = functions(t)
    (parents if "hang_in_parent" in fns else children).append(p["pid"])
    f = frame(t, "hang_in_parent") or frame(t, "hang_in_child")
    assert f, fns
    assert f["file"].endswith("hang_tree.c") and f["line"] > 0, f
    assert f["module"].endswith("/hang_tree"), f
    assert "main" in fns[fns.index(f["function"]):], fns
assert len(parents) == 1 and len(children) == 2, (parents, children)
assert parents == [parent], (parents, parent)
assert 0 < bt["took_ms"] < bound_s * 1000, bt["took_ms"]
print(bt["took_ms"])
PY
)
echo "capture of 3 processes: took_ms=$took_ms, run ${elapsed_bt} ms"

# The whole run: the timeout, then the capture (bounded), then the stop (sleeping processes
# die of SIGTERM: the grace is not used up, so it leaves room for a loaded machine).
((elapsed_bt >= timeout * 1000)) || fail "ended after ${elapsed_bt} ms, before the ${timeout} s timeout"
((elapsed_bt < (timeout + bt_timeout + grace) * 1000)) ||
    fail "took ${elapsed_bt} ms, more than timeout + capture bound + grace"

# 2. --backtraces=no: the same run without stacks, nor any eu-stack.
hang_run --backtraces=no
elapsed_no=$ELAPSED
assert_timed_out
assert_eq "$(eu_stack_runs)" 0 "eu-stack runs with --backtraces=no"
assert_not_contains "$OUT" "hang_in_"
assert_not_contains "$OUT" "process $(head -n 1 "$SCRATCH/tree.pids") "
bt_json "$json" <<'PY'
import sys
from backtrace_json import *
r = tests(sys.argv[1])["grp/a-hang.test"]
assert r["outcome"] == "timeout", r
assert r.get("backtrace") is None, r["backtrace"]
PY
added=$((elapsed_bt - elapsed_no))
echo "run without stacks ${elapsed_no} ms: the capture added ${added} ms"
((added < bt_timeout * 1000)) ||
    fail "the capture added ${added} ms to the run, more than --backtrace-timeout=${bt_timeout}"

# 3. A deadline no eu-stack can meet: each process says why it has no stack, the runs are
# killed (and reaped), and the test's processes, let go, are still stopped by SIGTERM rather
# than waiting out a longer grace.
# The real eu-stack, not the wrapper: its own runs are the ones killed.
RUN_PATH=$PATH hang_run --backtrace-timeout=0.001 --kill-grace=5
assert_timed_out
((ELAPSED < (timeout + 5) * 1000)) || fail "took ${ELAPSED} ms: the tree waited out its grace"
bt_json "$json" "$(paste -sd ' ' "$SCRATCH/tree.pids")" <<'PY'
import sys
from backtrace_json import *
r = tests(sys.argv[1])["grp/a-hang.test"]
assert r["outcome"] == "timeout", r
bt = backtrace(r, "timeout")
assert sorted(p["pid"] for p in bt["processes"]) == sorted(map(int, sys.argv[2].split())), bt
for p in bt["processes"]:
    assert "deadline" in p.get("error", ""), p
# Bounded: the deadline, then killing and reaping what still ran.
assert bt["took_ms"] < 1000, bt["took_ms"]
PY

# 4. A capture ends with every eu-stack it started reaped: while a later test of the same run
# runs, the runner has no eu-stack child left, not even a zombie.
mkfifo "$SCRATCH/b-started.fifo" "$SCRATCH/b-go.fifo"
make_test grp/b-after.test session \
    "sh -c 'echo up > $SCRATCH/b-started.fifo; read go < $SCRATCH/b-go.fifo'"
: >"$EU_STACK_LOG"
PATH=$WRAP:$PATH TMPDIR=$RUN_TMP "$RUNNER" -d "$TREE" --order=name --timeout=$timeout \
    --kill-grace=$grace >"$OUT" 2>"$ERR" </dev/null &
runner=$!
wait_ready "$SCRATCH/ready.fifo" "$runner"
wait_ready "$SCRATCH/b-started.fifo" "$runner"
left=$(children_named "$runner" eu-stack)
echo go >"$SCRATCH/b-go.fifo"
RC=0
wait "$runner" || RC=$?
assert_eq "$RC" 2 "exit status"
assert_line "$OUT" "PASS: grp/b-after.test"
assert_eq "$(eu_stack_runs)" 3 "eu-stack runs"
[[ -z $left ]] || fail "after the capture, the runner still has eu-stack children: $(echo "$left" | paste -sd ',')"
assert_none_left hang_tree eu-stack
assert_tmp_clean
echo ok
