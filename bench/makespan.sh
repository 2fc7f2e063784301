#!/usr/bin/env bash
# The makespan of a run of this machine's installed tests: simulated at 2, 8 and 32 slots on
# the durations of a real run (bench/makespan.cpp), then measured at 2 slots, in random order
# and longest first. See bench/README.md.
#
# Usage: bench/makespan.sh [BUILD_DIR]      (default: _build in the source tree)
#
# Environment knobs (all optional):
#   JSON=FILE     simulate the --json report FILE of an earlier run; run no test
#   REAL=yes|no   after the simulation, run the tests again longest first (default: yes)
#   SEEDS=201     random orders simulated for each number of slots
#   OUT=DIR       keep the reports and the history in DIR (default: a directory removed at exit)

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
srcroot=$(dirname "$here")

build_dir=${1:-$srcroot/_build}
if [[ ! -d $build_dir ]]; then
    echo "makespan.sh: build directory '$build_dir' not found" >&2
    exit 1
fi
build_dir=$(cd "$build_dir" && pwd)

REAL=${REAL:-yes}
SEEDS=${SEEDS:-201}
SLOTS=2

ours=$build_dir/src/ginsttest-runner
sim=$build_dir/bench/makespan
for exe in "$ours" "$sim"; do
    if [[ ! -x $exe ]]; then
        echo "makespan.sh: $exe is missing; build with: ninja -C $build_dir" >&2
        exit 1
    fi
done

if [[ -n ${OUT:-} ]]; then
    mkdir -p "$OUT"
    work=$(cd "$OUT" && pwd)
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/ginsttest-makespan.XXXXXX")
    trap 'rm -rf "$work"' EXIT
fi

log() { printf '==> %s\n' "$*" >&2; }
calc() { awk "BEGIN { printf \"%.1f\", $1 }"; }

# The runner's history is the run's own, never the default file of the machine.
history=$work/history

# history_works: whether --history orders the tests (an older runner parses it and does
# nothing): a run of one test must leave the file.
history_works() {
    local tree=$work/probe
    mkdir -p "$tree/installed-tests"
    printf '[Test]\nType=session\nExec=/bin/true\n' >"$tree/installed-tests/probe.test"
    "$ours" -d "$tree" --display=none --bus=none --status=no --quiet \
        --history="$work/probe.history" >/dev/null 2>&1 || true
    [[ -s $work/probe.history ]]
}

# real_run NAME: runs every installed test at -p $SLOTS with the run's history, writing
# NAME.jsonl and NAME.log, and prints its wall time in seconds. Failing tests are expected on
# most machines: only a runner that could not run (status 1) or a signal stops the script.
real_run() {
    local name=$1 start end status=0
    start=$(date +%s%N)
    "$ours" -p "$SLOTS" --status=no --quiet --json="$work/$name.jsonl" --history="$history" \
        >"$work/$name.log" 2>&1 || status=$?
    end=$(date +%s%N)
    if (( status != 0 && status != 2 )); then
        echo "makespan.sh: the $name run ended with status $status; see $work/$name.log" >&2
        exit 1
    fi
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f\n", (e - s) / 1e9 }'
}

if [[ $(id -u) != 0 ]]; then
    log "not root: the tests run as $(id -un), without the session root gives them"
fi
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# 1. The durations: a real run in random order (the history is empty), unless JSON names one.
if [[ -n ${JSON:-} ]]; then
    recorded=$JSON
    REAL=no
else
    if history_works; then
        has_history=yes
    else
        has_history=no
        log "--history does not order the tests yet: only the simulation"
        REAL=no
    fi
    log "recording: every installed test, -p $SLOTS, random order ($work/random.log)"
    wall_random=$(real_run random)
    recorded=$work/random.jsonl
fi

# 2. The simulation on those durations, at 2, 8 and 32 slots.
log "simulating $SEEDS random orders and longest first"
echo
"$sim" --seeds="$SEEDS" "$recorded"

# 3. The real thing at 2 slots: the same tests again, longest first from the history of run 1.
if [[ $REAL == yes ]]; then
    log "again, longest first from the history ($work/longest.log)"
    wall_longest=$(real_run longest)
fi

if [[ -n ${wall_random:-} ]]; then
    echo
    echo "Measured at $SLOTS slots ($(nproc) CPUs; load average at start: $load_start; at end:" \
        "$(cut -d' ' -f1-3 /proc/loadavg)):"
    printf '  %-26s %11s %11s %11s %11s %8s\n' "" "lower bound" "replayed" "tests' span" \
        "wall" "over it"
    # measured NAME WALL LABEL: a run against the bound of its own durations (a test takes a
    # little more or less from one run to the next), with what lies between: its own order
    # simulated on those durations (the order's share), its tests' span from the first start to
    # the last end (adds the time between one test's end and the next one's start in its slot),
    # its wall time (adds the runner's own start and end). Sets `over`, the wall's.
    measured() {
        local bound replayed span
        bound=$("$sim" --bound="$SLOTS" "$work/$1.jsonl")
        replayed=$("$sim" --replay="$SLOTS" "$work/$1.jsonl")
        span=$("$sim" --span "$work/$1.jsonl")
        over=$(calc "($2 / $bound - 1) * 100")
        printf '  %-26s %9s s %9s s %9s s %9s s %7s%%\n' "$3" "$(calc "$bound")" \
            "$(calc "$replayed")" "$(calc "$span")" "$2" "$over"
    }
    measured random "$wall_random" "random order (recording)"
    if [[ -n ${wall_longest:-} ]]; then
        measured longest "$wall_longest" "longest first"
        echo
        if awk -v o="$over" 'BEGIN { exit !(o <= 3) }'; then verdict=MET; else verdict=MISS; fi
        echo "Goal: longest first within 3% of the lower bound, measured at $SLOTS slots: $verdict"
    elif [[ ${has_history:-} == no ]]; then
        echo "  longest first: not measured (this runner's --history does not order the tests)"
    fi
fi
