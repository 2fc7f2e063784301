#!/bin/bash
# Tests that write terminal control sequences: in their output (redrawing their FAIL line as
# PASS, writing the clipboard with OSC 52, setting the window title), in a TAP point's name and
# in their own file name. The console shows each escaped as \xNN: not one ESC reaches the
# terminal. The reports keep the bytes.
source "$(dirname "$0")/../integration/lib.sh"

make_prog forge '
printf "\033[2K\rPASS: x\n"
printf "\033]52;c;cm0gLXJmIH4K\007\n"
printf "\033]0;all tests passed\007\n"
exit 1'
make_test grp/forge.test session "$BIN/forge"
make_prog tap-forge '
printf "1..1\nnot ok 1 - \033[32mgreen\033[0m\n"'
make_test grp/tap-forge.test session "$BIN/tap-forge" Output=TAP
esc_name=$'grp/\e[31mred\e]0;title\a.test'
make_test "$esc_name" session false
make_test grp/plain.test session true

# No ESC byte (0x1b) nor carriage return in FILE, but those of the progress line's own "\r\e[K".
assert_no_escape() {
    if sed 's/\r\x1b\[K//g' "$1" | grep -q $'[\e\r]'; then
        fail "$(basename "$1") has a control sequence of a test: $(grep -n $'[\e\r]' "$1" | cat -v)"
    fi
}

shown_name='grp/\x1b[31mred\x1b]0;title\x07.test'
check_console() { # check_console FILE: the console's lines, escaped
    assert_no_escape "$1"
    assert_line "$1" '  | \x1b[2K\x0dPASS: x'
    assert_line "$1" '  | \x1b]52;c;cm0gLXJmIH4K\x07'
    assert_line "$1" '  | \x1b]0;all tests passed\x07'
    assert_line "$1" '  not ok: \x1b[32mgreen\x1b[0m'
    assert_line "$1" "Running test: $shown_name"
    # Its FAIL line, then again after the summary.
    [[ $(count_lines "$1" "FAIL: $shown_name (exited with status 1)") == 2 ]] \
        || fail "no FAIL line for the test with ESC in its name, and its recap"
    assert_line "$1" "FAIL: grp/forge.test (exited with status 1)"
    assert_line "$1" "PASS: grp/plain.test"
}

run_runner -d "$TREE" --order=name --report-directory="$SCRATCH/rep"
assert_eq "$RC" 2 "exit status"
check_console "$OUT"
assert_no_escape "$ERR"
# What a report keeps is the test's own bytes.
grep -q $'\e\\]52;c;cm0gLXJmIH4K\a' "$SCRATCH/rep/grp_forge.test/output.txt" \
    || fail "the kept output lost the test's bytes"
assert_tmp_clean

# On a terminal too (the progress line names the running tests), and with colours: the only
# control sequences are the console's own.
run_runner -d "$TREE" --order=name --status=yes
assert_eq "$RC" 2 "exit status with the progress line"
assert_no_escape "$OUT"
grep -qF '] grp/\x1b[31mred\x1b]0;title\x07.test' "$OUT" || fail "no progress line naming the test"
# The lines as the terminal shows them, each progress line overwritten by what follows it.
sed 's/.*\r\x1b\[K//' "$OUT" >"$SCRATCH/shown"
check_console "$SCRATCH/shown"
FORCE_COLOR=1 run_runner -d "$TREE" --order=name
assert_eq "$RC" 2 "exit status with colours"
if sed 's/\x1b\[3[123]m\|\x1b\[0m//g' "$OUT" | grep -q $'\e'; then
    fail "a control sequence of a test with FORCE_COLOR: $(grep -n $'\e' "$OUT" | cat -v)"
fi

# With --tap, stdout is the TAP report (its points name the tests as they are named, escaped as
# TAP asks) and the console goes to stderr, escaped.
run_runner -d "$TREE" --order=name --tap
assert_eq "$RC" 2 "exit status with --tap"
check_console "$ERR"
grep -qF "not ok 1 - $esc_name" "$OUT" || fail "the TAP report does not name the test as it is named"

# --list shows names as the console does, one line each.
run_runner -d "$TREE" --list
assert_eq "$RC" 0 "exit status of --list"
assert_no_escape "$OUT"
grep -qF 'grp/\x1b[31mred\x1b]0;title\x07.test (' "$OUT" || fail "--list does not show the name escaped"
assert_tmp_clean
echo ok
