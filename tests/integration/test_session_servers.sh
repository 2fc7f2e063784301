#!/bin/bash
# The display and the session bus. With neither in the environment, the runner starts Xvfb and
# dbus-daemon (as the test user) and stops them, with what the bus started, at the end, also
# after SIGINT. --display/--bus choose; host servers are reused only when the test user can
# reach them; a missing server program is a warning, one that fails to start an error.
source "$(dirname "$0")/lib.sh"
for program in Xvfb dbus-daemon dbus-send xdpyinfo; do
    command -v "$program" >/dev/null || skip "$program is not installed"
done
unset DISPLAY WAYLAND_DISPLAY XAUTHORITY DBUS_SESSION_BUS_ADDRESS

# A bus-activatable service that stays up, in a data dir of ours. It first prints more than a
# pipe holds on the stdout it inherits from the bus: nothing may block it.
mkdir -p "$SCRATCH/share/dbus-1/services"
make_prog sleeper "head -c 200000 /dev/zero
echo \$\$ > $SCRATCH/sleeper.pid; exec sleep 1000"
printf '[D-BUS Service]\nName=org.ginsttest.Sleeper\nExec=%s\n' "$BIN/sleeper" \
    >"$SCRATCH/share/dbus-1/services/org.ginsttest.Sleeper.service"
export XDG_DATA_DIRS=$SCRATCH/share:/usr/share

