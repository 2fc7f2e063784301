#!/bin/bash
# --retry and --repeat in every report file, each read by its consumer: a test failing its first
# run only is FLAKY (an ok TAP point with its runs in YAML, JUnit's flakyFailure and no failure,
# tmt's info), one failing every run has its runs counted and its earlier runs as JUnit
# rerunFailure elements; TAP::Parser (prove), xmllint with the Jenkins schema and tmt's schema
# accept the files. Each run has its own -L log (NAME.txt, NAME@2.txt...), and the reports
# name them. FLAKY does not fail a run with --retry, and does with --repeat (exit status 2).
source "$(dirname "$0")/lib.sh"
perl -MTAP::Parser -e 1 2>/dev/null || skip "Perl's TAP::Parser is not available"
command -v prove >/dev/null || skip "prove is not installed"
command -v xmllint >/dev/null || skip "xmllint is not installed (libxml2-utils)"
xsd=$(dirname "$0")/../../../shared/data/junit/jenkins-xunit-junit-10.xsd
schemas=$(dirname "$0")/../../../shared/data/tmt-schema
[[ -f $xsd ]] || skip "no JUnit schema at $xsd"
[[ -f $schemas/results.yaml ]] || skip "no tmt schema at $schemas"
/usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null \
    || skip "python3-jsonschema or python3-yaml is not installed"

# The tests count their runs in files of $STATE, which lib.sh's SCRATCH lets the test user
# (nobody, when the runner is root) write; /var/tmp is no test's private /tmp.
STATE=$SCRATCH/counters
mkdir "$STATE"
# flaky COUNTER: fails its first run, passes the others.
make_prog flaky 'n=$(($(cat "$COUNTER" 2>/dev/null || echo 0) + 1))
echo "$n" >"$COUNTER"
echo "flaky run $n"
[ "$n" -ge 2 ] || exit 1'
# flakytap COUNTER: TAP whose point /b fails on the first run only.
make_prog flakytap 'n=$(($(cat "$COUNTER" 2>/dev/null || echo 0) + 1))
echo "$n" >"$COUNTER"
echo "1..2"
echo "ok 1 /a"
if [ "$n" -ge 2 ]; then echo "ok 2 /b"; else echo "not ok 2 /b"; fi'
make_test grp/flaky.test session "$BIN/flaky" "TestEnvironment=COUNTER=$STATE/flaky;"
make_test grp/flakytap.test session "$BIN/flakytap" "TestEnvironment=COUNTER=$STATE/flakytap;" \
    "Output=TAP"
make_test grp/broken.test session "sh -c 'echo broken run; exit 3'"
make_test grp/pass.test session true

tap=$SCRATCH/tap.out
xml=$SCRATCH/junit.xml
logs=$SCRATCH/logs
data=$SCRATCH/tmt-data
mkdir "$data"
TMT_TEST_DATA=$data run_runner -d "$TREE" --order=name --retry=2 --tap --junit="$xml" -L "$logs"
cp "$OUT" "$tap"
assert_eq "$RC" 2 "exit status with a test failing every run"
assert_eq "$(cat "$STATE/flaky") $(cat "$STATE/flakytap")" "2 2" "runs of the flaky tests"

# Each run its own log: NAME.txt for the first, NAME@N.txt for the others; a test run once
# has one.
assert_eq "$(entries "$logs")" "grp_broken.test.txt grp_broken.test@2.txt grp_broken.test@3.txt grp_flaky.test.txt grp_flaky.test@2.txt grp_flakytap.test.txt grp_flakytap.test@2.txt grp_pass.test.txt" \
    "the log files"
assert_eq "$(cat "$logs/grp_flaky.test.txt")" "flaky run 1" "the log of the first run"
assert_eq "$(cat "$logs/grp_flaky.test@2.txt")" "flaky run 2" "the log of the second run"
assert_eq "$(cat "$logs/grp_broken.test@3.txt")" "broken run" "the log of the third run"

