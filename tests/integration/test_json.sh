#!/bin/bash
# --json=FILE: a JSON Lines file, one object per installed test as each one ends, for every
# outcome (a timeout, a bad .test file, TAP subtests, a name that is not UTF-8), then a summary;
# after SIGINT the lines so far and a summary marked incomplete. Each line is read by Python's
# json module.
source "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

make_test grp/pass.test session true
make_test grp/fail.test session "sh -c 'exit 3'"
make_test grp/skip.test session "sh -c 'exit 77'"
make_test grp/hang.test session "sleep 100"
make_test grp/tap.test session "printf '1..3\nok 1 /a\nnot ok 2 /b\nok 3 /c # SKIP no fuse\n'" \
    "Output=TAP"
make_raw_test grp/broken.test "[Test]" "Type=bogus" "Exec=true"
make_test $'grp/bad-\xff-name.test' session true

json=$SCRATCH/results.jsonl
run_runner -d "$TREE" --timeout=1 --kill-grace=0.2 --json="$json"
assert_eq "$RC" 2 "exit status"
python3 - "$json" <<'PY' || fail "the JSON lines do not hold what was expected"
import json, sys
records = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
tests = {r["name"]: r for r in records if r["record"] == "test"}
summary = records[-1]
assert summary["record"] == "summary", summary
assert summary["complete"] is True and summary["interrupted_by"] is None, summary
assert (summary["total"], summary["passed"], summary["skipped"], summary["failed"]) == (7, 2, 1, 4), summary
assert len(tests) == 7, sorted(tests)
expect = {
    "grp/pass.test": ("pass", 0), "grp/fail.test": ("fail", 3), "grp/skip.test": ("skip", 77),
    "grp/hang.test": ("timeout", None), "grp/tap.test": ("fail", 0),
    "grp/broken.test": ("error", None), "grp/bad-\ufffd-name.test": ("pass", 0),
}
for name, (outcome, status) in expect.items():
    r = tests[name]
    assert (r["outcome"], r["exit_status"]) == (outcome, status), (name, r)
    assert r["type"] == "session" and r["started"].endswith("Z") and r["duration"] >= 0, r
    assert r["file"].endswith(".test") and r["root"].endswith("installed-tests"), r
assert tests["grp/fail.test"]["reason"] == "exited with status 3"
assert "timed out" in tests["grp/hang.test"]["reason"]
assert "Type" in tests["grp/broken.test"]["reason"]
subtests = [(s["name"], s["outcome"], s["reason"]) for s in tests["grp/tap.test"]["subtests"]]
assert subtests == [("/a", "pass", ""), ("/b", "fail", ""), ("/c", "skip", "no fuse")], subtests
PY

# Interrupted: the finished tests' lines, then a summary that says the run is incomplete.
rm -f "$TREE"/installed-tests/grp/*.test
interrupted_run --json="$json"
assert_eq "$RC" 130 "exit status after SIGINT"
python3 - "$json" <<'PY' || fail "the JSON lines of the interrupted run are wrong"
import json, sys
records = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
summary = records[-1]
assert summary["record"] == "summary" and summary["complete"] is False, summary
assert summary["interrupted_by"] == "SIGINT", summary
outcomes = {r["name"]: r["outcome"] for r in records if r["record"] == "test"}
assert outcomes["grp/a-quick.test"] == "pass", outcomes
assert outcomes.get("grp/b-blocking.test") == "interrupted", outcomes
not_run = [(r["name"], r["reason"]) for r in records if r["record"] == "not-run"]
assert not_run == [("grp/c-never.test", "interrupted by SIGINT")], not_run
PY

# A file that cannot be written: status 1, before anything runs.
assert_exit 1 gtr -d "$TREE" --json="$SCRATCH/no/such/dir/r.jsonl"
assert_contains "$ERR" "--json $SCRATCH/no/such/dir/r.jsonl: No such file or directory"
assert_not_contains "$OUT" "Running test"
assert_tmp_clean
echo ok
