# shellcheck shell=bash disable=SC2153 # RUNNER and the others come from lib.sh
# Shared by the test_backtrace_*.sh scripts (sourced after lib.sh): eu-stack, the C programs
# of programs/ (their paths follow the runner's among the script's arguments), the processes
# the runs leave, and what the console and the JSON report say of the stacks.

command -v eu-stack >/dev/null || skip "eu-stack is not installed (Debian: package elfutils)"
command -v python3 >/dev/null || skip "python3 is not installed"
EU_STACK=$(command -v eu-stack)
BT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# bt_program PATH: the path an installed test can execute PATH by. Run as root, the runner runs
# tests as nobody, who may not reach the build directory: then a copy in $BIN (in SCRATCH,
# which nobody reaches, and which each test's private /var/tmp keeps since its Exec line names
# it). The copy holds the same debug information; only the module's path in a stack changes.
bt_program() {
    local prog
    prog=$(realpath "$1")
    [[ -x $prog ]] || fail "program '$1' not built (meson passes it after the runner)"
    if [[ $(id -u) == 0 ]] && ! runuser -u nobody -- test -r "$prog" -a -x "$prog" 2>/dev/null; then
        cp "$prog" "$BIN/" && chmod 0755 "$BIN/$(basename "$prog")"
        prog=$BIN/$(basename "$prog")
    fi
    echo "$prog"
}

# wait_ready FIFO PID: until a test writes a line to FIFO; fails as soon as the process PID (the
# runner) has ended without one, or after 30 s. The FIFO is opened for reading and writing, so
# that neither this nor the test's open waits for the other.
wait_ready() {
    local fifo=$1 pid=$2 fd tries=0
    exec {fd}<>"$fifo"
    until read -r -t 0.2 -u "$fd" _; do
        kill -0 "$pid" 2>/dev/null || fail "the runner ended before a test wrote to $(basename "$fifo")"
        ((++tries < 150)) || fail "no test wrote to $(basename "$fifo") within 30 s"
    done
    exec {fd}<&-
}

# ours NAME: the pids of the live processes called NAME (exactly) that were started on behalf
# of this script (see pid_alive: they inherited GINSTTEST_IT_SCRATCH, as the tests and the
# runner's tools do), one per line. Others' processes of the same name do not count.
ours() {
    local pid
    for pid in $(pgrep -x "$1" || true); do
        if pid_alive "$pid"; then echo "$pid"; fi
    done
}

# The children of PID called NAME, in any state (a zombie, not yet reaped, too).
children_named() {
    ps -o pid=,stat=,comm= --ppid "$1" 2>/dev/null | awk -v n="$2" '$3 == n' || true
}

assert_none_left() { # assert_none_left NAME...: no process of ours with any of these names
    local name left
    for name in "$@"; do
        left=$(ours "$name" | paste -sd ' ')
        [[ -z $left ]] || fail "$name left running after the run: $left"
    done
}

# An eu-stack on the PATH that writes its arguments to $EU_STACK_LOG, one run a line, then
# becomes the real one: the runner looks for it on the tests' PATH, so PATH=$WRAP:$PATH shows
# every run it makes.
WRAP=$SCRATCH/wrap
EU_STACK_LOG=$SCRATCH/eu-stack.log
mkdir -p "$WRAP"
printf '#!/bin/sh\necho "$*" >> %s\nexec %s "$@"\n' "$EU_STACK_LOG" "$EU_STACK" >"$WRAP/eu-stack"
chmod 0755 "$WRAP/eu-stack"
eu_stack_runs() { if [[ -f $EU_STACK_LOG ]]; then grep -c . "$EU_STACK_LOG" || true; else echo 0; fi; }

# Nothing a failed script left may survive it: its test programs (by name, only ours) too.
BT_PROGRAMS=(hang_tree null_deref failed_assert glib_assert eu-stack)
bt_cleanup() {
    local name pid
    for name in "${BT_PROGRAMS[@]}"; do
        for pid in $(ours "$name"); do kill -KILL "$pid" 2>/dev/null || true; done
    done
    cleanup
}
trap bt_cleanup EXIT

# Console output. A frame line is "#N  FUNCTION at FILE:LINE (MODULE)", indented under its
# thread; FILE is the source file as the compiler named it.

# assert_frame FILE FUNCTION SOURCE MODULE: a frame of FUNCTION, in SOURCE (a base name) of MODULE
# (a base name), is shown.
assert_frame() {
    grep -qE "^[[:space:]]+#[0-9]+ +$2 at ([^ ]*/)?${3//./\\.}:[0-9]+ \\(([^ )]*/)?$4\\)\$" "$1" ||
        fail "$(basename "$1") shows no frame '#N  $2 at .../$3:LINE (.../$4)'"
}

# crashed_frames FILE: the frame lines of the first thread headed "thread TID..., crashed:".
crashed_frames() {
    awk '/^[[:space:]]*thread [0-9]+.*, crashed:$/ { if (!done) { on = 1; next } }
         on && /^[[:space:]]+#[0-9]+ / { print; next }
         on { on = 0; done = 1 }' "$1"
}

# process_headings FILE PROGRAM: the pids of the "process PID (COMMAND...): N thread(s)"
# headings whose command runs PROGRAM (a base name), each once, sorted.
process_headings() {
    sed -nE "s/^[[:space:]]*process ([0-9]+) \\(([^ )]*\\/)?$2( [^)]*)?\\): [0-9]+ threads?\$/\\1/p" "$1" |
        sort -un
}

# bt_json FILE: runs the Python on stdin with the JSON Lines FILE as sys.argv[1] and the
# helpers of backtrace_json.py imported; a failed assertion fails the script.
bt_json() {
    PYTHONPATH=$BT_DIR${PYTHONPATH:+:$PYTHONPATH} python3 - "$@" ||
        fail "the JSON report does not hold what was expected (see the Python traceback above)"
}

# assert_tree_stacks_shown: the console of the last run shows both of hang_tree's functions and
# one heading per process of $SCRATCH/tree.pids, and eu-stack ran once on each of them (no
# process missed, none traced twice).
assert_tree_stacks_shown() {
    local pids
    pids=$(paste -sd ' ' "$SCRATCH/tree.pids")
    assert_frame "$OUT" hang_in_parent hang_tree.c hang_tree
    assert_frame "$OUT" hang_in_child hang_tree.c hang_tree
    assert_eq "$(process_headings "$OUT" hang_tree | paste -sd ' ')" "$pids" \
        "processes shown on the console"
    assert_eq "$(sed -n 's/.*--pid=\([0-9]*\).*/\1/p' "$EU_STACK_LOG" | sort -n | paste -sd ' ')" \
        "$pids" "processes eu-stack was run on (one run each)"
}
