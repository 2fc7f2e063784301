#!/bin/bash
# Run as root, each test has a PID namespace of its own: a test that kills every process it may
# (kill -KILL -1) and looks through /proc for others' directories reaches neither the test
# running beside it, nor the run's X server and bus, nor the host's processes of its user.
source "$(dirname "$0")/../integration/lib.sh"

[[ $(id -u) == 0 ]] || skip "tests get PID namespaces only when the runner is root"
command -v Xvfb >/dev/null && command -v dbus-daemon >/dev/null || skip "no Xvfb or dbus-daemon"
command -v xdpyinfo >/dev/null && command -v dbus-send >/dev/null || skip "no xdpyinfo or dbus-send"

# A process of the host's run by the tests' user, which no test may kill.
setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 600 &
host_victim=$!
echo "$host_victim" >"$SCRATCH/host-victim.pid"

# A service the run's bus starts on a test's behalf (the test may install it: the transient
# services directory is its own) runs where the bus does, not in the test's namespace: from
# there it tries to kill the test beside it, the X server and the host's process.
cat >"$BIN/escaped" <<EOF2
#!/bin/sh
cat /proc/[0-9]*/cmdline | tr '\\000' ' ' >$SCRATCH/service-seen
pkill -KILL -f survived
pkill -KILL -f 'sleep 600'
pkill -KILL Xvfb
exit 0
EOF2
cat >"$BIN/escape" <<EOF2
#!/bin/sh
mkdir -p "\$XDG_RUNTIME_DIR/dbus-1/services"
printf '[D-BUS Service]\nName=org.ginsttest.Escape\nExec=$BIN/escaped\n' \\
    >"\$XDG_RUNTIME_DIR/dbus-1/services/org.ginsttest.Escape.service"
dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.ReloadConfig >/dev/null
dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.StartServiceByName \\
    string:org.ginsttest.Escape uint32:0 >/dev/null 2>&1
[ -s $SCRATCH/service-seen ]
EOF2
chmod +x "$BIN/escaped" "$BIN/escape"

mkfifo "$SCRATCH/ready" "$SCRATCH/done"
chmod 0666 "$SCRATCH/ready" "$SCRATCH/done"
# Starts once b is running; kills all it can, tells b, and writes down what /proc showed it.
make_test grp/a-killer.test session "sh -c 'read x <$SCRATCH/ready; cat /proc/[0-9]*/cmdline | tr \"\\\\000\" \" \" >$SCRATCH/seen; kill -KILL -1; $BIN/escape || exit 1; exec 3<>$SCRATCH/done; echo over >&3; exit 0'"
# Runs beside a: tells it that it started, then waits to be told a is over.
make_test grp/b-beside.test session "sh -c 'exec 3<>$SCRATCH/ready; echo go >&3; read x <$SCRATCH/done; echo survived'"
# Runs after them, alone: the run's display and bus must still answer.
make_raw_test grp/c-after.test "[Test]" "Type=session-exclusive" \
    "Exec=sh -c 'xdpyinfo >/dev/null && dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetId >/dev/null'"

run_runner -d "$TREE" --order=name -p 2 --display=own --bus=own --timeout=60
assert_eq "$RC" 0 "exit status"
assert_line "$OUT" "PASS: grp/a-killer.test"
assert_line "$OUT" "PASS: grp/b-beside.test"
assert_line "$OUT" "PASS: grp/c-after.test"
kill -0 "$host_victim" 2>/dev/null || fail "a process of the test user on the host was killed"
# What the killer saw in /proc: its own processes only.
[[ -s $SCRATCH/seen ]] || fail "the test could not read its /proc"
for other in Xvfb dbus-daemon survived "sleep 600"; do
    assert_not_contains "$SCRATCH/seen" "$other"
done
# What the service saw: the bus's namespace, none of the tests, the X server or the host.
[[ -s $SCRATCH/service-seen ]] || fail "the bus did not start the service"
for other in Xvfb survived "sleep 600"; do
    assert_not_contains "$SCRATCH/service-seen" "$other"
done
kill -KILL "$host_victim" 2>/dev/null || true
assert_tmp_clean
echo ok
