#!/bin/bash
# An Output=TAP test's stdout and stderr come through pipes of their own: TAP is read from stdout
# only, so a message on stderr (GLib's g_message, a shell's warning) can neither cut a TAP line
# nor pass for a test point; the log and the console still hold both streams. Other tests write
# both to one pipe, which keeps their exact order.
source "$(dirname "$0")/lib.sh"

# stdout: "1..2", "ok 1 - first" written in two pieces with a stderr line between them, then
# "ok 2 - second". stderr: that line, and one that looks like a failing TAP point.
make_prog streams "
printf '1..2\nok 1 - fir'
echo 'noise in the middle' >&2
printf 'st\n'
echo 'not ok 1 - only on stderr' >&2
echo 'ok 2 - second'"
make_test grp/streams.test session "$BIN/streams" "Output=TAP"
# The same, failing on exit, so that the console shows its output.
make_test grp/streams-fail.test session "sh -c '$BIN/streams; exit 1'" "Output=TAP"

run_runner -d "$TREE" --order=name --json="$SCRATCH/results.jsonl" -L "$SCRATCH/logs"
assert_eq "$RC" 2 "exit status"
assert_line "$OUT" "PASS: grp/streams.test"
assert_line "$OUT" "FAIL: grp/streams-fail.test (exited with status 1)"
# The failed test's output on the console has both streams, merged a line at a time: the
# stderr line does not land inside "ok 1 - first", whichever pipe the runner reads first.
assert_line "$OUT" "  | noise in the middle"
assert_line "$OUT" "  | ok 1 - first"
assert_line "$OUT" "  | not ok 1 - only on stderr"

python3 - "$SCRATCH/results.jsonl" "$SCRATCH/logs/grp_streams.test.txt" <<'PY' ||
import json, sys
tests = {}
for line in open(sys.argv[1]):
    record = json.loads(line)
    if "name" in record:
        tests[record["name"]] = record
points = [(s["name"], s["outcome"]) for s in tests["grp/streams.test"]["subtests"]]
assert points == [("first", "pass"), ("second", "pass")], points

# The log holds every byte of both streams: each stderr line is written whole, so taking them
# out leaves stdout exactly as the test wrote it.
log = open(sys.argv[2]).read()
for line in ("noise in the middle\n", "not ok 1 - only on stderr\n"):
    assert log.count(line) == 1, (line, log)
    log = log.replace(line, "", 1)
assert log == "1..2\nok 1 - first\nok 2 - second\n", log
PY
    fail "the TAP points or the log are wrong"

# Without Output=TAP: one pipe, the order written.
make_test plain/order.test session "sh -c 'for i in 1 2 3 4 5; do echo err\$i >&2; echo out\$i; done'"
run_runner -d "$TREE" plain/ -L "$SCRATCH/logs"
assert_eq "$RC" 0 "exit status of the test writing both streams"
assert_eq "$(paste -sd' ' "$SCRATCH/logs/plain_order.test.txt")" \
    "err1 out1 err2 out2 err3 out3 err4 out4 err5 out5" "the log of a test writing both streams"
assert_tmp_clean
echo ok
