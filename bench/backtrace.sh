#!/usr/bin/env bash
# What taking the stacks of a test that times out costs: the time the capture adds to a timeout
# (the runner with --backtraces=no and =auto, taking turns), and eu-stack against gdb on a live
# tree of processes (bench/hang_tree.c). See bench/README.md.
#
# Usage: bench/backtrace.sh [BUILD_DIR]      (default: _build in the source tree)
#
# Environment knobs (all optional):
#   RUNS=5        rounds of each measurement (the figures are their medians)
#   WARMUP=1      rounds run first and not counted
#   SIZES="1 10"  processes in the hanging test's tree, one tree per size (part 1)
#   BACKTRACE_TIMEOUT=S  the runner's --backtrace-timeout in part 1 (default: the runner's own)
#   PROCS=10      processes in the live tree eu-stack and gdb take the stacks of (part 2)
#   AT_ONCE=4     tools run at the same time in part 2 (the runner runs 4)
#   EU_STACK=path  GDB=path   the tools (default: on PATH); GDB= (empty) skips gdb

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
srcroot=$(dirname "$here")

build_dir=${1:-$srcroot/_build}
if [[ ! -d $build_dir ]]; then
    echo "backtrace.sh: build directory '$build_dir' not found" >&2
    exit 1
fi
build_dir=$(cd "$build_dir" && pwd)

RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
SIZES=${SIZES:-1 10}
PROCS=${PROCS:-10}
AT_ONCE=${AT_ONCE:-4}

ours=$build_dir/src/ginsttest-runner
hang_tree=$build_dir/bench/hang-tree
for exe in "$ours" "$hang_tree"; do
    if [[ ! -x $exe ]]; then
        echo "backtrace.sh: $exe is missing; build with: ninja -C $build_dir" >&2
        exit 1
    fi
done

eu_stack=${EU_STACK:-$(command -v eu-stack || true)}
if [[ -z $eu_stack || ! -x $eu_stack ]]; then
    echo "backtrace.sh: eu-stack is required (apt-get install elfutils)" >&2
    exit 1
fi
gdb=${GDB-$(command -v gdb || true)}
if [[ -n $gdb && ! -x $gdb ]]; then
    gdb=
fi
if command -v python3 >/dev/null; then
    json_tool=python3
elif command -v jq >/dev/null; then
    json_tool=jq
else
    echo "backtrace.sh: python3 or jq is required to read the runner's JSON" >&2
    exit 1
fi

# The tools run as the runner runs eu-stack: in the C locale, without debuginfod (nothing is
# fetched from the network while a test waits to be stopped).
export LC_ALL=C
unset DEBUGINFOD_URLS

# Tests run as nobody when the runner is root: the tree and its program are in /var/tmp, in a
# directory anyone may read, not under the build directory (which may be in a home directory).
work=$(mktemp -d /var/tmp/ginsttest-backtrace.XXXXXX)
chmod 755 "$work"
# Our runs keep their history here, not in the machine's.
export XDG_STATE_HOME=$work/state

