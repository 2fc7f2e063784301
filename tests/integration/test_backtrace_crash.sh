#!/bin/bash
# Tests killed by a signal that dumps core (a NULL dereference on a second thread, a failed
# assert(), a failed g_assert()): the runner raises their RLIMIT_CORE (inherited here as 0), finds
# the core the kernel wrote in the test's directory and reads it with eu-stack, once. The console
# and the JSON report show the crashing function in the thread marked as crashed (source "core").
# With --report-directory the core stays in the test's kept directory and core_file names it;
# without, it goes with the test's directory; above --max-core-size it is not kept, with a note;
# --backtraces=no leaves the limit as inherited, so no core is written at all.
#
# Usage: test_backtrace_crash.sh RUNNER NULL_DEREF FAILED_ASSERT GLIB_ASSERT
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/backtrace.sh"
NULL_DEREF=$(bt_program "${2:?usage: $0 RUNNER NULL_DEREF FAILED_ASSERT GLIB_ASSERT}")
FAILED_ASSERT=$(bt_program "${3:?}")
GLIB_ASSERT=$(bt_program "${4:?}")

# Where this machine's cores go: a file (the runner reads it in place) or systemd-coredump (it
# fetches it into the test's directory as "core"); a pipe to anything else gives no core.
pattern=$(cat /proc/sys/kernel/core_pattern)
case $pattern in
'|'*systemd-coredump*) command -v coredumpctl >/dev/null || skip "cores go to systemd-coredump, without coredumpctl" ;;
'|'* | '') skip "kernel.core_pattern '$pattern' gives the runner no core" ;;
esac
[[ $(ulimit -H -c) != 0 ]] || skip "the hard RLIMIT_CORE is 0: no core can be written"
# Every run below inherits a soft limit of 0: a core is only written when the runner raises it.
ulimit -S -c 0

make_test crash/null-deref.test session "$NULL_DEREF"
make_test crash/failed-assert.test session "$FAILED_ASSERT"
make_test crash/glib-assert.test session "$GLIB_ASSERT"
names=(crash/null-deref.test crash/failed-assert.test crash/glib-assert.test)
json=$SCRATCH/results.jsonl
reports=$SCRATCH/reports

# crash_run ARGS...: the runner on the three tests, in name order, eu-stack through the logging
# wrapper; then nothing of the run may be left: no process, and no directory of it (where the
# tests' directories, and so their cores, were) in TMPDIR or named after its pid.
crash_run() {
    local runner left
    : >"$EU_STACK_LOG"
    rm -rf "$reports"
    PATH=$WRAP:$PATH TMPDIR=$RUN_TMP "$RUNNER" -d "$TREE" --order=name --timeout=60 \
        --json="$json" "$@" >"$OUT" 2>"$ERR" </dev/null &
    runner=$!
    RC=0
    wait "$runner" || RC=$?
    assert_eq "$RC" 2 "exit status"
    assert_none_left null_deref failed_assert glib_assert eu-stack
    assert_tmp_clean
    left=$(find /run /tmp /var/tmp -maxdepth 1 -name "ginsttest-*-$runner-*" 2>/dev/null)
    [[ -z $left ]] || fail "the run left behind: $left"
}

# test_section NAME: what the console says after NAME's FAIL line, up to the next test's line.
test_section() {
    awk -v name="$1" 'index($0, "FAIL: " name " (") == 1 && !seen { on = 1; seen = 1; next }
        on && /^(Running test: |PASS: |FAIL: |SKIP: |SUMMARY)/ { on = 0 }
        on' "$OUT"
}

# assert_crash_shown NAME FUNCTION SOURCE PROGRAM: NAME's console section shows a frame of
# FUNCTION in the thread marked as crashed.
assert_crash_shown() {
    test_section "$1" >"$SCRATCH/section"
    assert_frame "$SCRATCH/section" "$2" "$3" "$4"
    crashed_frames "$SCRATCH/section" >"$SCRATCH/crashed"
    grep -qE "#[0-9]+ +$2 at " "$SCRATCH/crashed" ||
        fail "$1: the thread marked as crashed on the console does not show $2"
}

# The checks of the JSON records common to every run with backtraces: the signal, one process
# whose single crashed thread holds the crashing function; on null-deref's two threads, the one
# that crashed is not the main thread. Prints NAME SIGNAL CORE_BYTES per test.
CHECK_CRASHES='
import os, sys
from backtrace_json import *
records = tests(sys.argv[1])
expect = {
    "crash/null-deref.test": ("crash_on_null", "null_deref.c", ("SIGSEGV",)),
    "crash/failed-assert.test": ("check_invariant", "failed_assert.c", ("SIGABRT",)),
    # g_assert() aborts, or traps under G_DEBUG=fatal-warnings and in some GLib versions.
    "crash/glib-assert.test": ("check_with_glib", "glib_assert.c", ("SIGABRT", "SIGTRAP")),
}
for name, (function, source, signals) in expect.items():
    r = records[name]
    assert r["outcome"] == "fail" and r["signal"] in signals, r
    assert r["reason"] == "killed by %s, core dumped" % r["signal"], r["reason"]
    bt = backtrace(r, "core")
    assert len(bt["processes"]) == 1, bt["processes"]
    process = bt["processes"][0]
    assert "error" not in process, process
    crashed = crashed_threads(bt)
    assert len(crashed) == 1, [(t["tid"], t.get("crashed")) for t in threads(bt)]
    f = frame(crashed[0], function)
    assert f, (name, functions(crashed[0]))
    assert f["file"].endswith(source) and f["line"] > 0, f
    assert os.path.basename(f["module"]) == source[:-2], f
    others = [t for t in process["threads"] if not t.get("crashed")]
    assert all(frame(t, function) is None for t in others), others
    if name == "crash/null-deref.test":
        # The kernel writes the crashing thread first; here it is not the main thread.
        assert len(process["threads"]) == 2, process["threads"]
        # (The main thread may still be returning from pthread_create: its frames vary.)
        assert not frame(crashed[0], "main"), process["threads"]
        assert crashed[0]["tid"] != process["pid"] and others[0]["tid"] == process["pid"], process
    print(name, r["signal"], bt["core_bytes"])