# Records the session it sees; with "activate", also starts the service.
make_prog probe "
{
  echo \"display=\${DISPLAY-unset}\"
  echo \"xauthority=\${XAUTHORITY-unset}\"
  echo \"bus=\${DBUS_SESSION_BUS_ADDRESS-unset}\"
  echo \"runtime=\${XDG_RUNTIME_DIR-unset}\"
  [ \"\$DBUS_SESSION_BUS_ADDRESS\" = \"unix:path=\$XDG_RUNTIME_DIR/bus\" ] && echo bus_at=runtime
  [ -S \"\$XDG_RUNTIME_DIR/bus\" ] && [ -O \"\$XDG_RUNTIME_DIR/bus\" ] && echo bus_socket=ours
  [ -d \"\$XDG_RUNTIME_DIR/dbus-1/services\" ] && echo transient_services=yes
  xdpyinfo >/dev/null 2>&1 && echo x=ok || echo x=failed
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetId >/dev/null 2>&1 && echo dbus=ok || echo dbus=failed
} > $SCRATCH/seen-\$1
if [ \"\$2\" = activate ]; then
  # The bus starts the service only while the caller waits for the answer.
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.StartServiceByName string:org.ginsttest.Sleeper uint32:0 >/dev/null 2>&1 &
  while [ ! -s $SCRATCH/sleeper.pid ]; do sleep 0.05; done
  kill \$!
fi"
value() { sed -n "s/^$2=//p" "$SCRATCH/seen-$1"; }
# The run's own directory, from the X authority file in it.
run_dir_of() { local x; x=$(value "$1" xauthority); x=${x%/*}; echo "${x%/servers*}"; }
assert_servers_gone() { # assert_servers_gone RUN_DIR
    [[ $1 == */ginsttest-run-* ]] || fail "unexpected run directory '$1'"
    [[ ! -e $1 ]] || fail "$1 left behind"
    ! pgrep -f "$1" >/dev/null || fail "processes of $1 left behind: $(pgrep -af "$1")"
}

# 1. Started by the runner: both reachable from the test, everything gone afterwards. The bus
# listens at $XDG_RUNTIME_DIR/bus, the test user's, as in a user session (dbus-user-session,
# systemd --user), and has the transient services directory there.
make_test grp/s.test session "$BIN/probe s activate"
run_runner -d "$TREE"
assert_eq "$RC" 0 "exit status"
[[ $(value s display) =~ ^:[0-9]+$ ]] || fail "DISPLAY is '$(value s display)'"
assert_line "$SCRATCH/seen-s" "x=ok"
assert_line "$SCRATCH/seen-s" "dbus=ok"
assert_line "$SCRATCH/seen-s" "bus_at=runtime"
assert_line "$SCRATCH/seen-s" "bus_socket=ours"
assert_line "$SCRATCH/seen-s" "transient_services=yes"
assert_pid_gone "$SCRATCH/sleeper.pid"
assert_servers_gone "$(run_dir_of s)"
assert_tmp_clean

# 2. None: no display, no bus.
make_test grp/s.test session "$BIN/probe s"
run_runner -d "$TREE" --display=none --bus=none
assert_eq "$RC" 0 "exit status with none"
assert_line "$SCRATCH/seen-s" "display=unset"
assert_line "$SCRATCH/seen-s" "bus=unset"

# 3. Host servers: an X server anyone may use is reused; a bus the test user cannot use (when
# the runner is root, the test user is nobody) is replaced by one of ours, and --bus=host
# says why it cannot be used.
mkfifo "$SCRATCH/x.fifo" "$SCRATCH/bus.fifo"
Xvfb -displayfd 3 -nolisten tcp -ac 3>"$SCRATCH/x.fifo" 2>/dev/null &
echo $! >"$SCRATCH/host-x.pid"
host_display=:$(head -n 1 "$SCRATCH/x.fifo")
dbus-daemon --session --nofork --nopidfile --print-address=3 3>"$SCRATCH/bus.fifo" 2>/dev/null &
echo $! >"$SCRATCH/host-bus.pid"
host_bus=$(head -n 1 "$SCRATCH/bus.fifo")
DISPLAY=$host_display DBUS_SESSION_BUS_ADDRESS=$host_bus run_runner -d "$TREE"
assert_eq "$RC" 0 "exit status with host servers"
assert_line "$SCRATCH/seen-s" "display=$host_display"
assert_line "$SCRATCH/seen-s" "x=ok"
assert_line "$SCRATCH/seen-s" "dbus=ok"
if [[ $(id -u) == 0 ]]; then
    [[ $(value s bus) != "$host_bus" ]] || fail "root's bus was given to nobody"
    DBUS_SESSION_BUS_ADDRESS=$host_bus assert_exit 1 gtr -d "$TREE" --bus=host
    assert_contains "$ERR" "--bus=host: nobody cannot connect to the session bus"
else
    assert_line "$SCRATCH/seen-s" "bus=$host_bus"
fi
kill "$(cat "$SCRATCH/host-x.pid")" "$(cat "$SCRATCH/host-bus.pid")"
wait
# --display=host without one is an error; so is a display nobody can reach.
assert_exit 1 gtr -d "$TREE" --display=host
assert_contains "$ERR" "--display=host: no display that"

# 4. Programs not installed: one warning each, the tests run without them.
mkdir "$SCRATCH/empty"
PATH=$SCRATCH/empty run_runner -d "$TREE"
assert_eq "$RC" 0 "exit status without Xvfb and dbus-daemon"
assert_eq "$(grep -c 'warning: Xvfb is not installed' "$ERR")" 1 "Xvfb warnings"
assert_eq "$(grep -c 'warning: dbus-daemon is not installed' "$ERR")" 1 "dbus-daemon warnings"
assert_line "$SCRATCH/seen-s" "display=unset"
PATH=$SCRATCH/empty assert_exit 1 gtr -d "$TREE" --display=own
assert_contains "$ERR" "--display=own: Xvfb is not installed"

# 5. A server that fails to start: a clear error with its log, status 1, no test run.
mkdir "$SCRATCH/fake"
printf '#!/bin/sh\necho "cannot open the frame buffer" >&2\nexit 3\n' >"$SCRATCH/fake/Xvfb"
chmod +x "$SCRATCH/fake/Xvfb"
PATH=$SCRATCH/fake:$PATH assert_exit 1 gtr -d "$TREE"
assert_contains "$ERR" "Xvfb ($SCRATCH/fake/Xvfb) did not start: it exited with status 3"
assert_contains "$ERR" "  | cannot open the frame buffer"
assert_not_contains "$OUT" "Running test"

# A server that never gets ready: Ctrl-C ends the wait, the server and the run (130).
mkdir "$SCRATCH/stuck"
mkfifo "$SCRATCH/stuck.fifo"
printf '#!/bin/sh\necho $$ > %s/stuck.pid\necho up > %s/stuck.fifo\nexec sleep 1000\n' \
    "$SCRATCH" "$SCRATCH" >"$SCRATCH/stuck/Xvfb"
chmod +x "$SCRATCH/stuck/Xvfb"
PATH=$SCRATCH/stuck:$PATH TMPDIR=$RUN_TMP env --default-signal=INT "$RUNNER" -d "$TREE" \
    --tap --json="$SCRATCH/stuck.jsonl" >"$OUT" 2>"$ERR" </dev/null &
runner=$!
wait_fifo "$SCRATCH/stuck.fifo"
stop_runner "$runner" INT
assert_eq "$RC" 130 "exit status after SIGINT while Xvfb starts"
assert_contains "$ERR" "did not start: interrupted by SIGINT"
assert_pid_gone "$SCRATCH/stuck.pid"
assert_not_contains "$ERR" "Running test"
# The reports are completed all the same: every test not run, then, in TAP, Bail out!
n_tests=$(find "$TREE/installed-tests" -name '*.test' | wc -l)
assert_eq "$(grep -c '^ok [0-9]* - .* # SKIP not run: interrupted by SIGINT$' "$OUT")" \
    "$n_tests" "TAP points after SIGINT while Xvfb starts"
assert_eq "$(tail -n 1 "$OUT")" "Bail out! interrupted by SIGINT" "the last TAP line"
assert_eq "$(grep -c '^{"record":"not-run"' "$SCRATCH/stuck.jsonl")" "$n_tests" \
    "JSON results after SIGINT while Xvfb starts"

# 6. Session-exclusive tests share the run's servers, or get their own with
# --exclusive-session=fresh (one pair each).
make_test grp/e1.test session-exclusive "$BIN/probe e1"
make_test grp/e2.test session-exclusive "$BIN/probe e2"
run_runner -d "$TREE"
assert_eq "$RC" 0 "exit status, shared"
for e in e1 e2; do
    assert_eq "$(value $e display)" "$(value s display)" "DISPLAY of $e, shared"
    assert_eq "$(value $e bus)" "$(value s bus)" "bus of $e, shared"
done
run_runner -d "$TREE" --exclusive-session=fresh
assert_eq "$RC" 0 "exit status, fresh"
for e in e1 e2; do
    [[ $(value $e display) != "$(value s display)" ]] || fail "$e shares the run's display"
    assert_line "$SCRATCH/seen-$e" "x=ok"
    assert_line "$SCRATCH/seen-$e" "dbus=ok"
done
[[ $(value e1 bus) != "$(value e2 bus)" && $(value e1 bus) != "$(value s bus)" ]] \
    || fail "the session-exclusive tests share a bus"
# Each fresh bus in a fresh runtime directory, at $XDG_RUNTIME_DIR/bus again.
for e in e1 e2; do
    assert_line "$SCRATCH/seen-$e" "bus_at=runtime"
    assert_line "$SCRATCH/seen-$e" "bus_socket=ours"
done
[[ $(value e1 runtime) != "$(value e2 runtime)" && $(value e1 runtime) != "$(value s runtime)" ]] \
    || fail "the session-exclusive tests share a runtime directory"
assert_servers_gone "$(run_dir_of e1)"

# 7. SIGINT mid-run: the servers go too.
rm -f "$TREE"/installed-tests/grp/e?.test
mkfifo "$SCRATCH/started.fifo"
make_test grp/s.test session "sh -c '$BIN/probe s; echo up > $SCRATCH/started.fifo; exec sleep 1000'"
TMPDIR=$RUN_TMP env --default-signal=INT "$RUNNER" -d "$TREE" >"$OUT" 2>"$ERR" </dev/null &
runner=$!
wait_fifo "$SCRATCH/started.fifo"
stop_runner "$runner" INT
assert_eq "$RC" 130 "exit status after SIGINT"
assert_servers_gone "$(run_dir_of s)"
assert_tmp_clean

# 8. The runner killed outright: its servers go with it (only their directory stays).
rm -f "$SCRATCH/seen-s"
TMPDIR=$RUN_TMP "$RUNNER" -d "$TREE" >"$OUT" 2>"$ERR" </dev/null &
runner=$!
wait_fifo "$SCRATCH/started.fifo"
kill -KILL "$runner"
{ wait "$runner"; } 2>/dev/null || true
run_dir=$(run_dir_of s)
for _ in $(seq 100); do
    pgrep -f "$run_dir" >/dev/null || break
    sleep 0.1
done
! pgrep -f "$run_dir" >/dev/null || fail "processes of $run_dir survived the runner"
# The next run removes the directory the killed one left.
[[ -d $run_dir ]] || fail "$run_dir is gone already?"
make_test grp/s.test session true
run_runner -d "$TREE"
assert_eq "$RC" 0 "exit status of the next run"
[[ ! -e $run_dir ]] || fail "the next run left $run_dir of the killed one"
echo ok
