#!/bin/sh
# Run by the runner as an installed test (Output=TAP): checks, from inside, the session a
# test gets. One TAP point per promise.
n=0
check() { # check DESCRIPTION COMMAND...
    n=$((n + 1))
    desc=$1
    shift
    if "$@" >/dev/null 2>&1; then echo "ok $n - $desc"; else echo "not ok $n - $desc"; fi
}
runtime_ok() { [ "$(stat -c '%a %u' "$XDG_RUNTIME_DIR")" = "700 $(id -u)" ]; }
home_ok() {
    [ "$HOME" != "$(getent passwd root | cut -d: -f6)" ] && touch "$HOME/.written" &&
        [ "$(stat -c %u "$HOME")" = "$(id -u)" ]
}
echo "1..6"
check "not running as root (uid $(id -u))" test "$(id -u)" != 0
check "an X connection to DISPLAY=$DISPLAY" xdpyinfo
check "org.freedesktop.DBus answers on the session bus" dbus-send --session --print-reply \
    --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId
check "XDG_RUNTIME_DIR=$XDG_RUNTIME_DIR is 0700 and ours" runtime_ok
check "HOME=$HOME is ours, writable, not root's" home_ok
check "no supplementary groups" test "$(id -G)" = "$(id -g)"
