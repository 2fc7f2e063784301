#!/bin/bash
# --merge=FILE: the --json files of two runs of parts of one tree, reported as one run without
# running anything: the console (SUMMARY of every test, the FAIL line with its output), JUnit
# valid against Jenkins' schema, a TAP stream prove reads, one JSON file with every test once
# and as each run wrote it, tmt results, and the exit status of one run with all the results.
# A test in two files, a file that is not a --json file: status 1, naming the files. A file of
# an interrupted run (or of one killed before its summary) is merged, and the merged run is
# incomplete: status 128+signal, as the interrupted run's.
source "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

# Whether a test of the tree ran: they leave a mark.
marks=$SCRATCH/marks
mkdir -p "$marks"
make_test one/pass.test session "touch $marks/one-pass"
make_prog noisy "echo boom on stdout; echo bang on stderr >&2; exit 3"
make_test one/fail.test session "$BIN/noisy"
make_test two/skip.test session "sh -c 'touch $marks/two-skip; exit 77'"
make_test two/exclusive.test session-exclusive "touch $marks/two-exclusive"
make_test two/tap.test session "printf '1..2\nok 1 /a\nok 2 /b # SKIP no fuse\n'" "Output=TAP"

# The two parts, as two shards of a pipeline would run them.
a=$SCRATCH/a.json
b=$SCRATCH/b.json
run_runner -d "$TREE" --order=name --json="$a" one/
assert_eq "$RC" 2 "exit status of the first part"
run_runner -d "$TREE" --order=name --json="$b" two/
assert_eq "$RC" 0 "exit status of the second part"
rm -f "$marks"/*

# The merge: nothing runs, every report has every test.
export TMT_TEST_DATA=$SCRATCH/tmt
mkdir -p "$TMT_TEST_DATA"
merged=$SCRATCH/merged.json
xml=$SCRATCH/merged.xml
run_runner --merge="$a" --merge="$b" --junit="$xml" --tap --json="$merged"
unset TMT_TEST_DATA
assert_eq "$RC" 2 "exit status of the merge with a failed test"
assert_eq "$(entries "$marks")" "" "tests that ran during the merge"
# The console, on stderr beside the TAP stream.
grep -q '^SUMMARY: total=5; passed=3; skipped=1; failed=1; ' "$ERR" ||
    fail "SUMMARY line: $(grep SUMMARY "$ERR")"
assert_eq "$(count_lines "$ERR" "FAIL: one/fail.test (exited with status 3)")" 2 \
    "FAIL lines of one/fail.test (its result, then the recap)"
assert_line "$ERR" "  | boom on stdout"
assert_line "$ERR" "  | bang on stderr"
assert_line "$ERR" "PASS: two/exclusive.test"
assert_line "$ERR" "SKIP: two/skip.test"
assert_not_contains "$ERR" "warning"
# JUnit: valid, a testsuite per test.
xsd=$(dirname "$0")/../../../shared/data/junit/jenkins-xunit-junit-10.xsd
if command -v xmllint >/dev/null && [[ -f $xsd ]]; then
    xmllint --noout --schema "$xsd" "$xml" 2>"$SCRATCH/xmllint.err" ||
        fail "merged JUnit file not valid: $(cat "$SCRATCH/xmllint.err")"
fi
python3 - "$xml" <<'PY' || fail "the merged JUnit file does not hold what was expected"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.get("name") == "ginsttest-runner", root.attrib
suites = {s.get("name"): s for s in root.findall("testsuite")}
assert sorted(suites) == ["one/fail.test", "one/pass.test", "two/exclusive.test",
                          "two/skip.test", "two/tap.test"], sorted(suites)
failure = suites["one/fail.test"].find("testcase/failure")
assert failure.get("message") == "exited with status 3", failure.attrib
assert "boom on stdout" in suites["one/fail.test"].find("testcase/system-out").text
points = [c.get("name") for c in suites["two/tap.test"].findall("testcase")]
assert points == ["/a", "/b"], points
PY
# TAP: prove reads the stream, every test a point, and fails it for the one failure.
if command -v prove >/dev/null; then
    prove_out=$(prove -v --exec cat "$OUT" 2>&1) && fail "prove accepted a failed run: $prove_out"
    grep -q "Failed 1/5 subtests" <<<"$prove_out" || fail "prove did not count 1 failure in 5: $prove_out"
    ! grep -q "Parse errors" <<<"$prove_out" || fail "prove: $prove_out"
fi
assert_eq "$(sed -n 2p "$OUT")" "1..5" "TAP plan"
# JSON: every test once, each record as its own run wrote it; a summary of them all.
python3 - "$a" "$b" "$merged" <<'PY' || fail "the merged JSON file does not hold what was expected"
import json, sys
def records(path):
    return [json.loads(line) for line in open(path, encoding="utf-8")]
parts = [r for path in sys.argv[1:3] for r in records(path) if r["record"] == "test"]
merged = records(sys.argv[3])
tests = [r for r in merged if r["record"] == "test"]
names = [r["name"] for r in tests]
assert sorted(names) == sorted(set(names)) and len(names) == 5, names
assert tests == parts, "the merged test records differ from the runs'"
assert {r["name"]: r["type"] for r in tests}["two/exclusive.test"] == "session-exclusive"
summary = merged[-1]
assert summary["record"] == "summary" and summary["complete"] is True, summary
assert (summary["total"], summary["passed"], summary["skipped"], summary["failed"]) == (5, 3, 1, 1), summary
PY
# tmt: a result per test, and one for the run.
assert_eq "$(grep -c '^- name: ' "$SCRATCH/tmt/results.yaml")" 6 "tmt results"
assert_contains "$SCRATCH/tmt/results.yaml" '- name: "/one/fail"'

# Only passes and skips: status 0.
run_runner --merge="$b"
assert_eq "$RC" 0 "exit status of a merge without failures"
assert_contains "$OUT" "SUMMARY: total=3; passed=2; skipped=1; failed=0;"

# A test in two files: status 1, both files named, nothing reported.
cp "$a" "$SCRATCH/a-again.json"
run_runner --merge="$a" --merge="$b" --merge="$SCRATCH/a-again.json" --json="$SCRATCH/dup.json"
assert_eq "$RC" 1 "exit status with a test in two files"
assert_contains "$ERR" "--merge: test one/fail.test is in $a:1 and in $SCRATCH/a-again.json:1"
[[ ! -e $SCRATCH/dup.json ]] || fail "a report was written for a merge that failed"
assert_not_contains "$OUT" "SUMMARY"
# Not a --json file, or a broken one: status 1, the file and the line named.
run_runner --merge="$a" --merge="$xml"
assert_eq "$RC" 1 "exit status with a JUnit file to merge"
assert_contains "$ERR" "--merge $xml:1: not JSON"
{ head -n 1 "$b"; echo '{"record":"test","name":'; } >"$SCRATCH/broken.json"
run_runner --merge="$a" --merge="$SCRATCH/broken.json"
assert_eq "$RC" 1 "exit status with a broken line"
assert_contains "$ERR" "--merge $SCRATCH/broken.json:2: not JSON"
run_runner --merge="$SCRATCH/missing.json"
assert_eq "$RC" 1 "exit status with a missing file"
assert_contains "$ERR" "--merge $SCRATCH/missing.json: No such file or directory"

# An interrupted run's file: merged with what it has, its not-run test reported as not run,
# and the merged run incomplete with the interrupted run's status.
interrupted=$SCRATCH/interrupted.json
interrupted_run --json="$interrupted" grp/
assert_eq "$RC" 130 "exit status of the interrupted run"
run_runner --merge="$interrupted" --merge="$b" --tap --junit="$xml"
assert_eq "$RC" 130 "exit status of a merge with an interrupted run"
assert_contains "$ERR" "ginsttest-runner: warning: --merge $interrupted: its run was interrupted by SIGINT (1 test not run); the merged run is incomplete"
grep -q '^SUMMARY (incomplete): total=6; passed=3; skipped=1; failed=1; ' "$ERR" ||
    fail "SUMMARY line: $(grep SUMMARY "$ERR")"
assert_line "$OUT" "ok 6 - grp/c-never.test # SKIP not run: interrupted by SIGINT"
assert_line "$OUT" "Bail out! interrupted by SIGINT"
if command -v xmllint >/dev/null && [[ -f $xsd ]]; then
    xmllint --noout --schema "$xsd" "$xml" 2>"$SCRATCH/xmllint.err" ||
        fail "merged JUnit file of an interrupted run not valid: $(cat "$SCRATCH/xmllint.err")"
fi
assert_contains "$xml" 'name="ginsttest-runner (incomplete: interrupted by SIGINT)"'
assert_contains "$xml" 'message="not run: interrupted by SIGINT"'
# Killed before its summary: incomplete too, and SIGINT's status as no signal is named.
head -n -1 "$a" >"$SCRATCH/killed.json"
run_runner --merge="$SCRATCH/killed.json" --merge="$b"
assert_eq "$RC" 130 "exit status of a merge with a run killed before its summary"
assert_contains "$ERR" "--merge $SCRATCH/killed.json: it has no summary record (its run was killed?); the merged run is incomplete"
assert_contains "$OUT" "SUMMARY (incomplete): total=5;"

# A --repeat run's file: a FLAKY test fails the merged run, as it failed that run.
flaky='{"record":"test","name":"three/flaky.test","outcome":"flaky","reason":"failed 1 of 2 runs","runs":2}'
printf '%s\n%s\n' "$flaky" '{"record":"summary","complete":true,"flaky_fails":true}' >"$SCRATCH/repeat.json"
run_runner --merge="$b" --merge="$SCRATCH/repeat.json"
assert_eq "$RC" 2 "exit status with a FLAKY test of a --repeat run"
assert_line "$OUT" "FLAKY: three/flaky.test (failed 1 of 2 runs)"
printf '%s\n%s\n' "$flaky" '{"record":"summary","complete":true,"flaky_fails":false}' >"$SCRATCH/retry.json"
run_runner --merge="$b" --merge="$SCRATCH/retry.json"
assert_eq "$RC" 0 "exit status with a FLAKY test of a --retry run"
assert_tmp_clean
echo ok
