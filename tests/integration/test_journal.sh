#!/bin/bash
# --journal: every event reaches a real systemd-journald (a private one, in a mount namespace
# of this test's own) with gdtr's MESSAGE_IDs and GDTR_TEST, our GINSTTEST_* fields and one run
# id per run; one result message per test, for every outcome. By default the run logs whenever
# a journal is running, whatever stdout is, as gdtr does; $JOURNAL_STREAM naming stdout quiets
# the console. The catalog in data/ explains every ID through journalctl's own catalog tools.
source "$(dirname "$0")/journald.sh"
journald_private_namespace "$@"
source "$(dirname "$0")/lib.sh"
journald_start

catalog_file=$(dirname "$0")/../../data/ginsttest-runner.catalog

# The journal's messages of the runner's last run (the last "run started" and everything that
# process sent) as a JSON list, for the Python checks below.
last_run() {
    journald_sync
    journald_json | "$PYTHON3" -c '
import json, sys
entries = [json.loads(line) for line in sys.stdin]
starts = [e for e in entries if e.get("MESSAGE_ID") == "28975e3bb44f426aa28d323ee4c6080e"]
run = [e for e in entries if starts and e.get("_PID") == starts[-1]["_PID"]]
json.dump(run, sys.stdout)' >"$SCRATCH/run.json"
}

# How many runs have sent a "run started" message so far.
runs_logged() {
    journald_sync
    journald_json | grep -c '"MESSAGE_ID":"28975e3bb44f426aa28d323ee4c6080e"' || true
}

# assert_logged_pass_fail WHAT: the last run logged grp/pass.test passing and grp/fail.test
# failing, and no other result.
assert_logged_pass_fail() {
    last_run
    "$PYTHON3" - "$SCRATCH/run.json" <<'PY' || fail "$1 did not log its results"
import json, sys
run = json.load(open(sys.argv[1]))
outcomes = {e["GDTR_TEST"]: e["GINSTTEST_OUTCOME"] for e in run if "GINSTTEST_OUTCOME" in e}
assert outcomes == {"grp/pass.test": "PASS", "grp/fail.test": "FAIL"}, outcomes
PY
}

# Every outcome, with a log directory so that results name their log file.
make_test grp/pass.test session true
make_test grp/fail.test session "sh -c 'exit 3'"
make_test grp/skip.test session "sh -c 'exit 77'"
make_test grp/hang.test session "sleep 100"
make_raw_test grp/broken.test "[Test]" "Type=bogus" "Exec=true"
make_test grp/tap.test session "printf '1..3\nok 1 /a\nnot ok 2 /b\nok 3 /c # SKIP no fuse\n'" \
    "Output=TAP"

run_runner -d "$TREE" --journal=yes --timeout=1 --kill-grace=0.2 -L "$SCRATCH/logs"
assert_eq "$RC" 2 "exit status"
# stdout is a file, not the journal: the console says everything as usual.
assert_line "$OUT" "Running test: grp/pass.test"
assert_line "$OUT" "PASS: grp/pass.test"
last_run
"$PYTHON3" - "$SCRATCH/run.json" "$SCRATCH/logs" <<'PY' || fail "the journal does not hold what was expected"
import json, os, re, sys
from collections import Counter

run = json.load(open(sys.argv[1]))
logs = sys.argv[2]
PASSED, FAILED, SKIPPED = ("142bf5d40e9742e99d3ac8c1ace83b36", "0eee66bf98514369bef9868327a43cf1",
                           "ca0b037012363f1898466829ea163e7d")
TIMED_OUT, COMPLETE = "db8f25eab14a4da68ef3ab3ce4b2c0bb", "4d013788dd704743b826436c951e551d"
RUN_STARTED, TEST_STARTED = "28975e3bb44f426aa28d323ee4c6080e", "f57753e358094169a12183946409dd84"
TEST_ERROR, SUBTEST_FAILED = "2fe55a343ba446e39439a6a448fb64fa", "cbe827024b024ec0abc2442f127cdbb5"
ids = Counter(e["MESSAGE_ID"] for e in run)

# One run id, 32 hex digits, on every message the run sent.
run_ids = {e.get("GINSTTEST_RUN_ID") for e in run}
assert len(run_ids) == 1 and re.fullmatch(r"[0-9a-f]{32}", next(iter(run_ids)) or ""), run_ids

