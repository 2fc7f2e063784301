#!/bin/bash
# --junit=FILE: valid against Jenkins' JUnit schema (xmllint --schema) for every outcome, with a
# test printing invalid UTF-8 and control characters, the points of an Output=TAP test as
# testcases; a classname on every testcase; totals on the root; after SIGINT, the file is
# complete, says so, and lists the tests that never ran.
source "$(dirname "$0")/lib.sh"
command -v xmllint >/dev/null || skip "xmllint is not installed (libxml2-utils)"
command -v python3 >/dev/null || skip "python3 is not installed"
xsd=${GINSTTEST_JUNIT_XSD:-$(dirname "$0")/../../../shared/data/junit/jenkins-xunit-junit-10.xsd}
if [[ ! -f $xsd ]]; then
    # Installed, the schema is not at hand (it is shared test data, not ours to ship): the XML
    # must still be well-formed and hold what is checked below.
    [[ ${GINSTTEST_IT_INSTALLED:-} == 1 ]] || skip "no JUnit schema at $xsd"
    echo "note: no JUnit schema at $xsd (GINSTTEST_JUNIT_XSD): well-formedness only" >&2
    xsd=
fi

# validate FILE: the schema accepts FILE (or, without one, xmllint reads it as XML).
validate() {
    xmllint --noout ${xsd:+--schema "$xsd"} "$1" 2>"$SCRATCH/xmllint.err" \
        || fail "$1 is not valid JUnit: $(cat "$SCRATCH/xmllint.err")"
}

make_test grp/pass.test session true
make_prog noisy "printf 'bad bytes \\377\\376, escape \\033[31mred\\033[0m, \\001\\002 <&> \"q\"\\n'; exit 3"
make_test grp/fail.test session "$BIN/noisy"
make_test grp/skip.test session "sh -c 'echo no display; exit 77'"
make_test grp/hang.test session "sleep 100"
make_test grp/tap.test session \
    "printf '1..4\nok 1 /a.b\nnot ok 2 /b\nok 3 /c # SKIP no fuse\nnot ok 4 /d # TODO later\n'" \
    "Output=TAP"
make_test grp/tapbad.test session "printf '1..3\nok 1 /only\n'" "Output=TAP"
make_raw_test grp/broken.test "[Test]" "Type=bogus" "Exec=true"
make_test $'grp/gtk-4.0 \xff.test' session true

xml=$SCRATCH/junit.xml
run_runner -d "$TREE" --timeout=1 --kill-grace=0.2 --junit="$xml"
assert_eq "$RC" 2 "exit status"
validate "$xml"
python3 - "$xml" <<'PY' || fail "the JUnit file does not hold what was expected"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites" and root.get("name") == "ginsttest-runner", root.attrib
suites = {s.get("name"): s for s in root.findall("testsuite")}
assert len(suites) == 8, sorted(suites)
cases = root.findall("testsuite/testcase")
assert all(c.get("classname") for c in cases), "a testcase without classname"
assert all(len(c.get("time").split(".")[1]) <= 3 for c in cases), "more than 3 decimals"
assert root.get("tests") == str(len(cases)), (root.attrib, len(cases))
failures = len(root.findall("testsuite/testcase/failure"))
errors = len(root.findall("testsuite/testcase/error"))
assert (root.get("failures"), root.get("errors")) == (str(failures), str(errors)), root.attrib

def only_case(name):
    (case,) = suites[name].findall("testcase")
    assert case.get("name") == name, case.attrib
    return case

assert list(only_case("grp/pass.test")) == []
fail = only_case("grp/fail.test")
assert fail.find("failure").get("message") == "exited with status 3"
out = fail.find("system-out").text
assert "bad bytes \ufffd\ufffd" in out and "\\x1b[31mred" in out and "\\x01\\x02 <&> \"q\"" in out, out
assert only_case("grp/skip.test").find("skipped") is not None
timeout = only_case("grp/hang.test").find("failure")
assert timeout.get("type") == "TIMEOUT" and "timed out" in timeout.get("message"), timeout.attrib
assert only_case("grp/broken.test").find("error").get("type") == "ERROR"
assert only_case("grp/gtk-4.0 \ufffd.test").get("classname") == "grp.gtk-4_0 \ufffd"

