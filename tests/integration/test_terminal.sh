#!/bin/bash
# The progress line and colours: on with --status=yes / FORCE_COLOR, off when output is a file,
# and NO_COLOR wins over FORCE_COLOR.
source "$(dirname "$0")/lib.sh"

make_test grp/a.test session "sh -c 'exit 0'"
make_test grp/b.test session "sh -c 'exit 3'"

esc=$'\x1b'
# Output to a file: no progress line, no colour, whatever TERM says.
TERM=xterm run_runner -d "$TREE" -p 2
assert_not_contains "$OUT" "$esc"
assert_not_contains "$OUT" $'\r'

# --status=yes draws "[done/total m:ss] running..." overprinted with \r and erase-to-end-of-line,
# and clears it before every ordinary line, so the lines themselves stay whole.
run_runner -d "$TREE" -p 2 --status=yes --order=name
assert_contains "$OUT" "[0/2 0:00] grp/a.test"
assert_contains "$OUT" $'\r'"$esc[K"
grep -q "^\[[0-9]/2 [0-9]:[0-9][0-9]\] grp/" "$OUT" || fail "no progress line with done/total"
tr -d '\r' <"$OUT" | sed "s/$esc\[K//g; s/^\[[0-9]\/2 [^]]*\] [^A-Z]*//" | grep -qxF "PASS: grp/a.test" \
    || fail "PASS line not intact once the progress line is removed"

# A running Output=TAP test shows its points done and planned in the progress line.
make_test tap/slow.test session "sh -c 'echo 1..3; echo ok 1; echo ok 2; sleep 1; echo ok 3'" \
    "Output=TAP"
run_runner -d "$TREE" --status=yes tap/slow
assert_contains "$OUT" "tap/slow.test (2/3)"
assert_contains "$OUT" "PASS: tap/slow.test"
rm "$TREE/installed-tests/tap/slow.test"

FORCE_COLOR=1 run_runner -d "$TREE" --order=name
assert_contains "$OUT" "$esc[32mPASS$esc[0m: grp/a.test"
assert_contains "$OUT" "$esc[31mFAIL$esc[0m: grp/b.test (exited with status 3)"
# The summary's recap stays plain for scripts.
assert_line "$OUT" "FAIL: grp/b.test (exited with status 3)"

NO_COLOR=1 FORCE_COLOR=1 run_runner -d "$TREE"
assert_not_contains "$OUT" "$esc"
assert_tmp_clean
echo ok
