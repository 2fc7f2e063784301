#!/bin/bash
# The history: each run adds its tests' durations and outcomes; the next run goes longest
# first, --failed-first and --last-failed read last time's failures, --slowest lists the
# slowest; a broken history file is a warning, and concurrent runs both add their results.
source "$(dirname "$0")/lib.sh"

for n in 1 2 3 4; do make_test "s/t$n.test" session "sleep 0.$n"; done
make_test "x/ex.test" session-exclusive "sleep 0.2"
make_test "f/fail.test" session "false"
HISTORY=$XDG_STATE_HOME/ginsttest-runner/history

# The first run: no history yet, so shuffled; the history file is made where the default says.
run_runner -d "$TREE" -p 1
assert_eq "$RC" 2 "exit status of the first run"
assert_contains "$OUT" "Random order, seed"
[[ -f $HISTORY ]] || fail "no history at $HISTORY"
assert_eq "$(head -1 "$HISTORY")" "ginsttest-runner history 1" "the history's version line"
assert_eq "$(grep -c . "$HISTORY")" 7 "lines of the history (version and 6 tests)"
root=$(realpath "$TREE/installed-tests")
line=$(grep "^s/t4.test	" "$HISTORY")
pattern="^s/t4\\.test	$root	session	pass ([0-9]+)\$"
[[ $line =~ $pattern ]] || fail "history line of t4: $line"
((BASH_REMATCH[1] >= 400 && BASH_REMATCH[1] < 5000)) || fail "t4 took ${BASH_REMATCH[1]} ms"
assert_contains "$HISTORY" "x/ex.test	$root	session-exclusive	pass "
assert_contains "$HISTORY" "f/fail.test	$root	session	fail "

# The second run: longest first, the exclusive test alone at the end.
run_runner -d "$TREE" -p 1
assert_contains "$OUT" "Longest first from the history"
assert_eq "$(started_order | xargs)" "s/t4.test s/t3.test s/t2.test s/t1.test f/fail.test x/ex.test" \
    "longest-first order"
assert_eq "$(grep "^s/t1.test	" "$HISTORY" | awk -F'\t' '{print NF}')" 5 \
    "fields of t1 after two runs (two results)"

# A test the history does not know comes first: it may be long.
make_test "s/new.test" session "true"
run_runner -d "$TREE" -p 1
assert_eq "$(started_order | head -1)" "s/new.test" "a new test's place"

# --failed-first, --last-failed.
run_runner -d "$TREE" -p 1 --failed-first
assert_eq "$(started_order | head -1)" "f/fail.test" "first test with --failed-first"
run_runner -d "$TREE" -p 1 --last-failed
assert_eq "$(started_order | xargs)" "f/fail.test" "tests run with --last-failed"
assert_contains "$OUT" "SUMMARY: total=1; passed=0; skipped=0; failed=1;"
# None failed last time among these: all of them, and a word about it.
run_runner -d "$TREE" -p 1 --last-failed s/
assert_eq "$(started_order | wc -l)" 5 "tests run with --last-failed when none failed"
assert_contains "$ERR" "none of the selected tests failed last time"

# --slowest lists the slowest tests of the run after the summary, slowest first.
run_runner -d "$TREE" -p 2 --slowest=2 s/
after=$(sed -n '/^SUMMARY/,$p' "$OUT")
[[ $after == *"Slowest 2 tests:"* ]] || fail "no slowest list: $after"
slowest=$(sed -n '/^Slowest 2 tests:/,$p' "$OUT" | tail -n +2 | awk '{print $3}' | xargs)
assert_eq "$slowest" "s/t4.test s/t3.test" "the slowest tests"

# --history=none reads and writes nothing; --history=FILE another file.
before=$(cat "$HISTORY")
run_runner -d "$TREE" -p 2 --history=none s/
assert_eq "$(cat "$HISTORY")" "$before" "the history after --history=none"
assert_contains "$OUT" "Random order, seed"
run_runner -d "$TREE" -p 2 --history="$SCRATCH/other" s/t1.test
assert_eq "$(tail -n +2 "$SCRATCH/other" | cut -f1)" "s/t1.test" "tests in --history=FILE"

# A file that is not a history: a warning naming it, the run goes on, the file is untouched.
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$SCRATCH/passwd"
run_runner -d "$TREE" -p 2 --history="$SCRATCH/passwd" s/t1.test
assert_eq "$RC" 0 "exit status with a foreign history"
assert_contains "$ERR" "warning: $SCRATCH/passwd: not a ginsttest-runner history file"
assert_eq "$(cat "$SCRATCH/passwd")" "root:x:0:0:root:/root:/bin/bash" "the foreign file"
printf 'ginsttest-runner history 1\ns/t1.test\t/r\tsession\tpass soon\n' >"$SCRATCH/corrupt"
run_runner -d "$TREE" -p 2 --history="$SCRATCH/corrupt" s/t1.test
assert_eq "$RC" 0 "exit status with a corrupt history"
assert_contains "$ERR" "$SCRATCH/corrupt:2: 'pass soon' is not an outcome and milliseconds"

# Two runs ending at the same time, sharing one history: both add their results.
shared=$SCRATCH/shared
gtr -d "$TREE" --history="$shared" s/t1.test s/t2.test >/dev/null 2>&1 </dev/null &
first=$!
gtr -d "$TREE" --history="$shared" s/t3.test f/ >/dev/null 2>&1 </dev/null &
second=$!
wait $first || true
wait $second || true
assert_eq "$(tail -n +2 "$shared" | cut -f1 | xargs)" "f/fail.test s/t1.test s/t2.test s/t3.test" \
    "tests in a history two runs wrote"
assert_eq "$(find "$SCRATCH" -maxdepth 1 -name 'shared.??????' | wc -l)" 0 "temporary files left"
assert_tmp_clean
echo ok