def of(msgid, test=None):
    return [e for e in run if e["MESSAGE_ID"] == msgid and (test is None or e.get("GDTR_TEST") == test)]

[started] = of(RUN_STARTED)
assert started["GINSTTEST_TESTS_TOTAL"] == "6" and started["GINSTTEST_PARALLEL"] == "1", started
assert re.fullmatch(r"\d+", started["GINSTTEST_SEED"]), started

names = ["grp/pass.test", "grp/fail.test", "grp/skip.test", "grp/hang.test", "grp/broken.test",
         "grp/tap.test"]
for name in names:
    [msg] = of(TEST_STARTED, name)
    assert msg["MESSAGE"] == f"Running test: {name}", msg
    assert msg["GINSTTEST_FILE"].endswith("/installed-tests/" + name), msg

# Exactly one result message per test, with gdtr's ID for what the console says.
results = [e for e in run if e["MESSAGE_ID"] in (PASSED, FAILED, SKIPPED)]
assert sorted(e["GDTR_TEST"] for e in results) == sorted(names), results
by_test = {e["GDTR_TEST"]: e for e in results}
expect = {
    "grp/pass.test": (PASSED, "PASS", "PASS: grp/pass.test", "6"),
    "grp/skip.test": (SKIPPED, "SKIP", "SKIP: grp/skip.test", "6"),
    "grp/fail.test": (FAILED, "FAIL", "FAIL: grp/fail.test (exited with status 3)", "3"),
    "grp/hang.test": (FAILED, "TIMEOUT", "FAIL: grp/hang.test (timed out after 1 s)", "3"),
    "grp/broken.test": (FAILED, "ERROR", None, "3"),
    "grp/tap.test": (FAILED, "FAIL", None, "3"),
}
for name, (msgid, outcome, message, priority) in expect.items():
    e = by_test[name]
    assert (e["MESSAGE_ID"], e["GINSTTEST_OUTCOME"], e["PRIORITY"]) == (msgid, outcome, priority), e
    assert message is None or e["MESSAGE"] == message, e
    assert re.fullmatch(r"\d+", e["GINSTTEST_DURATION_USEC"]), e
    assert e["GINSTTEST_FILE"].endswith(name), e
# The hung test's stacks, taken before the stop (with eu-stack installed), as fields of its
# result; no other result has any.
if os.access("/usr/bin/eu-stack", os.X_OK):
    hang = by_test["grp/hang.test"]
    assert hang.get("GINSTTEST_BACKTRACE_SOURCE") == "timeout", hang
    assert re.search(r"^process \d+ \(sleep 100\): 1 thread$", hang["GINSTTEST_BACKTRACE"], re.M), hang
    assert re.search(r"^ +#0 ", hang["GINSTTEST_BACKTRACE"], re.M), hang
assert not [e for n, e in by_test.items() if n != "grp/hang.test" and "GINSTTEST_BACKTRACE" in e]
for name in ("grp/pass.test", "grp/fail.test", "grp/skip.test", "grp/tap.test"):
    log = by_test[name]["GINSTTEST_LOG"]
    assert log.startswith(logs + "/") and os.path.isfile(log), by_test[name]
assert by_test["grp/pass.test"]["GINSTTEST_EXIT_STATUS"] == "0"
assert by_test["grp/skip.test"]["GINSTTEST_EXIT_STATUS"] == "77"
fail = by_test["grp/fail.test"]
assert (fail["GINSTTEST_EXIT_STATUS"], fail["GINSTTEST_REASON"]) == ("3", "exited with status 3"), fail
assert by_test["grp/hang.test"]["GINSTTEST_SIGNAL"].startswith("SIG"), by_test["grp/hang.test"]
assert "Type" in by_test["grp/broken.test"]["GINSTTEST_REASON"], by_test["grp/broken.test"]
assert by_test["grp/broken.test"]["MESSAGE"].startswith("FAIL: grp/broken.test ("), by_test["grp/broken.test"]
tap = by_test["grp/tap.test"]
counts = [tap[f"GINSTTEST_SUBTESTS_{k}"] for k in ("PASSED", "FAILED", "SKIPPED", "TODO")]
assert counts == ["1", "1", "1", "0"], tap
assert "GINSTTEST_SUBTESTS_PASSED" not in fail, fail  # only tests with Output=TAP have counts