# The live tree of part 2, while it runs: its first process and its children.
tree_pid=
tree_children=()
# stop_tree: SIGTERM to the first process, which kills its children and reaps them; SIGKILL to
# whatever is left of them.
stop_tree() {
    if [[ -n $tree_pid ]]; then
        kill -TERM "$tree_pid" 2>/dev/null || true
        wait "$tree_pid" 2>/dev/null || true
        for pid in "${tree_children[@]}"; do
            kill -KILL "$pid" 2>/dev/null || true
        done
        tree_pid=
        tree_children=()
    fi
}
cleanup() {
    stop_tree
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '==> %s\n' "$*" >&2; }
# ms NANOSECONDS: in milliseconds, one decimal.
ms() { awk -v t="$1" 'BEGIN { printf "%.1f", t / 1e6 }'; }
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
# middle / largest: the median and the maximum of the numbers on stdin, one a line.
middle() {
    sort -n | awk '{ v[NR] = $1 }
        END { printf "%.0f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
largest() { sort -n | tail -n 1; }
# processes N: "1 process", "N processes".
processes() { if (( $1 == 1 )); then echo "1 process"; else echo "$1 processes"; fi; }
# elapsed COMMAND...: runs it (output discarded); its wall time in nanoseconds is then in `ns`,
# its exit status in `status`.
elapsed() {
    local start end
    status=0
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || status=$?
    end=$(date +%s%N)
    ns=$(( end - start ))
}

# zombies: how many zombie processes named hang-tree, eu-stack or gdb there are.
zombies() {
    ps -eo stat=,comm= | awk '$1 ~ /^Z/ && ($2 == "hang-tree" || $2 == "eu-stack" || $2 == "gdb")' |
        wc -l
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
zombies_start=$(zombies)
cp "$hang_tree" "$work/hang-tree"
chmod 755 "$work/hang-tree"

# --- 1. The time a capture adds to a timeout ---------------------------------------------------
# One test per tree: hang-tree N under --timeout=1. The runner takes turns with --backtraces=no
# and =auto, so that both meet the same state of the machine. The display and the bus are left
# out (they cost the same with and without stacks); as root the test runs as nobody, in its own
# PID namespace, as by default.
runner_args=(--timeout=1 --order=name --status=no --quiet --display=none --bus=none)
if [[ -n ${BACKTRACE_TIMEOUT:-} ]]; then
    runner_args+=(--backtrace-timeout="$BACKTRACE_TIMEOUT")
fi

# backtrace_of FILE: from the runner's --json report, the test's outcome, then its backtrace's
# took_ms, the processes with a stack and the processes found ("n/a" for the three when the
# report has no backtrace).
backtrace_of() {
    if [[ $json_tool == python3 ]]; then
        python3 - "$1" <<'EOF'
import json, sys
fields = ["?", "n/a", "n/a", "n/a"]
for line in open(sys.argv[1]):
    record = json.loads(line)
    if record.get("record") != "test":
        continue
    fields[0] = record.get("outcome", "?")
    backtrace = record.get("backtrace")
    if backtrace:
        processes = backtrace.get("processes") or []
        fields[1] = backtrace.get("took_ms", "n/a")
        fields[2] = sum(1 for p in processes if p.get("threads"))
        fields[3] = len(processes)
print(*fields)
EOF
    else
        jq -r 'select(.record == "test")
            | [.outcome,
               (if .backtrace then (.backtrace.took_ms // "n/a") else "n/a" end),
               (if .backtrace then [.backtrace.processes[]? | select((.threads // []) | length > 0)] | length else "n/a" end),
               (if .backtrace then (.backtrace.processes // []) | length else "n/a" end)]
            | map(tostring) | join(" ")' "$1"
    fi
}

declare -A wall took stacks
for size in $SIZES; do
    tree=$work/tree$size
    mkdir -p "$tree/installed-tests/bench"
    printf '[Test]\nType=session\nExec=%s %s\n' "$work/hang-tree" "$size" \
        >"$tree/installed-tests/bench/hang$size.test"
    log "a timeout of 1 s, a tree of $(processes "$size"): --backtraces=no and =auto taking turns" \
        "($WARMUP + $RUNS rounds)"
    for (( i = -WARMUP; i < RUNS; i++ )); do
        for mode in no auto; do
            report=$work/a$size-$mode.jsonl
            elapsed "$ours" -d "$tree" "${runner_args[@]}" --backtraces="$mode" \
                --json="$report"
            # Status 2: a test failed (it timed out, as it should).
            if (( status != 2 )); then
                echo "backtrace.sh: the runner ended with status $status (tree of $size," \
                    "--backtraces=$mode)" >&2
                exit 1
            fi
            read -r outcome bt_took bt_stacks bt_found < <(backtrace_of "$report")
            if [[ $outcome != timeout ]]; then
                echo "backtrace.sh: the test of $size processes ended '$outcome', not 'timeout'" >&2
                exit 1
            fi
            if (( i >= 0 )); then
                wall[$size,$mode]+="$ns "
                if [[ $mode == auto ]]; then
                    took[$size]+="$bt_took "
                    stacks[$size]+="$bt_stacks/$bt_found "
                fi
            fi
        done
    done
done

# --- 2. eu-stack against gdb on a live tree ----------------------------------------------------
log "a live tree of $PROCS processes (hang-tree $PROCS)"
"$work/hang-tree" "$PROCS" >"$work/ready" &
tree_pid=$!
for (( i = 0; i < 100; i++ )); do
    [[ -s $work/ready ]] && break
    sleep 0.05
done
if [[ $(cat "$work/ready") != ready ]]; then
    echo "backtrace.sh: hang-tree $PROCS did not start" >&2
    exit 1
fi
mapfile -t tree_children < <(ps -o pid= --ppid "$tree_pid" | tr -d ' ')
pids=("$tree_pid" "${tree_children[@]}")
if (( ${#pids[@]} != PROCS )); then
    echo "backtrace.sh: hang-tree $PROCS has ${#pids[@]} processes" >&2
    exit 1
fi

eu_args=(--module --source --inlines -n 64)
gdb_args=(-nx -batch -ex 'set debuginfod enabled off' -ex 'thread apply all bt')
# One tool run on one process, as the runner runs it (eu-stack) or as one would with gdb.
eu_one() { "$eu_stack" "${eu_args[@]}" --pid="$1"; }
gdb_one() { "$gdb" "${gdb_args[@]}" -p "$1"; }
# eu_each, gdb_each: the tool on every process, one after the other.
eu_each() {
    local pid
    for pid in "${pids[@]}"; do
        eu_one "$pid" || return 1
    done
}
gdb_each() {
    local pid
    for pid in "${pids[@]}"; do
        gdb_one "$pid" || return 1
    done
}
# eu_at_once, gdb_at_once: AT_ONCE at a time, the next one started as one ends (as the runner
# does).
eu_at_once() {
    printf '%s\n' "${pids[@]}" | xargs -P "$AT_ONCE" -I{} "$eu_stack" "${eu_args[@]}" --pid={}
}
gdb_at_once() {
    printf '%s\n' "${pids[@]}" | xargs -P "$AT_ONCE" -I{} "$gdb" "${gdb_args[@]}" -p {}
}

# Each tool must see where the tree hangs before it is timed.
if ! eu_one "$tree_pid" 2>&1 | grep -q parent_hangs ||
    ! eu_one "${tree_children[0]}" 2>&1 | grep -q child_hangs; then
    echo "backtrace.sh: eu-stack finds no stack of hang-tree (can it ptrace?)" >&2
    exit 1
fi
if [[ -n $gdb ]] && ! gdb_one "$tree_pid" 2>&1 | grep -q parent_hangs; then
    log "gdb finds no stack of hang-tree: gdb is left out"
    gdb=
fi
if [[ -z $gdb ]]; then
    log "no gdb (apt-get install gdb): only eu-stack is measured"
fi

names=("eu-stack, one after the other" "eu-stack, $AT_ONCE at a time")
cmds=(eu_each eu_at_once)
if [[ -n $gdb ]]; then
    names+=("gdb, one after the other" "gdb, $AT_ONCE at a time")
    cmds+=(gdb_each gdb_at_once)
fi
log "stacks of $PROCS processes: ${#cmds[@]} ways taking turns ($WARMUP + $RUNS rounds)"
declare -a tool_times
for (( i = -WARMUP; i < RUNS; i++ )); do
    for (( c = 0; c < ${#cmds[@]}; c++ )); do
        elapsed "${cmds[c]}"
        if (( status != 0 )); then
            echo "backtrace.sh: '${names[c]}' failed (status $status)" >&2
            exit 1
        fi
        if (( i >= 0 )); then
            tool_times[c]+="$ns "
        fi
    done
done
stop_tree

# Nothing of the bench may be left running: no process of its trees (their command lines name
# $work). Zombies have no command line: those of the names the bench runs are counted apart, as
# are those there before it started (the machine's init reaps them in its own time).
sleep 0.2
left=$(pgrep -a -f -- "$work/" || true)
zombies_end=$(zombies)

# --- Report -------------------------------------------------------------------------------------
# of LIST: "median max" of a list of nanoseconds.
of() {
    # shellcheck disable=SC2086
    echo "$(printf '%s\n' $1 | middle) $(printf '%s\n' $1 | largest)"
}
# took_of LIST: the median of took_ms, or n/a.
took_of() {
    # shellcheck disable=SC2086
    if printf '%s\n' $1 | grep -q '^n/a$'; then echo n/a; else printf '%s\n' $1 | middle; fi
}

row() {
    printf '  %-32s' "$1"
    shift
    printf ' %11s' "$@"
    echo
}

echo
echo "ginsttest-runner: the cost of the stacks of a test that times out ($(nproc) CPUs, as" \
    "$(id -un))"
echo "  load average at start: $load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  ours:     $ours"
echo "  eu-stack: $eu_stack ($("$eu_stack" --version | head -n 1))"
if [[ -n $gdb ]]; then
    echo "  gdb:      $gdb ($("$gdb" --version | head -n 1))"
else
    echo "  gdb:      none"
fi
echo
echo "1. A test of hang-tree N under --timeout=1: the runner's wall time ($RUNS rounds, taking" \
    "turns; ms; --backtrace-timeout=${BACKTRACE_TIMEOUT:-its default})"
row "" "median" "max"
declare -A added
for size in $SIZES; do
    read -r no_med no_max < <(of "${wall[$size,no]}")
    read -r auto_med auto_max < <(of "${wall[$size,auto]}")
    added[$size]=$(( auto_med - no_med ))
    row "$(processes "$size"), --backtraces=no" "$(ms "$no_med")" "$(ms "$no_max")"
    row "$(processes "$size"), --backtraces=auto" "$(ms "$auto_med")" "$(ms "$auto_max")"
done
echo
echo "  The time a capture adds (medians, auto - no), and what the JSON report says of it:"
row "" "added ms" "took_ms" "stacks"
for size in $SIZES; do
    t=$(took_of "${took[$size]}")
    # The processes with a stack, of those found: each value seen over the rounds.
    # shellcheck disable=SC2086
    s=$(printf '%s\n' ${stacks[$size]} | sort -u | paste -sd, -)
    [[ $s == *n/a* ]] && s=n/a
    row "$(processes "$size")" "$(ms "${added[$size]}")" "$t" "$s"
done
echo
echo "2. Stacks of a live tree of $PROCS processes ($RUNS rounds, taking turns; ms)"
row "" "median" "max" "per process"
declare -a tool_med
for (( c = 0; c < ${#cmds[@]}; c++ )); do
    read -r med max < <(of "${tool_times[c]}")
    tool_med[c]=$med
    row "${names[c]}" "$(ms "$med")" "$(ms "$max")" "$(ms "$(( med / PROCS ))")"
done
if [[ -z $gdb ]]; then
    row "gdb" "n/a" "n/a" "n/a"
fi
echo
echo "Summary:"
for size in $SIZES; do
    echo "  a capture adds to a timeout, $(processes "$size"):  $(ms "${added[$size]}") ms" \
        "(took_ms in the JSON: $(took_of "${took[$size]}"))"
done
echo "  eu-stack, $PROCS processes:  $(ms "${tool_med[0]}") ms one after the other," \
    "$(ms "${tool_med[1]}") ms $AT_ONCE at a time"
if [[ -n $gdb ]]; then
    echo "  gdb, $PROCS processes:       $(ms "${tool_med[2]}") ms one after the other," \
        "$(ms "${tool_med[3]}") ms $AT_ONCE at a time"
    echo "  gdb / eu-stack:  one after the other $(calc "${tool_med[2]} / ${tool_med[0]}")," \
        "$AT_ONCE at a time $(calc "${tool_med[3]} / ${tool_med[1]}")," \
        "gdb one after the other / eu-stack $AT_ONCE at a time $(calc "${tool_med[2]} / ${tool_med[1]}")"
else
    echo "  gdb / eu-stack:  n/a (no gdb)"
fi
echo "  zombie hang-tree, eu-stack and gdb: $zombies_start at the start, $zombies_end at the end"
if [[ -n $left ]]; then
    echo "  LEFT RUNNING:"
    printf '    %s\n' "$left"
    exit 1
fi
echo "  left running: nothing"