'

# 1. With --report-directory: each core is read once, and kept, named by core_file.
crash_run --report-directory="$reports"
for name in "${names[@]}"; do
    grep -qE "^FAIL: $name \\(killed by SIG(SEGV|ABRT|TRAP), core dumped\\)\$" "$OUT" ||
        fail "no FAIL line saying $name dumped core"
done
assert_crash_shown crash/null-deref.test crash_on_null null_deref.c null_deref
assert_crash_shown crash/failed-assert.test check_invariant failed_assert.c failed_assert
assert_crash_shown crash/glib-assert.test check_with_glib glib_assert.c glib_assert
assert_eq "$(eu_stack_runs)" 3 "eu-stack runs (one per core)"
assert_eq "$(grep -c -- ' --core=' "$EU_STACK_LOG" || true)" 3 "eu-stack runs on a core"
# Only the kept directories, named after the tests: no test directory left behind.
assert_eq "$(entries "$reports")" "crash_failed-assert.test crash_glib-assert.test crash_null-deref.test" \
    "the report directory"
bt_json "$json" "$reports" <<PY
$CHECK_CRASHES
reports = sys.argv[2]
for name in expect:
    r = records[name]
    kept = os.path.join(reports, name.replace("/", "_"))
    assert r["kept_dir"] == kept, (r["kept_dir"], kept)
    core = r["backtrace"]["core_file"]
    assert os.path.dirname(core) == kept and os.path.basename(core).startswith("core"), core
    st = os.lstat(core)
    assert st.st_size == r["backtrace"]["core_bytes"], (st.st_size, r["backtrace"]["core_bytes"])
    with open(core, "rb") as f:
        header = f.read(18)
    assert header[:4] == b"\x7fELF" and int.from_bytes(header[16:18], sys.byteorder) == 4, header  # ET_CORE
PY
for name in "${names[@]}"; do
    kept=$reports/${name//\//_}
    assert_eq "$(find "$kept" -maxdepth 1 -name 'core*' -printf '%f\n')" core "cores kept in $kept"
done

# 2. Without it: the core was written and read, then went with the test's directory.
crash_run
for name in "${names[@]}"; do
    grep -qE "^FAIL: $name \\(killed by SIG(SEGV|ABRT|TRAP), core dumped\\)\$" "$OUT" ||
        fail "no FAIL line saying $name dumped core"
done
assert_crash_shown crash/null-deref.test crash_on_null null_deref.c null_deref
assert_eq "$(eu_stack_runs)" 3 "eu-stack runs (one per core)"
bt_json "$json" <<PY
$CHECK_CRASHES
for name in expect:
    assert records[name]["kept_dir"] is None, records[name]
    assert "core_file" not in records[name]["backtrace"], records[name]["backtrace"]
PY
left=$(find "$SCRATCH" -name 'core*' 2>/dev/null)
[[ -z $left ]] || fail "cores left behind: $left"

# 3. --max-core-size=1K: every core is larger; read, but not kept, and a note says so.
crash_run --report-directory="$reports" --max-core-size=1K
for name in "${names[@]}"; do
    kept=$reports/${name//\//_}
    [[ -f $kept/output.txt ]] || fail "$name has no kept directory with its output"
    assert_eq "$(find "$kept" -maxdepth 1 -name 'core*')" "" "cores kept in $kept"
    test_section "$name" >"$SCRATCH/section"
    grep -qE "^ +note: core not kept: [0-9]+ bytes, more than --max-core-size=1024\$" "$SCRATCH/section" ||
        fail "$name: no note on the console that its core was not kept"
done
assert_crash_shown crash/failed-assert.test check_invariant failed_assert.c failed_assert
bt_json "$json" <<PY
$CHECK_CRASHES
for name in expect:
    r = records[name]
    bt = r["backtrace"]
    assert "core_file" not in bt, bt
    note = "core not kept: %d bytes, more than --max-core-size=1024" % bt["core_bytes"]
    assert note in r["notes"], (note, r["notes"])
PY

# 4. --backtraces=no: RLIMIT_CORE stays as inherited (0), so the kernel writes no core; no
# eu-stack runs and no test has a backtrace.
crash_run --report-directory="$reports" --backtraces=no
for name in "${names[@]}"; do
    grep -qE "^FAIL: $name \\(killed by SIG(SEGV|ABRT|TRAP)\\)\$" "$OUT" ||
        fail "no FAIL line saying $name was killed without a core"
    assert_eq "$(find "$reports/${name//\//_}" -maxdepth 1 -name 'core*')" "" "cores with --backtraces=no"
done
assert_not_contains "$OUT" "core dumped"
assert_not_contains "$OUT" ", crashed:"
assert_eq "$(eu_stack_runs)" 0 "eu-stack runs with --backtraces=no"
bt_json "$json" <<'PY'
import sys
from backtrace_json import *
for name, r in tests(sys.argv[1]).items():
    assert r["outcome"] == "fail" and "core dumped" not in r["reason"], r
    assert r.get("backtrace") is None, r["backtrace"]
    assert not any("core" in note for note in r["notes"]), r["notes"]
PY
echo ok
