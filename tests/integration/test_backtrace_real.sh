#!/bin/bash
# A real installed test made to time out: GLib's glib/timeout.test (package libglib2.0-tests).
# Its first case, /timeout/seconds, adds a 2.1 s timeout and runs a GLib main loop until it
# fires, so with --timeout=1 the test is stopped while waiting in g_main_loop_run(), and its
# stack, taken before it is stopped, shows that (and the GTest harness under it), from GLib's
# own exported symbols: no debug symbols need be installed.
#
# Usage: test_backtrace_real.sh RUNNER
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/backtrace.sh"

data=/usr/share
[[ -f $data/installed-tests/glib/timeout.test ]] ||
    skip "libglib2.0-tests is not installed ($data/installed-tests/glib/timeout.test)"
program=$(sed -n 's/^Exec=\([^ ]*\).*/\1/p' "$data/installed-tests/glib/timeout.test")
[[ -x $program ]] || skip "glib/timeout.test's program $program is not there"

json=$SCRATCH/results.jsonl
run_runner -d "$data" --timeout=1 --json="$json" glib/timeout.test
assert_eq "$RC" 2 "exit status"
assert_eq "$(count_lines "$OUT" "Running test: glib/timeout.test")" 1 "tests run"
assert_line "$OUT" "FAIL: glib/timeout.test (timed out after 1 s)"
# The case it was in when stopped.
assert_contains "$OUT" "# Bug Reference: https://bugzilla.gnome.org/show_bug.cgi?id=642052"
assert_none_left "$(basename "$program")" eu-stack
assert_tmp_clean

# "#2  g_main_loop_run (/usr/lib/x86_64-linux-gnu/libglib-2.0.so.0.7400.6)", with " at FILE:LINE"
# when GLib's debug symbols are installed.
grep -qE "^[[:space:]]+#[0-9]+ +g_main_loop_run( at [^ ]+)? \\([^ )]*libglib-2\\.0\\.so[^ )]*\\)\$" "$OUT" ||
    fail "the console shows no frame of g_main_loop_run in libglib-2.0.so"

bt_json "$json" "$program" <<'PY'
import sys
from backtrace_json import *
r = tests(sys.argv[1])["glib/timeout.test"]
assert r["outcome"] == "timeout", r
bt = backtrace(r, "timeout")
# The test's process, then nothing else: GTest runs its cases in the one process.
assert [p["command"].split()[0] for p in bt["processes"]] == [sys.argv[2]], bt["processes"]
main = next(t for t in bt["processes"][0]["threads"] if t["tid"] == bt["processes"][0]["pid"])
fns = functions(main)
loop = frame(main, "g_main_loop_run")
assert loop and "libglib-2.0.so" in loop["module"], fns
# Waiting in poll() (libc's, as __GI___poll or __poll), right under the loop (GLib's static
# g_main_context_iterate between them, unnamed without debug symbols), in the test case that
# g_test_run() runs.
assert "poll" in fns[0] and fns.index("g_main_loop_run") <= 3, fns
assert "g_test_run" in fns[fns.index("g_main_loop_run"):], fns
assert 0 < bt["took_ms"] < 5000, bt["took_ms"]
print("glib/timeout.test: main thread", fns, "took_ms", bt["took_ms"])
PY
echo ok
