#!/bin/bash
# The systemd unit, as configured for installation: systemd-analyze verify takes it without a
# word, its ordering and install directives are the documented ones, and its command lines,
# run in order as systemd would run them (specifiers resolved, $GINSTTEST_RUNNER_ARGS split),
# work with the built runner: over a passing and a failing test, with %S (/var/lib) standing
# for a directory of ours, the files land where the unit says and the last run's are gone.
# No journal is needed (a warning says the run's journal messages are lost when none runs).
# Usage: test_unit.sh RUNNER UNIT MAN_PAGE   (exit 77: no systemd-analyze)
set -euo pipefail
runner=$(realpath "$1")
unit=$(realpath "$2")
man_page=$(realpath "$3")
command -v systemd-analyze >/dev/null || { echo "no systemd-analyze: skipped"; exit 77; }

fail() { echo "FAIL: $*" >&2; exit 1; }
# Run as root, the runner runs the tests as nobody: they must reach the tree.
work=$(mktemp -d /var/tmp/ginsttest-unit.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
name=ginsttest-runner.service

# The unit's logical lines: comments dropped, continuation lines joined with a space.
lines=$(awk '/^[ \t]*[#;]/ { next }
             { if (sub(/\\$/, "")) { buf = buf $0 " "; next } print buf $0; buf = "" }' "$unit")
# The values of KEY=, one a line, in the unit's order.
values() { sed -n "s/^$1=//p" <<<"$lines"; }

# --- systemd-analyze verify, on a copy running the built runner (it checks that ExecStart's
# program exists) and with Documentation='s man page found in the source tree.
mkdir -p "$work/verify" "$work/man/man1"
ln -s "$man_page" "$work/man/man1/ginsttest-runner.1"
sed -E "s|^ExecStart=/[^ ]*/ginsttest-runner |ExecStart=$runner |" "$unit" >"$work/verify/$name"
grep -q "^ExecStart=$runner " "$work/verify/$name" \
    || fail "no ExecStart=/…/ginsttest-runner line to point at the built runner"
man_check=()
command -v man >/dev/null || man_check=(--man=no)
status=0
output=$(cd "$work/verify" && MANPATH=$work/man SYSTEMD_LOG_COLOR=0 \
         systemd-analyze verify "${man_check[@]}" "./$name" 2>&1) || status=$?
if [[ -n $output ]]; then
    echo "systemd-analyze verify said:"
    echo "$output"
fi
[[ $status == 0 ]] || fail "systemd-analyze verify: status $status"
if grep -q -e ginsttest-runner -e "$work" <<<"$output"; then
    fail "systemd-analyze verify warns about the unit"
fi

# --- The directives the README and the man page describe.
expect() {  # KEY VALUE: the unit's only KEY= has exactly this value
    local got
    got=$(values "$1")
    [[ $got == "$2" ]] || fail "$1=: expected '$2', got '${got//$'\n'/ | }'"
}
expect Type oneshot
expect After "multi-user.target graphical.target"
expect WantedBy multi-user.target
expect StateDirectory ginsttest-runner
expect Restart no
expect RemainAfterExit ""
# Nothing pulls graphical.target in: an image without one must not get a session from us.
if grep -E '^(Wants|Requires|Requisite|BindsTo|Upholds)=.*graphical' <<<"$lines"; then
    fail "the unit pulls in graphical.target"
fi
[[ $(values EnvironmentFile) == -/*/ginsttest-runner.env ]] \
    || fail "EnvironmentFile=: expected an optional …/ginsttest-runner.env"
# Long enough for a whole image's tests, but not forever.
timeout=$(values TimeoutStartSec)
[[ -n $timeout && $timeout != infinity ]] || fail "TimeoutStartSec=: '$timeout'"
usec=$(systemd-analyze timespan "$timeout" | sed -n 's/^ *μs: //p')
((usec >= 3600 * 1000000)) || fail "TimeoutStartSec=$timeout: under an hour"
[[ $(values ExecStart | wc -l) == 1 ]] || fail "not one ExecStart="
exec_start=$(values ExecStart)
[[ $exec_start == /*/ginsttest-runner\ * ]] || fail "ExecStart= runs something else: $exec_start"
[[ " $exec_start " == *" --journal=yes "* ]] || fail "ExecStart= without --journal=yes"
[[ $exec_start =~ \ \$GINSTTEST_RUNNER_ARGS\ *$ ]] \
    || fail "ExecStart= does not end with the image's \$GINSTTEST_RUNNER_ARGS"

# --- The command lines, run in the unit's order. %S is $state (/var/lib for the system
# manager); systemd made $state/ginsttest-runner (StateDirectory=), root's, mode 0755.
state=$work/state
mkdir -m 755 "$state" "$state/ginsttest-runner"
# What an earlier boot left: must not be mixed with this run's files.
mkdir -p "$state/ginsttest-runner/last-run/failed/unit-check_earlier.test"
echo earlier >"$state/ginsttest-runner/last-run/failed/unit-check_earlier.test/output.txt"
echo '{"earlier": true}' >"$state/ginsttest-runner/last-run/results.json"
# A passing test and a failing one, selected by the image's options.
tests=$work/tree/installed-tests/unit-check
mkdir -p "$tests"
printf '[Test]\nType=session\nExec=sh -c "echo passing"\n' >"$tests/pass.test"
printf '[Test]\nType=session\nExec=sh -c "echo failing-output; exit 1"\n' >"$tests/fail.test"
chmod -R a+rX "$work/tree"
# The image's options, as its EnvironmentFile= or a drop-in would give them.
image_args="--dir=$work/tree --display=none --bus=none unit-check/"

run_line() {  # KEY LINE: resolve LINE as systemd would, then run it in a service's environment
    local key=$1 line=$2 word ignore=no
    local -a cmd=()
    [[ $line != *[\"\'\\]* ]] || fail "$key=$line: quoting this test does not resolve"
    line=${line//%S/$state}
    [[ $line != *%* ]] || fail "$key=$line: a specifier this test does not resolve"
    [[ $line != [@:+!]* ]] || fail "$key=$line: a prefix this test does not know"
    if [[ $line == -* ]]; then ignore=yes; line=${line#-}; fi
    set -f
    for word in $line; do
        case $word in
            '$GINSTTEST_RUNNER_ARGS') cmd+=($image_args) ;;
            *'$'*) set +f; fail "$key=: $word is not resolved by this test" ;;
            *) cmd+=("$word") ;;
        esac
    done
    set +f
    if [[ $key == ExecStart ]]; then cmd[0]=$runner; fi
    local status=0
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
        STATE_DIRECTORY="$state/ginsttest-runner" "${cmd[@]}" \
        >"$work/$key.out" 2>"$work/$key.err" </dev/null || status=$?
    if [[ $key == ExecStart ]]; then
        [[ $status == 2 ]] || { cat "$work/$key.out" "$work/$key.err"; fail "ExecStart: status $status, expected 2"; }
    elif [[ $status != 0 && $ignore == no ]]; then
        cat "$work/$key.err"
        fail "$key=$2: status $status"
    fi
}
while IFS= read -r line; do
    case $line in
        ExecStartPre=*) run_line ExecStartPre "${line#*=}" ;;
        ExecStart=*) run_line ExecStart "${line#*=}" ;;
    esac
done <<<"$lines"

# --- Where the files landed: what the README says.
dir=$state/ginsttest-runner
listing() { ls -A "$1" | tr '\n' ' '; }
[[ $(listing "$dir") == "history history.lock last-run " ]] \
    || fail "$dir holds: $(listing "$dir")"
[[ $(listing "$dir/last-run") == "failed junit.xml results.json " ]] \
    || fail "last-run/ holds: $(listing "$dir/last-run")"
# The failed test's directory only: the one an earlier boot left is gone.
[[ $(listing "$dir/last-run/failed") == "unit-check_fail.test " ]] \
    || fail "last-run/failed/ holds: $(listing "$dir/last-run/failed")"
grep -q failing-output "$dir/last-run/failed/unit-check_fail.test/output.txt" \
    || fail "the failing test's output is not in its report directory"
python3 - "$dir/last-run/results.json" "$dir/last-run/junit.xml" <<'EOF' || fail "results"
import json, sys, xml.etree.ElementTree as ET
lines = [json.loads(l) for l in open(sys.argv[1])]
outcomes = {l["name"]: l["outcome"] for l in lines if "name" in l}
assert outcomes == {"unit-check/pass.test": "pass", "unit-check/fail.test": "fail"}, lines
assert lines[-1]["record"] == "summary" and lines[-1]["complete"], lines[-1]
suites = {s.get("name") for s in ET.parse(sys.argv[2]).getroot().iter("testsuite")}
assert suites == {"unit-check/pass.test", "unit-check/fail.test"}, suites
EOF
[[ -s $dir/history ]] || fail "no history in the state directory"
echo ok
