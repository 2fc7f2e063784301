#!/bin/bash
# --baseline=FILE (the --json file of an earlier run): a failure that failed there too is a
# known failure, shown but not failing the run; one that passed, skipped or was not there is a
# regression (exit status 2); a failure that passes now is fixed. Every report says which.
source "$(dirname "$0")/lib.sh"

# The baseline run: "fixed" and "known" fail, the others pass.
state=$SCRATCH/state
mkdir -p "$state"
# flip NAME pass|fail: what the test called NAME does on its next run.
flip() { echo "$2" >"$state/$1"; }
for t in known fixed regressed steady; do
    make_test "revdep/$t.test" session "sh -c '[ \$(cat $state/$t) = pass ]'"
done
flip known fail
flip fixed fail
flip regressed pass
flip steady pass
run_runner -d "$TREE" --json="$SCRATCH/base.json"
assert_eq "$RC" 2 "exit status of the baseline run"

# The change: "regressed" now fails, "fixed" passes, a new test fails, "known" still fails.
flip fixed pass
flip regressed fail
make_test revdep/new.test session false
export TMT_TEST_DATA=$SCRATCH/tmt
mkdir -p "$TMT_TEST_DATA"
run_runner -d "$TREE" --order=name --baseline="$SCRATCH/base.json" --json="$SCRATCH/now.json" \
    --junit="$SCRATCH/now.xml"
assert_eq "$RC" 2 "exit status with two regressions"
assert_line "$OUT" "FAIL: revdep/known.test (exited with status 1) (known failure)"
assert_line "$OUT" "FAIL: revdep/regressed.test (exited with status 1) (regression)"
assert_line "$OUT" "FAIL: revdep/new.test (exited with status 1) (regression)"
assert_line "$OUT" "PASS: revdep/fixed.test (fixed)"
assert_line "$OUT" "PASS: revdep/steady.test"
summary=$(grep '^SUMMARY' "$OUT")
[[ $summary == "SUMMARY: total=5; passed=2; skipped=0; failed=3; flaky=0; user="*"; regressions=2; known=1; fixed=1" ]] ||
    fail "SUMMARY line: $summary"
# The recap after the SUMMARY: regressions first, each kind in run order.
recap=$(sed -n '/^SUMMARY/,$p' "$OUT" | tail -n +2)
assert_eq "$recap" "FAIL: revdep/new.test (exited with status 1) (regression)
FAIL: revdep/regressed.test (exited with status 1) (regression)
FAIL: revdep/known.test (exited with status 1) (known failure)" "recap"

# JSON: the comparison and the baseline's outcome per test, the counts in the summary.
python3 - "$SCRATCH/now.json" <<'PY' || fail "JSON baseline fields"
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
tests = {r["name"]: r["baseline"] for r in records if r["record"] == "test"}
assert tests["revdep/known.test"] == {"outcome": "fail", "comparison": "known-failure"}, tests
assert tests["revdep/new.test"] == {"outcome": None, "comparison": "regression"}, tests
assert tests["revdep/regressed.test"] == {"outcome": "pass", "comparison": "regression"}, tests
assert tests["revdep/fixed.test"] == {"outcome": "fail", "comparison": "fixed"}, tests
assert tests["revdep/steady.test"] == {"outcome": "pass", "comparison": "unchanged"}, tests
summary = records[-1]
assert summary["baseline"] == {"regressions": 2, "known_failures": 1, "fixed": 1}, summary
PY
# JUnit: a property.
assert_contains "$SCRATCH/now.xml" '<property name="baseline" value="known-failure"/>'
assert_contains "$SCRATCH/now.xml" '<property name="baseline" value="regression"/>'
xsd=$(dirname "$0")/../../../shared/data/junit/jenkins-xunit-junit-10.xsd
if command -v xmllint >/dev/null && [[ -f $xsd ]]; then
    xmllint --noout --schema "$xsd" "$SCRATCH/now.xml" 2>"$SCRATCH/xmllint.err" ||
        fail "JUnit file not valid with the baseline properties: $(cat "$SCRATCH/xmllint.err")"
fi
# tmt: the known failure warns, the regressions fail.
python3 - "$TMT_TEST_DATA/results.yaml" <<'PY' || fail "tmt results"
import sys, yaml
results = {r["name"]: r for r in yaml.safe_load(open(sys.argv[1]))}
assert results["/revdep/known"]["result"] == "warn", results["/revdep/known"]
assert any("known failure" in n for n in results["/revdep/known"]["note"])
assert results["/revdep/regressed"]["result"] == "fail"
assert "regression" in results["/revdep/new"]["note"]
assert results["/revdep/fixed"]["result"] == "pass"
assert results["/"]["result"] == "fail", results["/"]
PY
# Known failures alone: the run warns in tmt, as they do.
flip regressed pass
mv "$TREE/installed-tests/revdep/new.test" "$SCRATCH/new.test"
run_runner -d "$TREE" --baseline="$SCRATCH/base.json"
assert_eq "$RC" 0 "exit status with only a known failure"
python3 - "$TMT_TEST_DATA/results.yaml" <<'PY' || fail "tmt result of the run"
import sys, yaml
results = {r["name"]: r for r in yaml.safe_load(open(sys.argv[1]))}
assert results["/"]["result"] == "warn", results["/"]
assert "regressions=0; known=1; fixed=1" in results["/"]["note"], results["/"]
PY
unset TMT_TEST_DATA

# TAP calls known failures TODO, so prove passes too.
run_runner -d "$TREE" --baseline="$SCRATCH/base.json" --tap
assert_eq "$RC" 0 "exit status with only a known failure"
assert_contains "$OUT" "not ok"
grep -q "^not ok [0-9]* - revdep/known.test # TODO known failure (FAIL in the baseline too)$" "$OUT" ||
    fail "TAP line of the known failure"
if command -v prove >/dev/null; then
    prove --exec cat "$OUT" >"$SCRATCH/prove.out" 2>&1 || fail "prove: $(cat "$SCRATCH/prove.out")"
fi
assert_contains "$ERR" "regressions=0; known=1; fixed=1"

# A baseline that cannot be used stops the run before any test, naming the file and line.
printf '%s\n' '{"record":"test","name":"a","outcome":"pass"}' '{"record":"test",' >"$SCRATCH/bad.json"
run_runner -d "$TREE" --baseline="$SCRATCH/bad.json"
assert_eq "$RC" 1 "exit status with a broken baseline"
assert_contains "$ERR" "--baseline $SCRATCH/bad.json:2: not JSON"
assert_not_contains "$OUT" "Running test:"
# A FIFO nobody writes to: the runner waits, as for any file it is told to read, but Ctrl-C
# still ends it.
mkfifo "$SCRATCH/fifo.json"
RC=0
timeout -k 5 -s INT 2 "$RUNNER" -d "$TREE" --baseline="$SCRATCH/fifo.json" >"$OUT" 2>"$ERR" </dev/null ||
    RC=$?
assert_eq "$RC" 124 "exit status of timeout after SIGINT to a runner reading a FIFO"
assert_not_contains "$OUT" "Running test:"
run_runner -d "$TREE" --baseline="$SCRATCH/missing.json"
assert_eq "$RC" 1 "exit status with a missing baseline"
assert_contains "$ERR" "--baseline $SCRATCH/missing.json: No such file or directory"
assert_tmp_clean
