#!/bin/bash
# Output=TAP tests are judged by their TAP as well as their exit status: a "not ok" fails the
# test even when it exits 0 (gnome-desktop-testing-runner passes it), and the reason names it.
source "$(dirname "$0")/lib.sh"

shared=$(dirname "$0")/../../../shared/data/tap-fixtures/real-installed-tests
[[ -d $shared ]] || fail "shared TAP fixtures not found at $shared"
# Read from the scratch directory: the shared ones may sit where the test user cannot go (under
# root's home, or in /tmp, which tests run by root do not share).
real=$SCRATCH/fixtures
mkdir "$real"
cp "$shared"/glib-2.74.6-installed-utils.tap "$shared"/glib-2.74.6-installed-fileutils-bailout-as-root.tap "$real"/
real=$(realpath "$real")

make_test tap/notok.test session "sh -c 'echo 1..2; echo ok 1 /a; echo not ok 2 /b'" "Output=TAP"
make_test plain/notok.test session "sh -c 'echo 1..2; echo ok 1 /a; echo not ok 2 /b'"
make_test tap/skipall.test session "sh -c 'echo \"1..0 # SKIP no display\"'" "Output=TAP"
make_test tap/short.test session "sh -c 'echo 1..3; echo ok 1'" "Output=TAP"
make_test tap/glib-utils.test session "cat $real/glib-2.74.6-installed-utils.tap" "Output=TAP"
make_test tap/glib-bailout.test session \
    "cat $real/glib-2.74.6-installed-fileutils-bailout-as-root.tap" "Output=TAP"

run_runner -d "$TREE" --order=name
assert_eq "$RC" 2 "exit status"
assert_line "$OUT" "FAIL: tap/notok.test (1 of 2 subtests failed: /b)"
grep -A1 -xF "FAIL: tap/notok.test (1 of 2 subtests failed: /b)" "$OUT" | grep -qxF "  not ok: /b" \
    || fail "the failed subtest is not listed under the FAIL line"
assert_line "$OUT" "PASS: plain/notok.test"
assert_line "$OUT" "SKIP: tap/skipall.test (no display)"
assert_line "$OUT" "FAIL: tap/short.test (planned 3, ran 1)"
assert_line "$OUT" "PASS: tap/glib-utils.test"
grep -qE '^FAIL: tap/glib-bailout.test \(bailed out: GLib:ERROR:.*test_mkdir_with_parents' "$OUT" \
    || fail "bail out not reported"
grep -qE '^SUMMARY: total=6; passed=2; skipped=1; failed=3;' "$OUT" || fail "wrong SUMMARY"
assert_tmp_clean
echo ok