tap = suites["grp/tap.test"]
points = {c.get("name"): c for c in tap.findall("testcase")}
assert list(points) == ["/a.b", "/b", "/c", "/d"], list(points)
assert {c.get("classname") for c in points.values()} == {"grp.tap"}
assert points["/b"].find("failure") is not None and points["/b"].find("system-out") is not None
assert points["/c"].find("skipped").get("message") == "no fuse"
assert points["/d"].find("skipped").get("type") == "todo"
assert (tap.get("tests"), tap.get("failures"), tap.get("skipped")) == ("4", "1", "2"), tap.attrib
props = {p.get("name"): p.get("value") for p in tap.findall("properties/property")}
assert props["outcome"] == "fail" and props["exit_status"] == "0", props

# A TAP test failing on its plan, not on a point: a testcase for the whole test says why.
bad = {c.get("name"): c for c in suites["grp/tapbad.test"].findall("testcase")}
assert list(bad) == ["/only", "grp/tapbad.test"], list(bad)
assert "planned 3" in bad["grp/tapbad.test"].find("failure").get("message")
PY

# Interrupted: the file is still closed and valid; the root says the run is incomplete and
# the tests that never ran are there as skipped.
rm -f "$TREE"/installed-tests/grp/*.test
interrupted_run --junit="$xml"
assert_eq "$RC" 130 "exit status after SIGINT"
validate "$xml"
python3 - "$xml" <<'PY' || fail "the JUnit file of the interrupted run is wrong"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert "incomplete" in root.get("name") and "SIGINT" in root.get("name"), root.attrib
suites = {s.get("name"): s for s in root.findall("testsuite")}
assert list(suites) == ["grp/a-quick.test", "grp/b-blocking.test", "grp/c-never.test"], list(suites)
assert suites["grp/b-blocking.test"].find("testcase/error").get("type") == "INTERRUPTED"
skipped = suites["grp/c-never.test"].find("testcase/skipped")
assert skipped.get("message") == "not run: interrupted by SIGINT", skipped.attrib
PY

# A report that cannot be written (a full disk, stdout closed): the run goes on, the other
# reports are whole, and the runner says so and exits 1. The full disk is a small tmpfs,
# filled up, in a mount namespace of the runner's own (where one can be made).
rm -f "$TREE"/installed-tests/grp/b-blocking.test
if unshare -m --propagation private true 2>/dev/null; then
    full=$SCRATCH/full
    mkdir "$full"
    # shellcheck disable=SC2016 # expanded by the inner shell
    TMPDIR=$RUN_TMP unshare -m --propagation private sh -c '
        mount -t tmpfs -o size=16k tmpfs "$1" || exit 99
        dd if=/dev/zero of="$1/filler" bs=4k 2>/dev/null
        exec "$2" -d "$3" --junit="$1/r.xml"' sh "$full" "$RUNNER" "$TREE" \
        >"$OUT" 2>"$ERR" </dev/null && RC=0 || RC=$?
    assert_eq "$RC" 1 "exit status when the JUnit file cannot be written"
    assert_contains "$ERR" "ginsttest-runner: cannot write a report: --junit $full/r.xml: No space left on device"
    assert_contains "$OUT" "SUMMARY: total=2; passed=2;"
fi
# Not a regular file (a device, a FIFO): refused before anything runs, never waited on.
assert_exit 1 gtr -d "$TREE" --junit=/dev/full
assert_contains "$ERR" "--junit /dev/full is a character device, not a regular file"
assert_not_contains "$OUT" "Running test"
mkfifo "$SCRATCH/report.fifo"
assert_exit 1 timeout -k 5 30 env TMPDIR="$RUN_TMP" "$RUNNER" -d "$TREE" --junit="$SCRATCH/report.fifo"
assert_contains "$ERR" "--junit $SCRATCH/report.fifo is a FIFO, not a regular file"
TMPDIR=$RUN_TMP "$RUNNER" -d "$TREE" --tap --junit="$xml" >/dev/full 2>"$ERR" </dev/null && RC=0 || RC=$?
assert_eq "$RC" 1 "exit status when the TAP stream cannot be written"
assert_contains "$ERR" "cannot write a report: --tap: standard output: No space left on device"
validate "$xml"

# A file that cannot be created: status 1, before anything runs.
assert_exit 1 gtr -d "$TREE" --junit="$SCRATCH/no/such/dir/r.xml"
assert_contains "$ERR" "--junit $SCRATCH/no/such/dir/r.xml: No such file or directory"
assert_not_contains "$OUT" "Running test"
assert_tmp_clean
echo ok
