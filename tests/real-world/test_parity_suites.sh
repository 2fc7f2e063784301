#!/bin/bash
# Real installed tests of Debian 12 beyond GLib, GTK and gjs (ostree-tests, flatpak-tests,
# dbus-tests), run as root with no display, no bus and no wrapper: each passes under
# ginsttest-runner, as it does under gnome-desktop-testing-runner in `xvfb-run -a
# dbus-run-session`. Each one broke under the runner's isolation before:
# - ostree's test library runs `chmod -R u+w` on its working directory, which must be the test
#   user's, and starts gpg-agent there, whose socket path must stay short;
# - flatpak's test-run runs `flatpak run` with a relative path, which resolved in the sandbox's
#   own /tmp while the working directory was /tmp itself;
# - dbus's transient-services test needs the bus at $XDG_RUNTIME_DIR/bus, and the services it
#   starts must see the files the test makes under its TMPDIR.
# (libsoup 2.4's misc-test and hsts-db-test are not here: they hang now and then under load,
# with any runner or none; the README says so.)
source "$(dirname "$0")/../integration/lib.sh"
[[ $(id -u) == 0 ]] || skip "needs root: the point is running as root without wrappers"
tests=(
    libostree/test-basic-user.sh.test         # chmod -R u+w on its directory
    libostree/test-remote-gpg-import.sh.test  # gpg-agent's socket in its directory
    libostree/test-pull-summary-sigs.sh.test
    "Flatpak/test-run@user,deltas.wrap.test"  # a relative path in `flatpak run`
    Flatpak/testcommon.test
    dbus/integration/transient-services.sh.test # the bus at $XDG_RUNTIME_DIR/bus
)
for t in "${tests[@]}"; do
    [[ -f /usr/share/installed-tests/$t ]] || skip "$t is not installed"
done

# As a user would start it: lib.sh's umask 0 would fail ostree's checks of the modes it makes.
(
    umask 022
    env -u DISPLAY -u WAYLAND_DISPLAY -u XAUTHORITY -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR \
        TMPDIR="$RUN_TMP" "$RUNNER" --order=name -p 2 --json="$SCRATCH/results.jsonl" "${tests[@]}" \
        >"$OUT" 2>"$ERR" </dev/null
) || fail "ginsttest-runner: exit status $?"
for t in "${tests[@]}"; do
    assert_line "$OUT" "PASS: $t"
done

# Passed by running, not by skipping: every TAP point of these ran, and passed.
/usr/bin/python3 - "$SCRATCH/results.jsonl" <<'PY' || fail "the tests' TAP points are not what they should be"
import json, sys
tests = {r["name"]: r for r in map(json.loads, open(sys.argv[1])) if "name" in r}
def points(name):
    return [(s["name"], s["outcome"]) for s in tests[name]["subtests"]]
run = points("Flatpak/test-run@user,deltas.wrap.test")
assert len(run) == 25 and all(outcome == "pass" for _, outcome in run), run
transient = points("dbus/integration/transient-services.sh.test")
assert transient[0] == ("attempted to run transient service directly", "pass"), transient
PY
assert_tmp_clean
echo ok
