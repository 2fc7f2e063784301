#!/bin/bash
# A backtrace in every report: a --json file whose crashed test has one (as a run writes it, a
# function name holding an ESC and a U+2028), merged. The console shows it under a heading
# before the output, escaped; JUnit has it in the <failure>, valid against Jenkins' schema; the
# TAP stream has it as a YAML block that prove and PyYAML read; tmt lists it as a log of its
# own, valid against tmt's schema; and --json writes the record as it was.
source "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "python3 is not installed"

export TMT_TEST_DATA=$SCRATCH/tmt
mkdir -p "$TMT_TEST_DATA/logs"
echo "working" >"$TMT_TEST_DATA/logs/grp_crash.test.txt"
backtrace='{"source":"core","took_ms":250,"core_bytes":2150000,"processes":[{"pid":42,'
backtrace+='"command":"/bin/crash","threads":[{"tid":43,"name":"worker","crashed":true,"frames":['
backtrace+='{"address":"0x401000","function":"explode\u001b[2J\u2028evil: 1","file":"crash.c",'
backtrace+='"line":7,"module":"/bin/crash"},{"address":"0x7f0a2c3e0abc","module":"/lib/libc.so.6"}]}]}]}'
printf '%s\n%s\n' \
    '{"record":"test","name":"grp/crash.test","outcome":"fail","reason":"killed by SIGSEGV","signal":"SIGSEGV","output_tail":"working\n","output_bytes":8,"log":"'"$TMT_TEST_DATA"'/logs/grp_crash.test.txt","backtrace":'"$backtrace"'}' \
    '{"record":"summary","complete":true}' >"$SCRATCH/run.json"
merged=$SCRATCH/merged.json
xml=$SCRATCH/merged.xml
run_runner --merge="$SCRATCH/run.json" --junit="$xml" --tap --json="$merged"
unset TMT_TEST_DATA
assert_eq "$RC" 2 "exit status of the merge with a crashed test"

# The console (on stderr beside the TAP stream): after the FAIL line, before the output, the
# ESC escaped (a U+2028 is no control to a terminal).
python3 - "$ERR" <<'PY' || fail "the console does not show the backtrace as expected"
import sys
text = open(sys.argv[1], encoding="utf-8").read()
want = ("FAIL: grp/crash.test (killed by SIGSEGV)\n"
        "  Backtrace of grp/crash.test from its core (2.1 MB, not kept):\n"
        "  process 42 (/bin/crash): 1 thread\n"
        "    thread 43 (worker), crashed:\n"
        "      #0  explode\\x1b[2J\u2028evil: 1 at crash.c:7 (/bin/crash)\n"
        "      #1  0x00007f0a2c3e0abc (/lib/libc.so.6)\n"
        "  | working\n")
assert want in text, text
assert "\x1b" not in text
PY

# JUnit: valid, the backtrace in the failure, before the output.
xsd=$(dirname "$0")/../../../shared/data/junit/jenkins-xunit-junit-10.xsd
if command -v xmllint >/dev/null && [[ -f $xsd ]]; then
    xmllint --noout --schema "$xsd" "$xml" 2>"$SCRATCH/xmllint.err" ||
        fail "JUnit file not valid: $(cat "$SCRATCH/xmllint.err")"
fi
python3 - "$xml" <<'PY' || fail "the JUnit file does not hold the backtrace"
import sys, xml.etree.ElementTree as ET
case = ET.parse(sys.argv[1]).getroot().find("testsuite/testcase")
failure = case.find("failure")
assert failure.text.startswith("process 42 (/bin/crash): 1 thread\n"), failure.text
assert "#0  explode\\x1b[2J\u2028evil: 1 at crash.c:7" in failure.text, failure.text
assert case.find("system-out").text == "working\n"
PY

# TAP: prove reads it; the block, read by PyYAML, is the text with its controls escaped, and
# the U+2028 added no key.
if command -v prove >/dev/null; then
    prove_out=$(prove -v --exec cat "$OUT" 2>&1) && fail "prove accepted a failed run: $prove_out"
    grep -q "Failed 1/1 subtests" <<<"$prove_out" || fail "prove did not count 1 failure: $prove_out"
    ! grep -q "Parse errors" <<<"$prove_out" || fail "prove: $prove_out"
fi
if python3 -c 'import yaml' 2>/dev/null; then
    python3 - "$OUT" <<'PY' || fail "PyYAML does not read the TAP stream's YAML block as expected"
import re, sys, yaml
text = open(sys.argv[1], encoding="utf-8").read()
block = re.search(r"\n  ---\n(.*?)\n  \.\.\.\n", text, re.S).group(1)
data = yaml.safe_load("\n".join(line[2:] for line in block.split("\n")))
assert "evil" not in data, data
assert data["backtrace"].startswith(
    "process 42 (/bin/crash): 1 thread\n  thread 43 (worker), crashed:\n"
    "    #0  explode\\x1b[2J\\xe2\\x80\\xa8evil: 1 at crash.c:7 (/bin/crash)\n"), data
PY
fi

# tmt: the backtrace a log of its own after the output's, both there; valid.
schemas=$(dirname "$0")/../../../shared/data/tmt-schema
results=$SCRATCH/tmt/results.yaml
assert_contains "$results" '    - "logs/grp_crash.test.txt"'
assert_contains "$results" '    - "logs/grp_crash.test.backtrace.txt"'
assert_contains "$SCRATCH/tmt/logs/grp_crash.test.backtrace.txt" "    #1  0x00007f0a2c3e0abc (/lib/libc.so.6)"
if [[ -f $schemas/results.yaml ]] && /usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null; then
    /usr/bin/python3 "$(dirname "$0")/check_tmt_results.py" "$schemas" "$SCRATCH/tmt" \
        >"$SCRATCH/tmt.seen" 2>&1 || fail "tmt results not valid: $(cat "$SCRATCH/tmt.seen")"
fi

# JSON: the record's backtrace as the run wrote it.
assert_eq "$(python3 -c 'import json, sys
print(json.dumps(json.loads(open(sys.argv[1]).readline())["backtrace"], sort_keys=True))' "$merged")" \
    "$(python3 -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1]), sort_keys=True))' "$backtrace")" \
    "the merged backtrace"
assert_tmp_clean
echo ok
