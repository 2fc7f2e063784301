#!/bin/bash
# --retry and --repeat on the console and in the exit status: a test failing its first run is
# FLAKY, one failing every run FAIL; each run in a fresh directory of its own; a failed run's
# directory kept as NAME@N with --report-directory; a timeout counts as a failed run.
source "$(dirname "$0")/lib.sh"

STATE=$SCRATCH/counters
mkdir -p "$STATE"
# count NAME: the number of this run of the calling test (1, 2...), recorded with its cwd.
make_prog count 'n=$(($(cat "'"$STATE"'/$1" 2>/dev/null || echo 0) + 1)); echo $n >"'"$STATE"'/$1"
pwd >>"'"$STATE"'/$1.dirs"; echo $n'
make_test "r/first-fails.test" session "sh -c 'n=\$($BIN/count first); echo run \$n; touch left-by-\$n; [ \$n -ge 2 ]'"
make_test "r/always.test" session "sh -c '$BIN/count always >/dev/null; echo broken; exit 3'"
make_test "r/fine.test" session "sh -c '$BIN/count fine >/dev/null'"
make_test "r/slow-once.test" session "sh -c 'n=\$($BIN/count slow); [ \$n -ge 2 ] || sleep 30'"

run_runner -d "$TREE" -p 2 --retry=2 --timeout=1 --kill-grace=0.2 --report-directory="$SCRATCH/kept"
assert_eq "$RC" 2 "exit status with a test failing every run"
assert_line "$OUT" "FLAKY: r/first-fails.test (failed 1 of 2 runs, first: exited with status 1)"
assert_line "$OUT" "FLAKY: r/slow-once.test (failed 1 of 2 runs, first: timed out after 1 s)"
assert_line "$OUT" "FAIL: r/always.test (exited with status 3; every one of 3 runs failed)"
assert_line "$OUT" "RERUN: r/first-fails.test (run 1: exited with status 1)"
assert_line "$OUT" "RERUN: r/always.test (run 2: exited with status 3)"
assert_eq "$(grep -c '^RERUN: r/always.test' "$OUT")" 2 "RERUN lines of the always failing test"
assert_eq "$(count_lines "$OUT" "PASS: r/fine.test")" 1 "PASS lines of the passing test"
assert_contains "$OUT" "SUMMARY: total=4; passed=3; skipped=0; failed=1; flaky=2;"
assert_eq "$(cat "$STATE/first") $(cat "$STATE/always") $(cat "$STATE/fine") $(cat "$STATE/slow")" \
    "2 3 1 2" "runs of each test"
# Each run in a directory of its own, fresh: the second run did not see the first's file.
assert_eq "$(sort -u "$STATE/always.dirs" | wc -l)" 3 "directories of three runs"
assert_eq "$(entries "$SCRATCH/kept")" "r_always.test r_always.test@2 r_always.test@3 r_first-fails.test r_slow-once.test" \
    "kept directories"
assert_eq "$(entries "$SCRATCH/kept/r_first-fails.test")" ".testtmp left-by-1 output.txt" "the kept first run"
assert_contains "$SCRATCH/kept/r_first-fails.test/output.txt" "run 1"

# --repeat: every test N times; a FLAKY test fails the run and is recapped.
rm -f "$STATE"/*
run_runner -d "$TREE" -p 2 --repeat=3 r/first-fails.test r/fine.test
assert_eq "$RC" 2 "exit status of --repeat with a flaky test"
assert_eq "$(cat "$STATE/first") $(cat "$STATE/fine")" "3 3" "runs with --repeat=3"
assert_eq "$(sed -n '/^SUMMARY/,$p' "$OUT" | tail -n +2)" \
    "FLAKY: r/first-fails.test (failed 1 of 3 runs, first: exited with status 1)" "the recap"
rm -f "$STATE"/*
run_runner -d "$TREE" --repeat=2 r/fine.test
assert_eq "$RC" 0 "exit status of --repeat when every run passed"
assert_contains "$OUT" "SUMMARY: total=1; passed=1; skipped=0; failed=0; flaky=0;"

run_runner -d "$TREE" --repeat=2 --retry=1
assert_eq "$RC" 1 "exit status of --repeat with --retry"
assert_contains "$ERR" "--retry and --repeat exclude each other"
assert_tmp_clean
echo ok