# The details: gdtr's "timed out" (now naming the test), our error and subtest messages.
[timed_out] = of(TIMED_OUT)
assert timed_out["GDTR_TEST"] == "grp/hang.test", timed_out
assert timed_out["MESSAGE"] == "Test grp/hang.test timed out after 1 s", timed_out
[error] = of(TEST_ERROR)
assert error["GDTR_TEST"] == "grp/broken.test" and "Type" in error["GINSTTEST_REASON"], error
assert error["MESSAGE"].startswith("Test grp/broken.test could not be run: "), error
[subtest] = of(SUBTEST_FAILED)
assert (subtest["GDTR_TEST"], subtest["GINSTTEST_SUBTEST"]) == ("grp/tap.test", "/b"), subtest
assert subtest["MESSAGE"] == "Subtest of grp/tap.test failed: /b", subtest

[complete] = of(COMPLETE)
assert complete["MESSAGE"].startswith("SUMMARY: total=6; passed=1; skipped=1; failed=4; "), complete
assert [complete[f"GINSTTEST_TESTS_{k}"] for k in ("TOTAL", "PASSED", "SKIPPED", "FAILED")] == \
    ["6", "1", "1", "4"], complete
assert "GINSTTEST_INTERRUPTED_BY" not in complete, complete
assert complete is run[-1], "the summary is not the run's last message"

# Nothing else: 1 start, 6 started, 6 results, 3 details, 1 summary, and gdtr's running status
# if the run took more than five seconds.
STATUS = "ed6199045dd38bb5321e551d9578f3d9"
assert len([e for e in run if e["MESSAGE_ID"] != STATUS]) == 17, ids
for e in of(STATUS):
    assert e["MESSAGE"].startswith("Executing: grp/"), e
PY

# Interrupted: the running test fails as INTERRUPTED, the one never started is "not run", and
# the summary (gdtr's "complete" ID still) says which signal cut the run short.
rm -rf "$TREE/installed-tests/grp"
mkfifo "$SCRATCH/started.fifo"
make_test grp/a-quick.test session true
make_test grp/b-blocking.test session "sh -c 'echo up > $SCRATCH/started.fifo; exec sleep 1000'"
make_test grp/c-later.test session true
TMPDIR=$RUN_TMP env --default-signal=INT "$RUNNER" -d "$TREE" --order=name --journal=yes \
    >"$OUT" 2>"$ERR" </dev/null &
runner=$!
wait_fifo "$SCRATCH/started.fifo"
stop_runner "$runner" INT
assert_eq "$RC" 130 "exit status after SIGINT"
last_run
"$PYTHON3" - "$SCRATCH/run.json" <<'PY' || fail "the journal of the interrupted run is wrong"
import json, sys
run = json.load(open(sys.argv[1]))
assert "GINSTTEST_SEED" not in run[0], run[0]  # --order=name
results = {e["GDTR_TEST"]: e for e in run if e["MESSAGE_ID"] in
           ("142bf5d40e9742e99d3ac8c1ace83b36", "0eee66bf98514369bef9868327a43cf1")}
assert results["grp/a-quick.test"]["GINSTTEST_OUTCOME"] == "PASS", results
blocked = results["grp/b-blocking.test"]
assert (blocked["MESSAGE_ID"], blocked["GINSTTEST_OUTCOME"], blocked["PRIORITY"]) == \
    ("0eee66bf98514369bef9868327a43cf1", "INTERRUPTED", "4"), blocked
assert "grp/c-later.test" not in results, results
[not_run] = [e for e in run if e["MESSAGE_ID"] == "73fef3f7e7af4711948173d0f8dff4bf"]
assert (not_run["GDTR_TEST"], not_run["GINSTTEST_INTERRUPTED_BY"]) == ("grp/c-later.test", "SIGINT"), not_run
assert not_run["MESSAGE"] == "Not run: grp/c-later.test (interrupted by SIGINT)", not_run
summary = run[-1]
assert summary["MESSAGE_ID"] == "4d013788dd704743b826436c951e551d", summary
assert summary["MESSAGE"].startswith("SUMMARY (incomplete): total=3; passed=1; skipped=0; failed=1;"), summary
assert summary["GINSTTEST_INTERRUPTED_BY"] == "SIGINT", summary
PY

