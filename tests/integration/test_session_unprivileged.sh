#!/bin/bash
# The runner started by an ordinary user (a developer after a jhbuild): no identity to drop and
# no private /tmp, but the display and bus it lacks are started for it, as that user, and its
# run directory goes in its XDG_RUNTIME_DIR (or TMPDIR). Played here by nobody, via setpriv.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) == 0 ]] || skip "needs root to become another user"
for program in setpriv Xvfb dbus-daemon dbus-send xdpyinfo; do
    command -v "$program" >/dev/null || skip "$program is not installed"
done
as_nobody() {
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
        env -u DISPLAY -u WAYLAND_DISPLAY -u XAUTHORITY -u DBUS_SESSION_BUS_ADDRESS \
        -u XDG_RUNTIME_DIR HOME="$SCRATCH" TMPDIR="$RUN_TMP" "$@"
}
setpriv --reuid=nobody true 2>/dev/null && [[ -x $RUNNER ]] &&
    as_nobody test -x "$RUNNER" || skip "nobody cannot run $RUNNER"

make_prog probe "
{
  echo \"uid=\$(id -u)\"
  echo \"home=\$HOME\"
  echo \"xauthority=\$XAUTHORITY\"
  [ \"\$DBUS_SESSION_BUS_ADDRESS\" = \"unix:path=\$XDG_RUNTIME_DIR/bus\" ] && echo bus_at=runtime
  echo \"runtime_mode=\$(stat -c '%a %u' \"\$XDG_RUNTIME_DIR\")\"
  xdpyinfo >/dev/null 2>&1 && echo x=ok || echo x=failed
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetId >/dev/null 2>&1 && echo dbus=ok || echo dbus=failed
} > $SCRATCH/seen"
make_test grp/u.test session "$BIN/probe"

as_nobody "$RUNNER" -d "$TREE" >"$OUT" 2>"$ERR" </dev/null && RC=0 || RC=$?
assert_eq "$RC" 0 "exit status"
assert_line "$SCRATCH/seen" "uid=$(id -u nobody)"
assert_line "$SCRATCH/seen" "home=$SCRATCH"
assert_line "$SCRATCH/seen" "x=ok"
assert_line "$SCRATCH/seen" "dbus=ok"
# The bus the run started is at $XDG_RUNTIME_DIR/bus, in a runtime directory of the run's.
assert_line "$SCRATCH/seen" "bus_at=runtime"
assert_line "$SCRATCH/seen" "runtime_mode=700 $(id -u nobody)"
# run_dir: the run directory of the last run, from the probe's XAUTHORITY.
run_dir() { local dir; dir=$(sed -n 's/^xauthority=//p' "$SCRATCH/seen"); echo "${dir%/servers*}"; }
# In TMPDIR, unless TMPDIR leaves no room for the bus's socket (sockets' paths are 107 bytes at
# most): then in /tmp. Installed, in the directory our own runner gave us, RUN_TMP is long.
if (( ${#RUN_TMP} < 56 )); then want_base=$RUN_TMP; else want_base=/tmp; fi
[[ $(run_dir) == "$want_base"/ginsttest-run-* ]] || fail "run directory $(run_dir) is not in $want_base"
[[ ! -e $(run_dir) ]] || fail "$(run_dir) left behind"

# A TMPDIR too long for a socket under it: the run's directory goes to /tmp, and the bus works.
long_tmp=$RUN_TMP/$(printf 'l%.0s' {1..60})
mkdir "$long_tmp"
: >"$SCRATCH/seen"
as_nobody env TMPDIR="$long_tmp" "$RUNNER" -d "$TREE" >"$OUT" 2>"$ERR" </dev/null && RC=0 || RC=$?
assert_eq "$RC" 0 "exit status with a long TMPDIR"
assert_line "$SCRATCH/seen" "dbus=ok"
[[ $(run_dir) == /tmp/ginsttest-run-* ]] || fail "run directory $(run_dir) with a long TMPDIR"
[[ ! -e $(run_dir) ]] || fail "$(run_dir) left behind"
rmdir "$long_tmp"

# What only root can do is refused, before anything runs.
as_nobody "$RUNNER" -d "$TREE" --private-tmp=yes >"$OUT" 2>"$ERR" </dev/null && RC=0 || RC=$?
assert_eq "$RC" 1 "exit status with --private-tmp=yes"
assert_contains "$ERR" "--private-tmp=yes needs the runner to be started as root"
as_nobody "$RUNNER" -d "$TREE" --user=daemon >"$OUT" 2>"$ERR" </dev/null && RC=0 || RC=$?
assert_eq "$RC" 1 "exit status with --user"
assert_contains "$ERR" "--user=daemon needs the runner to be started as root"
assert_not_contains "$OUT" "Running test"
assert_tmp_clean
echo ok
