#!/bin/bash
# Real installed tests from Debian 12 (libglib2.0-tests, gjs-tests, gtk-4-tests), run as root
# with no DISPLAY, no bus and no wrapper: each must PASS under ginsttest-runner, and the same
# tests fail under gnome-desktop-testing-runner run the same way (root, no display, no bus).
source "$(dirname "$0")/../integration/lib.sh"
[[ $(id -u) == 0 ]] || skip "needs root: the point is running as root without wrappers"
tests=(
    glib/fileutils.test # asserts that /usr/b/c cannot be created: passes only as non-root
    glib/file.test      # likewise
    gjs/testGDBus.test  # needs a session bus
    gtk-4.0/gtk/label.test gtk-4.0/gtk/entry.test gtk-4.0/gtk/builder.test
    gtk-4.0/gtk/templates.test gtk-4.0/gtk/widgetorder.test # need a display
    gtk-4.0/gdk/seat.test gtk-4.0/gdk/cursor.test
)
for t in "${tests[@]}"; do
    [[ -f /usr/share/installed-tests/$t ]] || skip "$t is not installed"
done
command -v gnome-desktop-testing-runner >/dev/null || skip "gnome-desktop-testing is not installed"

# glib/fileutils.test run as root creates /usr/b/c, and then fails for every user until it is
# removed: leave the machine as it was.
usr_b_existed=no
[[ -e /usr/b ]] && usr_b_existed=yes
trap '[[ $usr_b_existed == yes ]] || rm -rf /usr/b; cleanup' EXIT
[[ $usr_b_existed == no ]] || skip "/usr/b exists: glib/fileutils.test cannot pass here"

bare() { env -u DISPLAY -u WAYLAND_DISPLAY -u XAUTHORITY -u DBUS_SESSION_BUS_ADDRESS "$@"; }

# With every report at once, each read by its consumer: prove for the TAP on stdout (the
# console is then on stderr), xmllint for JUnit, tmt's schema for results.yaml.
mkdir "$SCRATCH/tmt"
bare TMPDIR="$RUN_TMP" TMT_TEST_DATA="$SCRATCH/tmt" "$RUNNER" --order=name -p 2 --tap \
    --junit="$SCRATCH/junit.xml" "${tests[@]}" >"$OUT" 2>"$ERR" </dev/null \
    || fail "ginsttest-runner: exit status $?"
for t in "${tests[@]}"; do
    assert_line "$ERR" "PASS: $t"
done
assert_contains "$ERR" "SUMMARY: total=${#tests[@]}; passed=${#tests[@]}; skipped=0; failed=0;"
prove --exec cat "$OUT" >"$SCRATCH/prove.out" 2>&1 || fail "prove: $(cat "$SCRATCH/prove.out")"
assert_contains "$SCRATCH/prove.out" "Result: PASS"
assert_contains "$OUT" "# Subtest: glib/fileutils.test" # GLib's own points, nested
xsd=$(dirname "$0")/../../../shared/data/junit/jenkins-xunit-junit-10.xsd
xmllint --noout --schema "$xsd" "$SCRATCH/junit.xml" 2>"$SCRATCH/xmllint.out" \
    || fail "JUnit: $(cat "$SCRATCH/xmllint.out")"
/usr/bin/python3 "$(dirname "$0")/../integration/check_tmt_results.py" \
    "$(dirname "$0")/../../../shared/data/tmt-schema" "$SCRATCH/tmt" >"$SCRATCH/tmt.out" \
    || fail "tmt results are not valid"
for t in "${tests[@]}"; do
    assert_line "$SCRATCH/tmt.out" "/${t%.test} pass"
done
assert_line "$SCRATCH/tmt.out" "/ pass"
[[ ! -e /usr/b ]] || fail "a test ran as root and created /usr/b"
assert_tmp_clean

# The runner this one replaces, the same way: every one of these fails or errors.
rc=0
bare gnome-desktop-testing-runner "${tests[@]}" >"$OUT" 2>"$ERR" </dev/null || rc=$?
[[ $rc != 0 ]] || fail "gnome-desktop-testing-runner passed them all"
for t in "${tests[@]}"; do
    if grep -qxF "PASS: $t" "$OUT"; then fail "$t passes under gnome-desktop-testing-runner too"; fi
done
echo ok
