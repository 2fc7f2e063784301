#!/usr/bin/env bash
# Benchmark ginsttest-runner against gnome-desktop-testing-runner (gdtr) and
# against bench/spawn_loop.c, the per-test floor.  See bench/README.md.
#
# Usage: bench/run.sh [BUILD_DIR]      (default: _build in the source tree)
#
# Environment knobs (all optional):
#   RUNS=5        hyperfine runs per command
#   GDTR_RUNS=$RUNS  hyperfine runs for the set that includes gdtr (it is slow)
#   WARMUP=1      hyperfine warm-up runs
#   GDTR=path     gdtr binary (default: gnome-desktop-testing-runner on PATH)
#   N_RUN=2000    tests in the tree used for wall-time figures
#   N_SMALL=100   N_LARGE=10000   tree sizes for the list and RSS figures

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
srcroot=$(dirname "$here")

build_dir=${1:-$srcroot/_build}
if [[ ! -d $build_dir ]]; then
    echo "run.sh: build directory '$build_dir' not found" >&2
    exit 1
fi
build_dir=$(cd "$build_dir" && pwd)

RUNS=${RUNS:-5}
GDTR_RUNS=${GDTR_RUNS:-$RUNS}
WARMUP=${WARMUP:-1}
N_RUN=${N_RUN:-2000}
N_SMALL=${N_SMALL:-100}
N_LARGE=${N_LARGE:-10000}

ours=$build_dir/src/ginsttest-runner
floor=$build_dir/bench/spawn-loop
for exe in "$ours" "$floor"; do
    if [[ ! -x $exe ]]; then
        echo "run.sh: $exe is missing; build with: ninja -C $build_dir" >&2
        exit 1
    fi
done

gdtr=${GDTR:-$(command -v gnome-desktop-testing-runner || true)}
if [[ -n $gdtr && ! -x $gdtr ]]; then
    gdtr=
fi

if ! command -v hyperfine >/dev/null; then
    echo "run.sh: hyperfine is required (apt-get install hyperfine)" >&2
    exit 1
fi
if [[ ! -x /usr/bin/time ]]; then
    echo "run.sh: /usr/bin/time is required (apt-get install time)" >&2
    exit 1
fi
if command -v python3 >/dev/null; then
    json_tool=python3
elif command -v jq >/dev/null; then
    json_tool=jq
else
    echo "run.sh: python3 or jq is required to read hyperfine's JSON" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ginsttest-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Every runner (and the floor) makes its per-test directories here, so they
# all hit the same file system.
mkdir "$work/tmp"
export TMPDIR=$work/tmp
# Our runs keep their history (the default, whose cost is part of a run's) here, not in the
# machine's.
export XDG_STATE_HOME=$work/state

log() { printf '==> %s\n' "$*" >&2; }

# make_tree DIR COUNT GROUPS: COUNT passing tests spread over GROUPS subdirs.
make_tree() {
    local dir=$1 count=$2 groups=$3 g i per
    per=$(( (count + groups - 1) / groups ))
    for (( g = 0; g < groups; g++ )); do
        mkdir -p "$dir/installed-tests/group$g"
    done
    for (( i = 0; i < count; i++ )); do
        g=$(( i / per ))
        printf '[Test]\nType=session\nExec=/bin/true\n' \
            > "$dir/installed-tests/group$g/test$i.test"
    done
}

# Other work on the machine skews every figure; the report shows the load.
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

log "building test trees in $work"
make_tree "$work/run"   "$N_RUN"   4
make_tree "$work/small" "$N_SMALL" 2
make_tree "$work/large" "$N_LARGE" 10
make_tree "$work/one"   1           1

ours_args=(--order=name --status=no --quiet)
gdtr_args=(--status=no --quiet)
# The comparisons with gdtr and the floor time the same work: as root, no change of user, no
# private /tmp or PID namespace, no display or bus. What the session costs is measured on its
# own (set 5).
session_args=("${ours_args[@]}")
if [[ $(id -u) == 0 ]]; then
    ours_args+=(--as-root --private-tmp=no --private-pids=no)
