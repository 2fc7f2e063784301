#!/bin/bash
# Tests installed under /tmp still run with a private /tmp: what the run names there stays
# visible to the test (a `meson install --destdir /tmp/…` or CI prefix given with --dir, its
# programs and data, a PATH entry, a symlink in /tmp, a data dir reached through a symlink, a
# bus socket), and nothing else of the host's /tmp.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) == 0 ]] || skip "a private /tmp needs root"

prefix=/tmp/ginsttest-it-prefix-$$
bin=/tmp/ginsttest-it-bin-$$
link=/tmp/ginsttest-it-link-$$
socket=/tmp/ginsttest-it-bus-$$
hidden=/tmp/ginsttest-it-hidden-$$
trap 'rm -rf "$prefix" "$bin" "$link" "$socket" "$hidden"; cleanup' EXIT
mkdir -p "$prefix/share/installed-tests/p" "$prefix/share/p" "$prefix/libexec/p" "$bin" "$hidden"
chmod 0755 "$prefix" "$bin" "$hidden"
echo data >"$prefix/share/p/data.txt"
ln -s "$prefix" "$link"
ln -s "$prefix/share" "$SCRATCH/share-link"

# Reads its data through G_TEST_SRCDIR, says what it sees of /tmp.
cat >"$prefix/libexec/p/prog" <<EOF
#!/bin/sh
cat "\$G_TEST_SRCDIR/data.txt" || exit 1
[ -e $hidden ] && { echo "$hidden is visible"; exit 1; }
exit 0
EOF
printf '#!/bin/sh\necho on-path\n' >"$bin/on-path-$$"
chmod 0755 "$prefix/libexec/p/prog" "$bin/on-path-$$"
printf '%s\n' "[Test]" "Type=session" \
    "Exec=env G_TEST_SRCDIR=$prefix/share/p $prefix/libexec/p/prog" \
    >"$prefix/share/installed-tests/p/direct.test"
printf '%s\n' "[Test]" "Type=session" "Exec=sh -c '$link/libexec/p/prog'" \
    "TestEnvironment=G_TEST_SRCDIR=$link/share/p;" >"$prefix/share/installed-tests/p/link.test"
printf '%s\n' "[Test]" "Type=session" "Exec=on-path-$$" \
    >"$prefix/share/installed-tests/p/path.test"

run_runner -d "$prefix/share" --order=name -L "$SCRATCH/logs" --bus=none
assert_eq "$RC" 2 "exit status with tests installed in /tmp"
assert_line "$OUT" "PASS: p/direct.test"
assert_line "$OUT" "PASS: p/link.test"
assert_line "$OUT" "FAIL: p/path.test (on-path-$$: No such file or directory)"
RC=0
PATH=$bin:$PATH gtr -d "$prefix/share" --order=name --bus=none >"$OUT" 2>"$ERR" </dev/null || RC=$?
assert_eq "$RC" 0 "exit status with a PATH entry in /tmp"
assert_line "$OUT" "PASS: p/path.test"

# The data dir named through a symlink outside /tmp.
run_runner -d "$SCRATCH/share-link" --bus=none p/direct
assert_eq "$RC" 0 "exit status with the data dir named through a symlink"
assert_line "$OUT" "PASS: p/direct.test"

# A session bus of the host's, listening in /tmp, that the test user can reach.
command -v dbus-daemon >/dev/null && command -v dbus-send >/dev/null \
    || skip "the bus case needs dbus-daemon and dbus-send"
mkfifo "$SCRATCH/bus.fifo"
setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups dbus-daemon --session --nofork \
    --nopidfile --address="unix:path=$socket" --print-address=3 3>"$SCRATCH/bus.fifo" \
    </dev/null >/dev/null 2>&1 &
echo $! >"$SCRATCH/bus.pid"
# It prints its address once it listens.
timeout 30 head -n 1 "$SCRATCH/bus.fifo" >/dev/null || fail "the bus did not start"
rm -f "$prefix/share/installed-tests/p/"*.test
printf '%s\n' "[Test]" "Type=session" \
    "Exec=dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId" \
    >"$prefix/share/installed-tests/p/bus.test"
RC=0
DBUS_SESSION_BUS_ADDRESS=unix:path=$socket gtr -d "$prefix/share" --bus=host >"$OUT" 2>"$ERR" \
    </dev/null || RC=$?
assert_eq "$RC" 0 "exit status with the host's bus in /tmp"
assert_line "$OUT" "PASS: p/bus.test"
kill "$(cat "$SCRATCH/bus.pid")"
wait 2>/dev/null || true
assert_tmp_clean
echo ok
