#!/bin/bash
# Each kind of malformed .test file is a failed test naming the file and the problem;
# the good tests beside them still run and pass.
source "$(dirname "$0")/lib.sh"

make_test good/pass.test session true
# Optional keys, a comment and another group do not make a file malformed.
make_raw_test good/optional.test "# a comment" "[Test]" "Type=session" \
    "Exec=sh -c 'echo 1..1; echo ok 1'" "Output=TAP" \
    "Description=Has every optional key" "TestEnvironment=A=1;" "" "[Extra]" "Key=value"
make_raw_test bad/not-keyfile.test "this is not a keyfile"
make_raw_test bad/no-group.test "[Other]" "Type=session" "Exec=true"
make_raw_test bad/no-exec.test "[Test]" "Type=session"
make_raw_test bad/empty-exec.test "[Test]" "Type=session" "Exec="
make_raw_test bad/bad-quoting.test "[Test]" "Type=session" "Exec=sh -c 'x"
make_raw_test bad/no-type.test "[Test]" "Exec=true"
make_raw_test bad/unknown-type.test "[Test]" "Type=bogus" "Exec=true"
make_raw_test bad/env-no-equals.test "[Test]" "Type=session" "Exec=true" "TestEnvironment=A=1;NOEQUALS;"
bad_names=(not-keyfile no-group no-exec empty-exec bad-quoting no-type unknown-type env-no-equals)

run_runner -d "$TREE"
assert_eq "$RC" 2 "exit status"
assert_line "$OUT" "PASS: good/pass.test"
assert_line "$OUT" "PASS: good/optional.test"
for b in "${bad_names[@]}"; do
    prefix="FAIL: bad/$b.test ($TREE/installed-tests/bad/$b.test: "
    # The result line and its repetition after SUMMARY, each with a non-empty reason.
    n=$(grep -cF -- "$prefix" "$OUT" || true)
    assert_eq "$n" 2 "lines starting with '$prefix'"
    grep -F -- "$prefix" "$OUT" | grep -qvE ': \)$|[^)]$' || fail "no reason given for bad/$b.test"
done
grep -qE "^SUMMARY: total=10; passed=2; skipped=0; failed=8;" "$OUT" || fail "wrong SUMMARY"
assert_tmp_clean
echo ok