# --baseline: each result says how it compares, and the summary counts them; known failures
# alone are a warning, not an error.
rm -rf "$TREE/installed-tests/grp"
make_test base/known.test session false
make_test base/new.test session false
make_test base/fixed.test session true
printf '%s\n' '{"record":"test","name":"base/known.test","outcome":"fail"}' \
    '{"record":"test","name":"base/fixed.test","outcome":"timeout"}' >"$SCRATCH/baseline.json"
run_runner -d "$TREE" --journal=yes --baseline="$SCRATCH/baseline.json" -x new
assert_eq "$RC" 0 "exit status with a known failure only"
last_run
"$PYTHON3" - "$SCRATCH/run.json" <<'PY' || fail "the journal of a run with a baseline is wrong"
import json, sys
run = json.load(open(sys.argv[1]))
compared = {e["GDTR_TEST"]: e["GINSTTEST_BASELINE"] for e in run if "GINSTTEST_BASELINE" in e}
assert compared == {"base/known.test": "known-failure", "base/fixed.test": "fixed"}, compared
summary = run[-1]
assert [summary[f"GINSTTEST_{k}"] for k in ("REGRESSIONS", "KNOWN_FAILURES", "FIXED")] == \
    ["0", "1", "1"], summary
assert summary["PRIORITY"] == "4", summary
PY
run_runner -d "$TREE" --journal=yes --baseline="$SCRATCH/baseline.json"
assert_eq "$RC" 2 "exit status with a regression"
last_run
"$PYTHON3" - "$SCRATCH/run.json" <<'PY' || fail "the journal of a run with a regression is wrong"
import json, sys
run = json.load(open(sys.argv[1]))
compared = {e["GDTR_TEST"]: e["GINSTTEST_BASELINE"] for e in run if "GINSTTEST_BASELINE" in e}
assert compared["base/new.test"] == "regression", compared
assert (run[-1]["GINSTTEST_REGRESSIONS"], run[-1]["PRIORITY"]) == ("1", "3"), run[-1]
PY
rm -rf "$TREE/installed-tests/base"

# $JOURNAL_STREAM naming stdout's device and inode (what systemd sets for StandardOutput=journal)
# quiets the console: it keeps only what gdtr keeps, no "Running test" or PASS lines (the
# journal has them), the failures.
rm -rf "$TREE/installed-tests/grp"
make_test grp/pass.test session true
make_test grp/fail.test session "sh -c 'exit 3'"
: >"$OUT"
before=$(runs_logged)
RC=0
JOURNAL_STREAM=$(stat -c '%d:%i' "$OUT") gtr -d "$TREE" >"$OUT" 2>"$ERR" </dev/null || RC=$?
assert_eq "$RC" 2 "exit status with JOURNAL_STREAM"
assert_eq "$(runs_logged)" $((before + 1)) "runs in the journal after a run with JOURNAL_STREAM"
assert_not_contains "$OUT" "Running test:"
assert_not_contains "$OUT" "PASS: grp/pass.test"
assert_not_contains "$OUT" "Random order"
assert_line "$OUT" "FAIL: grp/fail.test (exited with status 3)"
assert_logged_pass_fail "the run with JOURNAL_STREAM"

# By default the run logs whenever a journal is running, as gdtr does, whatever stdout is (a
# file here, with no JOURNAL_STREAM, or one naming another file: a wrapper's stdout redirected),
# and then the console says everything as usual. --journal=no does not log.
for stream in none elsewhere; do
    : >"$SCRATCH/elsewhere"
    before=$(runs_logged)
    RC=0
    if [[ $stream == none ]]; then
        env -u JOURNAL_STREAM TMPDIR="$RUN_TMP" "$RUNNER" -d "$TREE" >"$OUT" 2>"$ERR" \
            </dev/null || RC=$?
    else
        JOURNAL_STREAM=$(stat -c '%d:%i' "$SCRATCH/elsewhere") gtr -d "$TREE" >"$OUT" 2>"$ERR" \
            </dev/null || RC=$?
    fi
    assert_eq "$RC" 2 "exit status with stdout to a file (JOURNAL_STREAM: $stream)"
    assert_eq "$(runs_logged)" $((before + 1)) "runs in the journal (JOURNAL_STREAM: $stream)"
    assert_line "$OUT" "Running test: grp/pass.test"
    assert_line "$OUT" "PASS: grp/pass.test"
    assert_logged_pass_fail "the run with stdout to a file (JOURNAL_STREAM: $stream)"
done
before=$(runs_logged)
RC=0
JOURNAL_STREAM=$(stat -c '%d:%i' "$OUT") gtr -d "$TREE" --journal=no >"$OUT" 2>"$ERR" \
    </dev/null || RC=$?