# TAP: TAP::Parser reads the stream without an error; FLAKY points pass, with their runs in
# the YAML block.
perl -MTAP::Parser -e '
    my ($logs) = @ARGV;
    my $p = TAP::Parser->new({ tap => do { local $/; <STDIN> } });
    my (%yaml, $last);
    while (my $r = $p->next) {
        $last = $r->description if $r->is_test;
        $yaml{$last} = $r->data if $r->is_yaml;
    }
    my @errors = $p->parse_errors;
    die "parse errors: @errors\n" if @errors;
    die "counts: " . join(" ", $p->tests_planned, $p->tests_run, scalar($p->failed)) . "\n"
        unless $p->tests_planned == 4 && $p->tests_run == 4 && $p->failed == 1
            && ($p->failed)[0] == 1;
    my $f = $yaml{"- grp/flaky.test"} or die "no YAML block for grp/flaky.test\n";
    die "flaky: $f->{outcome} $f->{runs} $f->{failed_runs}\n"
        unless $f->{outcome} eq "FLAKY" && $f->{runs} == 2 && $f->{failed_runs} == 1;
    my ($run) = @{$f->{failures}};
    die "flaky failure: $run->{run} $run->{reason} $run->{log}\n"
        unless $run->{run} == 1 && $run->{outcome} eq "FAIL"
            && $run->{reason} eq "exited with status 1"
            && $run->{log} eq "$logs/grp_flaky.test.txt";
    my $b = $yaml{"- grp/broken.test"} or die "no YAML block for grp/broken.test\n";
    die "broken: $b->{outcome} $b->{runs} $b->{failed_runs}\n"
        unless $b->{outcome} eq "FAIL" && $b->{runs} == 3 && $b->{failed_runs} == 3
            && @{$b->{failures}} == 3 && $b->{failures}[2]{log} eq "$logs/grp_broken.test\@3.txt";
    die "flakytap: $yaml{q(- grp/flakytap.test)}{outcome}\n"
        unless $yaml{"- grp/flakytap.test"}{outcome} eq "FLAKY";
    die "a block for grp/pass.test\n" if $yaml{"- grp/pass.test"};
' "$logs" <"$tap" 2>"$SCRATCH/perl.err" || fail "the TAP stream: $(cat "$SCRATCH/perl.err")"
assert_line "$tap" "ok 2 - grp/flaky.test"
assert_line "$tap" "not ok 1 - grp/broken.test"

# JUnit: valid against the Jenkins schema; FLAKY tests are no failures.
xmllint --noout --schema "$xsd" "$xml" 2>"$SCRATCH/xmllint.err" \
    || fail "the JUnit file is not valid: $(cat "$SCRATCH/xmllint.err")"
/usr/bin/python3 - "$xml" "$logs" <<'PY' || fail "the JUnit file does not hold the runs"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
logs = sys.argv[2]
assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "1", "0"), root.attrib
suites = {s.get("name"): s for s in root.findall("testsuite")}

def props(name):
    found = {}
    for p in suites[name].findall("properties/property"):
        found.setdefault(p.get("name"), []).append(p.get("value"))
    return found

flaky = suites["grp/flaky.test"]
assert flaky.get("failures") == "0" and not flaky.findall(".//failure"), ET.tostring(flaky)
(case,) = flaky.findall("testcase")
(ff,) = case.findall("flakyFailure")
assert (ff.get("type"), ff.get("message")) == ("FAIL", "run 1: exited with status 1"), ff.attrib
assert ff.find("system-out").text == "flaky run 1\n", ff.find("system-out").text
p = props("grp/flaky.test")
assert (p["outcome"], p["runs"], p["failed_runs"]) == (["flaky"], ["2"], ["1"]), p
assert p["log"] == [f"{logs}/grp_flaky.test.txt", f"{logs}/grp_flaky.test@2.txt"], p

# A FLAKY TAP test: its points (the last run's, all passed) and a testcase for its failed run.
tap = suites["grp/flakytap.test"]
assert [c.get("name") for c in tap.findall("testcase")] == ["/a", "/b", "grp/flakytap.test"]
assert tap.get("failures") == "0" and tap.get("tests") == "3", tap.attrib
(ff,) = tap.findall("testcase/flakyFailure")
assert ff.get("message").startswith("run 1: ") and "/b" in ff.get("message"), ff.attrib

broken = suites["grp/broken.test"]
(case,) = broken.findall("testcase")
assert [c.tag for c in case] == ["failure", "rerunFailure", "rerunFailure", "system-out"], list(case)
assert [r.get("message") for r in case.findall("rerunFailure")] == \
    ["run 1: exited with status 3", "run 2: exited with status 3"], ET.tostring(case)
assert case.find("rerunFailure/system-out").text == "broken run\n"
p = props("grp/broken.test")
assert (p["outcome"], p["runs"], p["failed_runs"]) == (["fail"], ["3"], ["3"]), p
assert len(p["log"]) == 3 and p["log"][2].endswith("grp_broken.test@3.txt"), p

p = props("grp/pass.test")
assert (p["runs"], p["failed_runs"], p["log"]) == (["1"], ["0"], [f"{logs}/grp_pass.test.txt"]), p
PY

