#!/bin/bash
# tmt: with TMT_TEST_DATA set, results.yaml there is valid against tmt's results schema
# (python3-jsonschema) for every outcome: one entry per test named "/grp/name", TAP points as
# subresults, "/" for the run, durations as hh:mm:ss, and log paths relative to TMT_TEST_DATA
# that exist. After SIGINT the file is still valid and lists what never ran as pending.
source "$(dirname "$0")/lib.sh"
schemas=$(dirname "$0")/../../../shared/data/tmt-schema
[[ -f $schemas/results.yaml ]] || skip "no tmt schema at $schemas"
/usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null \
    || skip "python3-jsonschema or python3-yaml is not installed"

# check_results DIR: results.yaml in DIR passes the schema and its logs exist; prints
# "name result" per entry, and "name/sub result" per subresult.
check_results() { /usr/bin/python3 "$(dirname "$0")/check_tmt_results.py" "$schemas" "$1"; }

make_test grp/pass.test session "sh -c 'echo hello \${TMT_TEST_DATA-unset}'"
make_test grp/fail.test session "sh -c 'echo broken; exit 3'"
make_test grp/skip.test session "sh -c 'exit 77'"
make_test grp/hang.test session "sleep 100"
make_test grp/tap.test session \
    "printf '1..4\nok 1 /a\nnot ok 2 /b\nok 3 /c # SKIP no fuse\nnot ok 4 /d # TODO later\n'" \
    "Output=TAP"
make_raw_test grp/broken.test "[Test]" "Type=bogus" "Exec=true"
make_test $'grp/odd \xff\xc2\x85.test' session true

data=$SCRATCH/tmt-data
mkdir "$data"
TMT_TEST_DATA=$data run_runner -d "$TREE" --order=name --timeout=1 --kill-grace=0.2
assert_eq "$RC" 2 "exit status"
check_results "$data" >"$SCRATCH/seen" || fail "results.yaml is not what tmt accepts"
expected="/grp/broken error
/grp/fail fail
/grp/hang error
/grp/odd "$'\ufffd\u0085'" pass
/grp/pass pass
/grp/skip skip
/grp/tap fail
/grp/tap//a pass
/grp/tap//b fail
/grp/tap//c skip
/grp/tap//d info
/ fail"
assert_eq "$(cat "$SCRATCH/seen")" "$expected" "entries of results.yaml"
# Each test that ran has its whole output as its log; TMT_TEST_DATA was the runner's alone.
assert_eq "$(cat "$data/logs/grp_pass.test.txt")" "hello unset" "the log of grp/pass.test"
assert_eq "$(cat "$data/logs/grp_fail.test.txt")" "broken" "the log of grp/fail.test"
grep -A16 -F 'name: "/grp/hang"' "$data/results.yaml" | grep -qF 'TIMEOUT: timed out after 1 s' \
    || fail "the timeout has no note"
# A log whose file name YAML cannot spell is not listed, and a note says so.
grep -a -A8 -F 'name: "/grp/odd' "$data/results.yaml" | grep -aqF 'log not listed, its file name is not UTF-8' \
    || fail "no note for the log that cannot be listed"

# -L elsewhere: the logs stay there, and their paths still lead to them from TMT_TEST_DATA.
rm -rf "$data" && mkdir "$data"
# Also a name with U+2028, a line break to YAML 1.1 even inside quotes.
rm -f "$TREE"/installed-tests/grp/{hang,broken}.test
make_test $'grp/ls\xe2\x80\xa8--- x.test' session true
TMT_TEST_DATA=$data run_runner -d "$TREE" -L "$SCRATCH/logs"
check_results "$data" >"$SCRATCH/seen" || fail "results.yaml with -L elsewhere is not valid"
assert_line "$SCRATCH/seen" $'/grp/ls\xe2\x80\xa8--- x pass'
grep -qF -- '- "../logs/grp_pass.test.txt"' "$data/results.yaml" || fail "the log path is not relative"

# Interrupted: valid, the never-run tests pending, the run an error.
rm -f "$TREE"/installed-tests/grp/*.test
rm -rf "$data" && mkdir "$data"
TMT_TEST_DATA=$data interrupted_run
assert_eq "$RC" 130 "exit status after SIGINT"
check_results "$data" >"$SCRATCH/seen" || fail "results.yaml of the interrupted run is not valid"
assert_eq "$(paste -sd '|' "$SCRATCH/seen")" \
    "/grp/a-quick pass|/grp/b-blocking error|/grp/c-never pending|/ error" "entries after SIGINT"

# Without TMT_TEST_DATA nothing is written.
rm -rf "$data" && mkdir "$data"
env -u TMT_TEST_DATA TMPDIR="$RUN_TMP" "$RUNNER" -d "$TREE" grp/a-quick >/dev/null 2>&1
assert_eq "$(entries "$data")" "" "files written without TMT_TEST_DATA"
# A directory that cannot be made: status 1, before anything runs.
touch "$SCRATCH/file"
TMT_TEST_DATA=$SCRATCH/file/data run_runner -d "$TREE" grp/a-quick
assert_eq "$RC" 1 "exit status with a bad TMT_TEST_DATA"
assert_contains "$ERR" "$SCRATCH/file/data"
assert_not_contains "$OUT" "Running test"
assert_tmp_clean
echo ok