assert_eq "$RC" 2 "exit status with --journal=no"
assert_line "$OUT" "PASS: grp/pass.test"
assert_eq "$(runs_logged)" "$before" "runs in the journal after a run with --journal=no"

# --retry: the failed run that is run again has a "run failed" message (its number, outcome,
# reason and log); the result is FLAKY with gdtr's "passed" ID and counts the runs; the summary
# counts the FLAKY tests. A tree of its own, so that the runs above keep theirs.
flaky_tree=$SCRATCH/flaky-tree
mkdir "$SCRATCH/counters"
TREE=$flaky_tree make_test grp/flaky.test session \
    "sh -c 'test -e $SCRATCH/counters/ran && exit 0; touch $SCRATCH/counters/ran; exit 1'"
run_runner -d "$flaky_tree" --journal=yes --retry=2 -L "$SCRATCH/flaky-logs"
assert_eq "$RC" 0 "exit status with a FLAKY test and --retry"
last_run
"$PYTHON3" - "$SCRATCH/run.json" "$SCRATCH/flaky-logs" <<'PY' || fail "the journal of the run with --retry is wrong"
import json, sys
run = json.load(open(sys.argv[1]))
logs = sys.argv[2]
[rerun] = [e for e in run if e["MESSAGE_ID"] == "cda2e8ebb08441458a3f6309a35189cf"]
assert rerun["MESSAGE"] == "Run 1 of grp/flaky.test failed: exited with status 1; running it again", rerun
assert (rerun["GDTR_TEST"], rerun["GINSTTEST_TEST_RUN"], rerun["GINSTTEST_RUN_OUTCOME"],
        rerun["GINSTTEST_REASON"], rerun["GINSTTEST_EXIT_STATUS"], rerun["PRIORITY"]) == \
    ("grp/flaky.test", "1", "FAIL", "exited with status 1", "1", "4"), rerun
assert rerun["GINSTTEST_LOG"] == logs + "/grp_flaky.test.txt", rerun
assert "GINSTTEST_OUTCOME" not in rerun, rerun
[result] = [e for e in run if "GINSTTEST_OUTCOME" in e]
assert (result["MESSAGE_ID"], result["GINSTTEST_OUTCOME"], result["PRIORITY"]) == \
    ("142bf5d40e9742e99d3ac8c1ace83b36", "FLAKY", "5"), result
assert (result["GINSTTEST_RUNS"], result["GINSTTEST_FAILED_RUNS"]) == ("2", "1"), result
assert result["GINSTTEST_LOG"] == logs + "/grp_flaky.test@2.txt", result
assert run.index(rerun) < run.index(result)
summary = run[-1]
assert summary["MESSAGE_ID"] == "4d013788dd704743b826436c951e551d", summary
assert (summary["GINSTTEST_TESTS_PASSED"], summary["GINSTTEST_TESTS_FLAKY"]) == ("1", "1"), summary
PY

# The catalog: installed under a root, indexed by journalctl, it explains every ID we send.
# journalctl --root reads the index under ROOT for --list-catalog and --dump-catalog, but -x
# always reads /var/lib/systemd/catalog/database, so that is mounted over (in this namespace).
root=$SCRATCH/root
install -D -m 0644 "$catalog_file" "$root/usr/lib/systemd/catalog/ginsttest-runner.catalog"
journalctl --root="$root" --update-catalog || fail "journalctl --update-catalog failed"
journalctl --root="$root" --list-catalog >"$SCRATCH/catalog.list" || fail "--list-catalog failed"
for id in 142bf5d40e9742e99d3ac8c1ace83b36 0eee66bf98514369bef9868327a43cf1 \
    ca0b037012363f1898466829ea163e7d db8f25eab14a4da68ef3ab3ce4b2c0bb \
    ed6199045dd38bb5321e551d9578f3d9 4d013788dd704743b826436c951e551d \
    28975e3bb44f426aa28d323ee4c6080e f57753e358094169a12183946409dd84 \
    2fe55a343ba446e39439a6a448fb64fa cbe827024b024ec0abc2442f127cdbb5 \
    73fef3f7e7af4711948173d0f8dff4bf cda2e8ebb08441458a3f6309a35189cf; do
    grep -q "^$id " "$SCRATCH/catalog.list" || fail "the catalog has no entry for $id"