# tmt: valid against tmt's schema, its logs there; FLAKY is info, with its runs in notes.
/usr/bin/python3 "$(dirname "$0")/check_tmt_results.py" "$schemas" "$data" >"$SCRATCH/seen" \
    || fail "results.yaml is not what tmt accepts"
assert_eq "$(grep -v // "$SCRATCH/seen" | paste -sd '|')" \
    "/grp/broken fail|/grp/flaky info|/grp/flakytap info|/grp/pass pass|/ fail" "tmt results"
/usr/bin/python3 - "$data/results.yaml" <<'PY' || fail "results.yaml does not hold the runs"
import sys, yaml
results = {r["name"]: r for r in yaml.safe_load(open(sys.argv[1]))}
flaky = results["/grp/flaky"]
assert flaky["log"] == ["../logs/grp_flaky.test.txt", "../logs/grp_flaky.test@2.txt"], flaky
assert flaky["note"][:3] == ["FLAKY: failed 1 of 2 runs, first: exited with status 1",
                             "runs=2; failed_runs=1", "run 1: FAIL: exited with status 1"], flaky
broken = results["/grp/broken"]
assert [n for n in broken["note"] if n.startswith("run")] == \
    ["runs=3; failed_runs=3"] + [f"run {n}: FAIL: exited with status 3" for n in (1, 2, 3)], broken
assert [l.rsplit("/", 1)[1] for l in broken["log"]] == \
    ["grp_broken.test.txt", "grp_broken.test@2.txt", "grp_broken.test@3.txt"], broken
assert "runs=1" not in " ".join(results["/grp/pass"].get("note", [])), results["/grp/pass"]
assert "flaky=2 (of the passed)" in results["/"]["note"], results["/"]
PY

# With --retry, FLAKY tests pass the run, and prove agrees.
rm -f "$TREE/installed-tests/grp/broken.test" "$STATE"/*
rm -rf "$data" && mkdir "$data"
TMT_TEST_DATA=$data run_runner -d "$TREE" --retry=1 --tap
assert_eq "$RC" 0 "exit status with --retry and FLAKY tests"
prove --exec cat "$OUT" >"$SCRATCH/prove.out" 2>&1 || fail "prove: $(cat "$SCRATCH/prove.out")"
assert_contains "$SCRATCH/prove.out" "Result: PASS"
assert_eq "$(grep '^/ ' <(/usr/bin/python3 "$(dirname "$0")/check_tmt_results.py" "$schemas" "$data"))" \
    "/ pass" "the run's tmt entry with --retry"

# With --repeat, every test runs N times, and a FLAKY one fails the run.
rm -f "$STATE"/*
rm -rf "$logs" "$data" && mkdir "$data"
TMT_TEST_DATA=$data run_runner -d "$TREE" --order=name --repeat=3 --junit="$xml" -L "$logs" grp/flaky.test grp/pass.test
assert_eq "$RC" 2 "exit status with --repeat and a FLAKY test"
assert_eq "$(cat "$STATE/flaky")" 3 "runs of grp/flaky.test with --repeat=3"
assert_eq "$(entries "$logs")" "grp_flaky.test.txt grp_flaky.test@2.txt grp_flaky.test@3.txt grp_pass.test.txt grp_pass.test@2.txt grp_pass.test@3.txt" \
    "the log files with --repeat=3"
xmllint --noout --schema "$xsd" "$xml" 2>"$SCRATCH/xmllint.err" \
    || fail "the JUnit file with --repeat is not valid: $(cat "$SCRATCH/xmllint.err")"
/usr/bin/python3 - "$xml" <<'PY' || fail "the JUnit file with --repeat does not hold the runs"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
props = {s.get("name"): {p.get("name"): p.get("value") for p in s.findall("properties/property")}
         for s in root.findall("testsuite")}
assert (props["grp/flaky.test"]["runs"], props["grp/flaky.test"]["failed_runs"]) == ("3", "1"), props
assert (props["grp/pass.test"]["runs"], props["grp/pass.test"]["failed_runs"]) == ("3", "0"), props
assert len(root.findall(".//flakyFailure")) == 1 and root.get("failures") == "0", root.attrib
PY
/usr/bin/python3 "$(dirname "$0")/check_tmt_results.py" "$schemas" "$data" >"$SCRATCH/seen" \
    || fail "results.yaml with --repeat is not what tmt accepts"
assert_eq "$(paste -sd '|' "$SCRATCH/seen")" "/grp/flaky info|/grp/pass pass|/ fail" \
    "tmt results with --repeat"
assert_tmp_clean
echo ok
