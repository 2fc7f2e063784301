#!/bin/bash
# An installed test of this suite's own that checks, from inside, the session the runner
# gives: run as root with no DISPLAY and no bus, it must pass every check of session-check.sh.
source "$(dirname "$0")/../integration/lib.sh"
[[ $(id -u) == 0 ]] || skip "needs root (the checks expect a dropped identity)"
for program in Xvfb dbus-daemon dbus-send xdpyinfo; do
    command -v "$program" >/dev/null || skip "$program is not installed"
done
cp "$(dirname "$0")/session-check.sh" "$BIN/session-check"
chmod 0755 "$BIN/session-check"
make_test session/inside.test session "$BIN/session-check" "Output=TAP"
make_test session/inside-exclusive.test session-exclusive "$BIN/session-check" "Output=TAP"

env -u DISPLAY -u WAYLAND_DISPLAY -u XAUTHORITY -u DBUS_SESSION_BUS_ADDRESS \
    TMPDIR="$RUN_TMP" "$RUNNER" -d "$TREE" --tap >"$OUT" 2>"$ERR" </dev/null || fail "the checks failed"
assert_contains "$ERR" "PASS: session/inside.test"
assert_contains "$ERR" "PASS: session/inside-exclusive.test"
grep -qE '^ok [12] - session/inside(-exclusive)?\.test$' "$OUT" || fail "no TAP point for the checks"
echo ok