fi
ours_args+=(--display=none --bus=none)

# Sanity: every runner passes the tree once before it is timed.
"$ours" -d "$work/small" -p 1 "${ours_args[@]}" >/dev/null
if [[ -n $gdtr ]]; then
    "$gdtr" -d "$work/small" -p 1 "${gdtr_args[@]}" >/dev/null
fi
"$floor" 10

# mean JSON INDEX: mean wall time in seconds of command INDEX.
mean() {
    if [[ $json_tool == python3 ]]; then
        python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["mean"])' "$1" "$2"
    else
        jq -r ".results[$2].mean" "$1"
    fi
}
stddev() {
    if [[ $json_tool == python3 ]]; then
        python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["stddev"] or 0)' "$1" "$2"
    else
        jq -r ".results[$2].stddev // 0" "$1"
    fi
}

hf() {
    # hyperfine without a shell in between: the figures are the programs'.
    hyperfine --shell=none --style=basic --warmup "$WARMUP" "$@"
}

# interleaved OUT ROUNDS CMD...: runs the commands one after the other, ROUNDS times over (after
# WARMUP rounds not counted), and writes for each, one line each in OUT, the median wall time
# in seconds and the median absolute deviation. Taking turns, the commands share whatever the
# machine does meanwhile (other load, a file system's state), which a set of hyperfine runs of
# one command after the other does not: their ratios are the figures to trust on a busy machine.
interleaved() {
    local out=$1 rounds=$2 i c start end
    shift 2
    local n=$#
    local -a times
    for (( i = -WARMUP; i < rounds; i++ )); do
        for (( c = 1; c <= n; c++ )); do
            start=$(date +%s%N)
            ${!c} >/dev/null 2>&1
            end=$(date +%s%N)
            if (( i >= 0 )); then
                times[c]+="$(( end - start )) "
            fi
        done
    done
    : >"$out"
    local m mad
    for (( c = 1; c <= n; c++ )); do
        # shellcheck disable=SC2086
        m=$(printf '%s\n' ${times[c]} | middle)
        # shellcheck disable=SC2086
        mad=$(printf '%s\n' ${times[c]} | awk -v m="$m" '{ d = $1 - m; printf "%.0f\n", d < 0 ? -d : d }' | middle)
        awk -v m="$m" -v d="$mad" 'BEGIN { printf "%.6f %.6f\n", m / 1e9, d / 1e9 }' >>"$out"
    done
}
# middle: the median of the numbers on stdin, one a line.
middle() {
    sort -n | awk '{ v[NR] = $1 }
        END { printf "%.0f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# median FILE LINE / spread FILE LINE: from interleaved's output (lines count from 1).
median() { sed -n "${2}p" "$1" | cut -d' ' -f1; }
spread() { sed -n "${2}p" "$1" | cut -d' ' -f2; }

# --- 1. Wall time per test at -p 1: ours, gdtr, floor ----------------------
# Taking turns (see interleaved): median and median absolute deviation.
j1=$work/p1.txt
log "wall time, $N_RUN tests, -p 1 (ours, the floor and gdtr taking turns)"
cmds=("$ours -d $work/run -p 1 ${ours_args[*]}" "$floor $N_RUN")
if [[ -n $gdtr ]]; then
    cmds+=("$gdtr -d $work/run -p 1 ${gdtr_args[*]}")
    # gdtr is slow: GDTR_RUNS can lower the run count of this set.
    p1_runs=$GDTR_RUNS
else
    p1_runs=$RUNS
fi
interleaved "$j1" "$p1_runs" "${cmds[@]}"
t_ours1=$(median "$j1" 1); s_ours1=$(spread "$j1" 1)
t_floor1=$(median "$j1" 2); s_floor1=$(spread "$j1" 2)
if [[ -n $gdtr ]]; then
    t_gdtr1=$(median "$j1" 3); s_gdtr1=$(spread "$j1" 3)
fi

# --- 2. Parallel throughput: ours -p 2 vs -p 1 (floor -p 2 for reference) ---
j2=$work/p2.json
log "wall time, $N_RUN tests, -p 2 vs -p 1"
hf --runs "$RUNS" --export-json "$j2" \
    -n "ginsttest-runner -p 1" "$ours -d $work/run -p 1 ${ours_args[*]}" \
    -n "ginsttest-runner -p 2" "$ours -d $work/run -p 2 ${ours_args[*]}" \
    -n "spawn-loop $N_RUN"     "$floor $N_RUN" \
    -n "spawn-loop $N_RUN 2"   "$floor $N_RUN 2"
t_ours_p1=$(mean "$j2" 0); s_ours_p1=$(stddev "$j2" 0)
t_ours_p2=$(mean "$j2" 1); s_ours_p2=$(stddev "$j2" 1)
t_floor_p1=$(mean "$j2" 2); s_floor_p1=$(stddev "$j2" 2)
t_floor2=$(mean "$j2" 3); s_floor2=$(stddev "$j2" 3)

# --- 3. Listing N_LARGE tests ----------------------------------------------
j3=$work/list.json
log "--list, $N_LARGE tests"
cmds=(-n "ginsttest-runner --list" "$ours -d $work/large --list")
if [[ -n $gdtr ]]; then
    cmds+=(-n "gdtr --list" "$gdtr -d $work/large --list")
fi
# Listing is quick and noisy: more runs and warm-ups.
hyperfine --shell=none --style=basic --warmup 3 --runs "$(( RUNS * 4 ))" \
    --export-json "$j3" "${cmds[@]}"
t_list_ours=$(mean "$j3" 0)
if [[ -n $gdtr ]]; then
    t_list_gdtr=$(mean "$j3" 1)
fi

# --- 4. Peak RSS while running N_SMALL and N_LARGE tests -------------------
# rss_kib TREE RUNNER ARGS...: peak RSS in KiB of the runner process itself.
rss_kib() {
    local tree=$1 out=$work/rss.txt
    shift
    /usr/bin/time -f %M -o "$out" "$@" -d "$tree" -p 1 >/dev/null
    tail -n 1 "$out"
}
log "peak RSS, $N_SMALL and $N_LARGE tests (running)"
rss_ours_small=$(rss_kib "$work/small" "$ours" "${ours_args[@]}")
rss_ours_large=$(rss_kib "$work/large" "$ours" "${ours_args[@]}")
if [[ -n $gdtr ]]; then
    rss_gdtr_small=$(rss_kib "$work/small" "$gdtr" "${gdtr_args[@]}")
    rss_gdtr_large=$(rss_kib "$work/large" "$gdtr" "${gdtr_args[@]}")
fi

# --- Report ----------------------------------------------------------------
# calc EXPR: floating-point arithmetic.
calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }
ms_per_test() { awk -v t="$1" -v n="$2" 'BEGIN { printf "%.3f", t * 1000 / n }'; }
# verdict VALUE OP GOAL: PASS or MISS.
verdict() {
    if awk -v v="$1" -v g="$3" "BEGIN { exit !(v $2 g) }"; then echo PASS; else echo MISS; fi
}
# --- 5. The session: its cost per test and at startup -----------------------
# As root: tests as nobody, each with a private /tmp, under an Xvfb and a dbus-daemon of the
# run's (started once). Otherwise only the servers differ.
j5=$work/session.txt
log "the session's cost, $N_RUN tests (bare, with the session and gdtr taking turns) and 1 test"
cmds=("$ours -d $work/run -p 1 ${ours_args[*]}" "$ours -d $work/run -p 1 ${session_args[*]}")
session_runs=$RUNS
if [[ -n $gdtr ]]; then
    # gdtr isolates nothing: the session's goal compares the two in one set.
    cmds+=("$gdtr -d $work/run -p 1 ${gdtr_args[*]}")
    session_runs=$GDTR_RUNS
fi
# As root, what the PID namespace per test costs: the session without it, in the same turns.
if [[ $(id -u) == 0 ]]; then
    cmds+=("$ours -d $work/run -p 1 ${session_args[*]} --private-pids=no")
fi
interleaved "$j5" "$session_runs" "${cmds[@]}"
t_bare=$(median "$j5" 1); t_session=$(median "$j5" 2)
if [[ -n $gdtr ]]; then
    t_gdtr5=$(median "$j5" 3)
fi
if [[ $(id -u) == 0 ]]; then
    t_nopids=$(median "$j5" "${#cmds[@]}")
fi
j5b=$work/session1.json
hf --runs "$RUNS" --export-json "$j5b" \
    -n "bare, 1 test"          "$ours -d $work/one -p 1 ${ours_args[*]}" \
    -n "session, 1 test"       "$ours -d $work/one -p 1 ${session_args[*]}"
t_bare1=$(mean "$j5b" 0); t_session1=$(mean "$j5b" 1)

# --- 6. The reports: every file report at once, and tmt's results with a log per test -------
j6=$work/reports.json
mkdir -p "$work/tmt"
log "the reports' cost, $N_RUN tests"
hf --runs "$RUNS" --export-json "$j6" \
    -n "no report"                 "$ours -d $work/run -p 1 ${ours_args[*]}" \
    -n "tap, junit and json"      "$ours -d $work/run -p 1 ${ours_args[*]} --tap --junit=$work/r.xml --json=$work/r.jsonl" \
    -n "tmt results + a log each"  "env TMT_TEST_DATA=$work/tmt $ours -d $work/run -p 1 ${ours_args[*]}"
t_noreport=$(mean "$j6" 0); t_reports=$(mean "$j6" 1); t_tmt=$(mean "$j6" 2)

na=n/a
row() { printf '  %-34s %12s %12s\n' "$@"; }
goal_row() { printf '  %-34s %10s   %-10s %s\n' "$@"; }

echo
echo "ginsttest-runner benchmark ($(nproc) CPUs, $N_RUN tests of Exec=/bin/true)"
echo "  load average at start: $load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  ours:  $ours"
echo "  gdtr:  ${gdtr:-not installed}"
echo "  floor: $floor"
echo
echo "Wall time per test at -p 1 (taking turns; median of runs, ms per test):"
row "" "ms/test" "MAD ms/test"
row "ginsttest-runner -p 1" "$(ms_per_test "$t_ours1" "$N_RUN")" "$(ms_per_test "$s_ours1" "$N_RUN")"
if [[ -n $gdtr ]]; then
    row "gdtr -p 1" "$(ms_per_test "$t_gdtr1" "$N_RUN")" "$(ms_per_test "$s_gdtr1" "$N_RUN")"
else
    row "gdtr -p 1" "$na" "$na"
fi
row "spawn-loop (C floor)" "$(ms_per_test "$t_floor1" "$N_RUN")" "$(ms_per_test "$s_floor1" "$N_RUN")"
echo
echo "Parallel set (one hyperfine set; ms per test):"
row "" "ms/test" "+- ms/test"
row "ginsttest-runner -p 1" "$(ms_per_test "$t_ours_p1" "$N_RUN")" "$(ms_per_test "$s_ours_p1" "$N_RUN")"
row "ginsttest-runner -p 2" "$(ms_per_test "$t_ours_p2" "$N_RUN")" "$(ms_per_test "$s_ours_p2" "$N_RUN")"
row "spawn-loop" "$(ms_per_test "$t_floor_p1" "$N_RUN")" "$(ms_per_test "$s_floor_p1" "$N_RUN")"
row "spawn-loop, 2 in parallel" "$(ms_per_test "$t_floor2" "$N_RUN")" "$(ms_per_test "$s_floor2" "$N_RUN")"
echo
echo "List $N_LARGE tests (ms):"
row "ginsttest-runner --list" "$(calc "$t_list_ours * 1000")" ""
if [[ -n $gdtr ]]; then
    row "gdtr --list" "$(calc "$t_list_gdtr * 1000")" ""
else
    row "gdtr --list" "$na" ""
fi
echo
echo "The session (as $(id -un); ms):"
row "median, taking turns:" "ms/test" "1 test, ms"
row "bare (--display=none --bus=none)" "$(ms_per_test "$t_bare" "$N_RUN")" "$(calc "$t_bare1 * 1000")"
row "with the session (default)" "$(ms_per_test "$t_session" "$N_RUN")" "$(calc "$t_session1 * 1000")"
if [[ -n ${t_nopids:-} ]]; then
    row "the session, --private-pids=no" "$(ms_per_test "$t_nopids" "$N_RUN")" ""
    row "a PID namespace costs, per test" "$(ms_per_test "$(calc "$t_session - $t_nopids")" "$N_RUN")" ""
fi
if [[ -n $gdtr ]]; then
    row "gdtr (same set)" "$(ms_per_test "$t_gdtr5" "$N_RUN")" ""
fi
echo
echo "The reports (one hyperfine set; ms per test, and the ratio to no report):"
row "no report" "$(ms_per_test "$t_noreport" "$N_RUN")" "1.000"
row "tap, junit and json" "$(ms_per_test "$t_reports" "$N_RUN")" "$(calc "$t_reports / $t_noreport")"
row "tmt results + a log each" "$(ms_per_test "$t_tmt" "$N_RUN")" "$(calc "$t_tmt / $t_noreport")"
echo
echo "Peak RSS while running (KiB):"
row "" "$N_SMALL tests" "$N_LARGE tests"
row "ginsttest-runner" "$rss_ours_small" "$rss_ours_large"
if [[ -n $gdtr ]]; then
    row "gdtr" "$rss_gdtr_small" "$rss_gdtr_large"
else
    row "gdtr" "$na" "$na"
fi
echo
echo "Goals:"
goal_row "" "value" "goal" "verdict"

r=$(calc "$t_ours1 / $t_floor1")
goal_row "ours / C loop, -p 1" "$r" "<= 1.25" "$(verdict "$r" '<=' 1.25)"

if [[ -n $gdtr ]]; then
    r=$(calc "$t_ours1 / $t_gdtr1")
    goal_row "ours / gdtr, -p 1" "$r" "<= 0.5" "$(verdict "$r" '<=' 0.5)"
    r=$(calc "$t_session / $t_gdtr5")
    goal_row "ours with the session / gdtr" "$r" "<= 0.5" "$(verdict "$r" '<=' 0.5)"
else
    goal_row "ours / gdtr, -p 1" "$na" "<= 0.5" "$na"
    goal_row "ours with the session / gdtr" "$na" "<= 0.5" "$na"
fi

r=$(calc "$t_ours_p1 / $t_ours_p2")
goal_row "throughput -p 2 / -p 1" "$r" ">= 1.8" "$(verdict "$r" '>=' 1.8)"

if [[ -n $gdtr ]]; then
    r=$(calc "$t_list_ours / $t_list_gdtr")
    goal_row "list $N_LARGE, ours / gdtr" "$r" "<= 1.0" "$(verdict "$r" '<=' 1.0)"
else
    goal_row "list $N_LARGE, ours / gdtr" "$na" "<= 1.0" "$na"
fi

r=$(calc "$rss_ours_large / $rss_ours_small")
goal_row "RSS $N_LARGE / $N_SMALL (ours)" "$r" "<= 1.2" "$(verdict "$r" '<=' 1.2)"

echo
echo "For reference: C loop throughput -p 2 / -p 1 = $(calc "$t_floor_p1 / $t_floor2")" \
    "(same hyperfine set as ours -p 2 / -p 1)"
