# Helpers for the integration tests; each test_*.sh sources this file.
#
# Usage: test_foo.sh RUNNER   (or GINSTTEST_RUNNER=... test_foo.sh)
# Exit status: 0 success, 1 failure, 77 skipped (meson's convention).
set -euo pipefail

RUNNER=${1:-${GINSTTEST_RUNNER:-}}
if [[ -z $RUNNER || ! -x $RUNNER ]]; then
    echo "error: runner '$RUNNER' not found (pass its path as \$1 or in GINSTTEST_RUNNER)" >&2
    exit 1
fi
RUNNER=$(realpath "$RUNNER")

# Everything a test creates lives in SCRATCH. /var/tmp rather than an inherited TMPDIR keeps
# paths short and free of spaces, so they can be pasted into Exec= lines unquoted; rather than
# /tmp, because tests run by root get a /tmp of their own. Run as root, the runner runs tests as
# nobody, so they must be able to read and write here too.
# Installed (-Dinstalled_tests=true), the .test file sets GINSTTEST_IT_INSTALLED=1 and the
# runner running us gave us an empty directory of our own: everything goes there instead. It is
# ours alone, so as root it may be opened to the user the runner under test switches to. But
# /var/tmp it is after all when the directory is in /tmp (the runner under test gives its tests
# a /tmp of their own, where it is not to be seen), or when a directory above it stays closed to
# that user (a --report-directory under root's home).
SCRATCH=
if [[ ${GINSTTEST_IT_INSTALLED:-} == 1 && $PWD != /tmp/* ]]; then
    SCRATCH=$PWD/scratch
    mkdir "$SCRATCH"
    if [[ $(id -u) == 0 ]]; then
        chmod go+x "$PWD"
        if ! runuser -u nobody -- test -x "$SCRATCH" 2>/dev/null; then
            rmdir "$SCRATCH"
            SCRATCH=
        fi
    fi
fi
[[ -n $SCRATCH ]] || SCRATCH=$(mktemp -d /var/tmp/ginsttest-it.XXXXXX)
# What the scripts make here (directories, fifos, files) is shared with the tests likewise.
if [[ $(id -u) == 0 ]]; then
    chmod 1777 "$SCRATCH"
    umask 0000
fi
TREE=$SCRATCH/tree        # a data dir for --dir; tests go to $TREE/installed-tests
RUN_TMP=$SCRATCH/tmp      # TMPDIR of the runner: must be empty again after every run
BIN=$SCRATCH/bin          # helper programs the .test files execute
OUT=$SCRATCH/stdout       # stdout and stderr of the last run_runner/assert_exit
ERR=$SCRATCH/stderr
# The runs of one script share a history of their own (--history's default file is under it),
# never the machine's.
export XDG_STATE_HOME=$SCRATCH/state
mkdir -p "$TREE/installed-tests" "$RUN_TMP" "$BIN"
# Inherited by every process a test starts, so pid_alive can recognise them.
export GINSTTEST_IT_SCRATCH=$SCRATCH
: >"$OUT"
: >"$ERR"

# True if PID is a live process started on behalf of this test: its environment has our
# GINSTTEST_IT_SCRATCH, which guards against a recycled pid. Zombies count as dead: the
# runner may be gone already, and an init that does not reap would keep them around.
pid_alive() {
    local pid=$1
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
    [[ $(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) != Z ]] || return 1
    grep -qzxF "GINSTTEST_IT_SCRATCH=$SCRATCH" "/proc/$pid/environ" 2>/dev/null
}

cleanup() {
    local pid f
    # Our own background jobs (a runner started with &) first, then any daemon a test recorded
    # in a *.pid file: nothing may survive the test script, even when it failed.
    for pid in $(jobs -p); do kill -KILL "$pid" 2>/dev/null || true; done
    while IFS= read -r f; do
        pid=$(cat "$f" 2>/dev/null || true)
        if pid_alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    done < <(find "$SCRATCH" -name '*.pid' 2>/dev/null)
    wait 2>/dev/null || true
    chmod -R u+rwX "$SCRATCH" 2>/dev/null || true
    rm -rf "$SCRATCH"
}
trap cleanup EXIT

# Print the runner's last output for context, then the message, and exit 1.
fail() {
    {
        echo "--- runner stdout ---"; cat "$OUT"
        echo "--- runner stderr ---"; cat "$ERR"
        echo "FAIL: $*"
    } >&2
    exit 1
}

skip() { echo "SKIP: $*" >&2; exit 77; }

# make_test NAME TYPE EXEC [EXTRA_LINE...]: write $TREE/installed-tests/NAME.
# EXEC is the command line as the runner should split it; backslashes are doubled
# because keyfile values give them a meaning of their own.
make_test() {
    local name=$1 type=$2 exec=$3
    shift 3
    make_raw_test "$name" "[Test]" "Type=$type" "Exec=${exec//\\/\\\\}" "$@"
}

# make_raw_test NAME LINE...: write the file verbatim, one argument per line.
make_raw_test() {
    local f=$TREE/installed-tests/$1
    shift
    mkdir -p "$(dirname "$f")"
    printf '%s\n' "$@" >"$f"
}

# make_prog NAME BODY: an executable sh script $BIN/NAME, for Exec lines too long to read.
make_prog() {
    printf '#!/bin/sh\n%s\n' "$2" >"$BIN/$1"
    chmod +x "$BIN/$1"
}

# The peak memory (kB) a run of the runner may reach in a test that checks it stays flat: a
# sanitizer's shadow memory and quarantine add their own, still far below what reading a whole
# large input would take.
rss_limit_kb() {
    if ldd "$RUNNER" 2>/dev/null | grep -q 'libasan\|libubsan'; then
        echo $((256 * 1024))
    else
        echo $((64 * 1024))
    fi
}

# The runner with the private TMPDIR.
gtr() { TMPDIR=$RUN_TMP "$RUNNER" "$@"; }

# run_runner ARGS...: run gtr; stdout to $OUT, stderr to $ERR, exit status to $RC.
# shellcheck disable=SC2034 # RC is for the caller
run_runner() {
    RC=0
    gtr "$@" >"$OUT" 2>"$ERR" </dev/null || RC=$?
}

# assert_exit CODE CMD...: run CMD (stdout to $OUT, stderr to $ERR); its status must be CODE.
assert_exit() {
    local want=$1 got=0
    shift
    "$@" >"$OUT" 2>"$ERR" </dev/null || got=$?
    [[ $got == "$want" ]] || fail "'$*' exited with $got, expected $want"
}

assert_eq() { # assert_eq ACTUAL EXPECTED [WHAT]
    [[ $1 == "$2" ]] || fail "${3:-value}: expected '$2', got '$1'"
}

assert_contains() { # assert_contains FILE STRING: STRING occurs in FILE
    grep -qF -- "$2" "$1" || fail "$(basename "$1") does not contain '$2'"
}

assert_not_contains() {
    ! grep -qF -- "$2" "$1" || fail "$(basename "$1") unexpectedly contains '$2'"
}

assert_line() { # assert_line FILE LINE: LINE is a whole line of FILE
    grep -qxF -- "$2" "$1" || fail "$(basename "$1") has no line '$2'"
}

count_lines() { # count_lines FILE LINE: how many lines of FILE are exactly LINE
    grep -cxF -- "$2" "$1" || true
}

assert_tmp_clean() {
    [[ -z $(ls -A "$RUN_TMP") ]] || fail "runner left behind in TMPDIR: $(ls -A "$RUN_TMP")"
}

assert_pid_gone() { # assert_pid_gone PIDFILE
    [[ -s $1 ]] || fail "$1 was never written: the test did not get that far"
    ! pid_alive "$(cat "$1")" || fail "process $(cat "$1") from $(basename "$1") is still running"
}

# The names in DIR (dot files too), sorted, on one line.
entries() { find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | paste -sd ' '; }

# The test names in the order the runner started them.
started_order() { sed -n 's/^Running test: //p' "$OUT"; }

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# wait_fifo FIFO: block until a test writes a line to FIFO (at most 30 s).
wait_fifo() {
    timeout 30 head -n 1 "$1" >/dev/null || fail "no test wrote to $(basename "$1") within 30 s"
}

# interrupted_run ARGS...: adds grp/a-quick (passes), grp/b-blocking (runs until stopped) and
# grp/c-never to the tree, runs the runner in name order with ARGS, and sends it SIGINT while
# grp/b-blocking runs. Its output goes to $OUT and $ERR, its exit status to $RC.
interrupted_run() {
    local runner
    mkfifo "$SCRATCH/started.fifo"
    make_test grp/a-quick.test session true
    make_test grp/b-blocking.test session "sh -c 'echo up > $SCRATCH/started.fifo; exec sleep 1000'"
    make_test grp/c-never.test session true
    TMPDIR=$RUN_TMP env --default-signal=INT "$RUNNER" -d "$TREE" --order=name "$@" \
        >"$OUT" 2>"$ERR" </dev/null &
    runner=$!
    wait_fifo "$SCRATCH/started.fifo"
    stop_runner "$runner" INT
    rm -f "$SCRATCH/started.fifo"
}

# stop_runner PID SIGNAL [TARGET]: send SIGNAL to a runner started in the background (or to
# TARGET, such as -PID for its process group) and wait for it; its exit status goes to RC. One
# still there after 30 s is killed (and fails the check of RC).
# (tail returns when the process exits; a watchdog job would outlive us and hold the pipes.)
stop_runner() {
    local pid=$1 sig=$2 target=${3:-$1}
    kill "-$sig" -- "$target"
    timeout 30 tail -s 0.1 --pid="$pid" -f /dev/null || kill -KILL "$pid" 2>/dev/null || true
    RC=0
    wait "$pid" || RC=$?
}
