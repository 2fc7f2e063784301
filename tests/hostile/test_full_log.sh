#!/bin/bash
# A test fills the disk its -L log is on. The log is cut short there; the run goes on, and the
# result says the log is incomplete, why, and where it stops, rather than pointing at it as the
# whole output. The full disk is a 64 KiB tmpfs in a mount namespace of the runner's own.
source "$(dirname "$0")/../integration/lib.sh"

unshare -m --propagation private true 2>/dev/null || skip "cannot make a mount namespace"

make_test grp/a-big.test session "sh -c 'seq 1 40000; exit 1'"
make_test grp/b-after.test session "sh -c 'echo after; exit 1'"

logs=$SCRATCH/logs
mkdir "$logs"
# The sizes of the logs are read before the namespace, and its tmpfs, go.
RC=0
# shellcheck disable=SC2016 # expanded by the inner shell
TMPDIR=$RUN_TMP unshare -m --propagation private sh -c '
    mount -t tmpfs -o size=64k tmpfs "$1" || exit 99
    rc=0
    "$2" -d "$3" --order=name -L "$1" --json="$4/results.jsonl" || rc=$?
    stat -c "%n %s" "$1"/* >"$4/sizes"
    exit $rc' sh "$logs" "$RUNNER" "$TREE" "$SCRATCH" >"$OUT" 2>"$ERR" </dev/null || RC=$?
assert_eq "$RC" 2 "exit status"
assert_line "$OUT" "FAIL: grp/a-big.test (exited with status 1)"
assert_line "$OUT" "FAIL: grp/b-after.test (exited with status 1)"
size_a=$(sed -n "s|^$logs/grp_a-big.test.txt ||p" "$SCRATCH/sizes")
size_b=$(sed -n "s|^$logs/grp_b-after.test.txt ||p" "$SCRATCH/sizes")
[[ $size_a -gt 0 && $size_a -lt $(seq 1 40000 | wc -c) ]] || fail "the big log has $size_a bytes"
assert_eq "$size_b" 0 "size of the second log"
note_a="log $logs/grp_a-big.test.txt is incomplete: No space left on device (after $size_a bytes)"
note_b="log $logs/grp_b-after.test.txt is incomplete: No space left on device (after 0 bytes)"
assert_line "$OUT" "  note: $note_a"
assert_line "$OUT" "  note: $note_b"
# In every report: the JSON results too.
assert_contains "$SCRATCH/results.jsonl" "\"$note_a\""
assert_contains "$SCRATCH/results.jsonl" "\"$note_b\""
# The console still shows the failures' output, from memory, and does not call the log whole.
assert_line "$OUT" "  | after"
assert_line "$OUT" "  | 40000"
assert_line "$OUT" "  (output cut to its last lines; $(seq 1 40000 | wc -c) bytes in all, only the start in $logs/grp_a-big.test.txt)"
assert_tmp_clean
echo ok