done
assert_eq "$(wc -l <"$SCRATCH/catalog.list")" 12 "entries in the catalog"
# Every ID the runner sent in this script has an entry.
journald_sync
journald_json | "$PYTHON3" -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    if "GINSTTEST_RUN_ID" in e:
        print(e["MESSAGE_ID"])' | sort -u >"$SCRATCH/sent.ids"
[[ $(wc -l <"$SCRATCH/sent.ids") -ge 10 ]] || fail "too few IDs sent: $(cat "$SCRATCH/sent.ids")"
while read -r id; do
    grep -q "^$id " "$SCRATCH/catalog.list" || fail "ID $id was sent but has no catalog entry"
done <"$SCRATCH/sent.ids"
journalctl --root="$root" --dump-catalog 0eee66bf98514369bef9868327a43cf1 >"$SCRATCH/catalog.dump"
assert_line "$SCRATCH/catalog.dump" "Subject: Installed test @GDTR_TEST@ failed"
if [[ ! -d /var/lib/systemd/catalog ]]; then
    # A tmpfs of this namespace rather than a directory left behind on the host.
    mount -t tmpfs tmpfs /var/lib/systemd || fail "cannot mount over /var/lib/systemd"
    mkdir /var/lib/systemd/catalog
fi
mount --bind "$root/var/lib/systemd/catalog" /var/lib/systemd/catalog
journalctl -D "$JOURNAL_DIR" -x --no-pager MESSAGE_ID=0eee66bf98514369bef9868327a43cf1 \
    GDTR_TEST=grp/fail.test >"$SCRATCH/explained" || fail "journalctl -x failed"
assert_contains "$SCRATCH/explained" "Subject: Installed test grp/fail.test failed"
assert_contains "$SCRATCH/explained" "The installed test grp/fail.test did not pass; the message says why."
journalctl -D "$JOURNAL_DIR" -x --no-pager MESSAGE_ID=cbe827024b024ec0abc2442f127cdbb5 \
    >"$SCRATCH/explained" || fail "journalctl -x failed"
assert_contains "$SCRATCH/explained" "The installed test grp/tap.test reported the failure of its subtest"
journalctl -D "$JOURNAL_DIR" -x --no-pager MESSAGE_ID=cda2e8ebb08441458a3f6309a35189cf \
    >"$SCRATCH/explained" || fail "journalctl -x failed"
assert_contains "$SCRATCH/explained" "Subject: A run of installed test grp/flaky.test failed; it runs again"
assert_contains "$SCRATCH/explained" "Run 1 of the installed test grp/flaky.test failed"

# A journal that refuses messages (a socket nobody reads) never stops the run: one warning on
# stderr, then no more tries, and the console and exit status as always.
journald_stop
# The socket journald left is no journal: by default the run does not log, and says nothing.
[[ -S /run/systemd/journal/socket ]] || fail "journald took its socket with it"
run_runner -d "$TREE"
assert_eq "$RC" 2 "exit status with a socket journald left behind"
assert_not_contains "$ERR" "journal"
assert_line "$OUT" "PASS: grp/pass.test"
rm -f /run/systemd/journal/socket
"$PYTHON3" -c 'import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(sys.argv[1])' \
    /run/systemd/journal/socket
run_runner -d "$TREE" --journal=yes
assert_eq "$RC" 2 "exit status when the journal refuses messages"
assert_eq "$(grep -c 'cannot write to the journal' "$ERR")" 1 "journal warnings"
assert_line "$OUT" "PASS: grp/pass.test"
assert_line "$OUT" "FAIL: grp/fail.test (exited with status 3)"

# No journal at all (libsystemd then drops messages without an error): one warning says so.
rm -f /run/systemd/journal/socket
run_runner -d "$TREE" --journal=yes
assert_eq "$RC" 2 "exit status without a journal"
assert_eq "$(grep -c 'warning: no journal (/run/systemd/journal/socket is missing, or nobody listens there)' "$ERR")" 1 \
    "the warning without a journal"
assert_line "$OUT" "PASS: grp/pass.test"
# ... which is no reason for a warning by default: there is no journal to log to.
run_runner -d "$TREE"
assert_eq "$RC" 2 "exit status without a journal, by default"
assert_not_contains "$ERR" "journal"
assert_line "$OUT" "PASS: grp/pass.test"
assert_tmp_clean
echo ok
