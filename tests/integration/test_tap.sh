#!/bin/bash
# --tap: stdout is one TAP stream that Perl's TAP::Parser (prove) accepts with no error, whose
# plan holds and whose counts agree with the console SUMMARY (on stderr with the other console
# lines): for every outcome, a timeout and a bad .test file included, with the points of an
# Output=TAP test nested as a TAP 14 subtest; and after SIGINT, a point for every test of the
# plan, those that never ran included.
source "$(dirname "$0")/lib.sh"

perl -MTAP::Parser -e 1 2>/dev/null || skip "Perl's TAP::Parser is not available"

# tap_counts FILE: "planned run passed failed skipped unknown errors bailed" as TAP::Parser
# sees FILE; every parse error is printed.
tap_counts() {
    perl -MTAP::Parser -e '
        my $p = TAP::Parser->new({ tap => do { local $/; <STDIN> } });
        my ($unknown, $bailed) = (0, 0);
        while (my $r = $p->next) { $unknown++ if $r->is_unknown; $bailed++ if $r->is_bailout }
        my @errors = $p->parse_errors;
        print STDERR "parse error: $_\n" for @errors;
        printf "%d %d %d %d %d %d %d %d\n", $p->tests_planned, $p->tests_run,
            scalar($p->passed), scalar($p->failed), scalar($p->skipped), $unknown,
            scalar(@errors), $bailed;
    ' <"$1"
}

# summary_counts FILE: "total passed skipped failed" from the SUMMARY line in FILE.
summary_counts() {
    local summary
    summary=$(grep -E '^SUMMARY( \(incomplete\))?: ' "$1") || fail "no SUMMARY in $1"
    [[ $summary =~ total=([0-9]+)\;\ passed=([0-9]+)\;\ skipped=([0-9]+)\;\ failed=([0-9]+) ]] \
        || fail "bad SUMMARY: $summary"
    echo "${BASH_REMATCH[*]:1}"
}

make_test grp/pass.test session true
make_test grp/pass2.test session "sh -c 'echo noise on stdout; echo noise on stderr >&2'"
make_test grp/skip.test session "sh -c 'exit 77'"
make_test grp/fail.test session "sh -c 'echo \"# not a comment\"; echo not ok 99; exit 3'"
make_test grp/signal.test session "sh -c 'kill -SEGV \$\$'"
make_test grp/noexec.test session "/nonexistent/prog"
make_test grp/hang.test session "sleep 100"
make_test grp/tap.test session \
    "printf '1..4\nok 1 /a\nnot ok 2 /b # a \\\\# sign\nok 3 /c # SKIP no fuse\nnot ok 4 /d # TODO later\n'" \
    "Output=TAP"
make_raw_test grp/malformed.test "[Test]" "Type=bogus" "Exec=true"

run_runner -d "$TREE" --tap --timeout=1 --kill-grace=0.2
assert_eq "$RC" 2 "exit status"
assert_eq "$(head -n 1 "$OUT")" "TAP version 13" "first line"
# Console lines, test output and the summary are not on stdout...
for s in "Running test:" "PASS:" "FAIL:" "SUMMARY" "noise" "not ok 99"; do assert_not_contains "$OUT" "$s"; done
# ...but on stderr.
assert_contains "$ERR" "PASS: grp/pass.test"
read -r s_total s_passed s_skipped s_failed < <(summary_counts "$ERR")
assert_eq "$s_total $s_passed $s_skipped $s_failed" "9 2 1 6" "SUMMARY counts"

read -r planned run passed failed skipped unknown errors bailed < <(tap_counts "$OUT")
assert_eq "$errors" 0 "TAP parse errors"
assert_eq "$planned" "$s_total" "TAP plan"
assert_eq "$run" "$s_total" "TAP tests run"
# For TAP a skipped test is a passed one.
assert_eq "$passed" $((s_passed + s_skipped)) "TAP passed"
assert_eq "$failed" "$s_failed" "TAP failed"
assert_eq "$skipped" "$s_skipped" "TAP skipped"
assert_eq "$bailed" 0 "Bail out! lines"
# The only lines a TAP 13 parser cannot place are the nested subtest's: its plan and 4 points.
assert_eq "$unknown" 5 "lines TAP::Parser does not know"
# Each name appears in exactly one test line.
for t in pass pass2 skip fail signal noexec hang tap malformed; do
    assert_eq "$(grep -cE "^(not )?ok [0-9]+ - grp/$t\.test( |$)" "$OUT")" 1 "TAP lines for grp/$t.test"
done
# The subtest comes right before its test's point, indented by four spaces, escapes kept.
grep -A6 -xF '# Subtest: grp/tap.test' "$OUT" >"$SCRATCH/subtest"
assert_eq "$(sed -n 2,6p "$SCRATCH/subtest" | paste -sd '|')" \
    "    1..4|    ok 1 - /a|    not ok 2 - /b|    ok 3 - /c # SKIP no fuse|    not ok 4 - /d # TODO later" \
    "the nested subtest"
grep -qE '^not ok [0-9]+ - grp/tap\.test$' <(sed -n 7p "$SCRATCH/subtest") \
    || fail "the subtest is not closed by its test's point"
# A failure has a YAML block with its outcome, reason, exit status and duration.
grep -A6 -E '^not ok [0-9]+ - grp/hang\.test$' "$OUT" >"$SCRATCH/yaml"
assert_eq "$(sed -n 2,3p "$SCRATCH/yaml" | paste -sd '|')" '  ---|  outcome: TIMEOUT' "timeout YAML"
assert_contains "$SCRATCH/yaml" '  reason: "timed out after 1 s"'
assert_contains "$SCRATCH/yaml" '  duration_ms: '
grep -A6 -E '^not ok [0-9]+ - grp/fail\.test$' "$OUT" | grep -qx '  exit_status: 3' \
    || fail "no exit status in the YAML block of grp/fail.test"
grep -A6 -E '^not ok [0-9]+ - grp/malformed\.test$' "$OUT" | grep -qx '  outcome: ERROR' \
    || fail "no ERROR outcome for the bad .test file"
# prove, the consumer itself, reads the stream and fails the run.
prove_out=$(prove -v --exec cat "$OUT" 2>&1) && fail "prove accepted a failed run"
grep -qE "Failed 6/9 subtests" <<<"$prove_out" || fail "prove did not count 6 failures: $prove_out"

# SIGINT while the second of four tests runs (-p 1, in name order): the first passed, the
# second is interrupted, the last two never ran. Each gets its point, the plan holds, and the
# stream ends with Bail out!.
rm -f "$TREE"/installed-tests/grp/*.test
make_test grp/d-never.test session true
interrupted_run --tap
assert_eq "$RC" 130 "exit status after SIGINT"
read -r s_total s_passed s_skipped s_failed < <(summary_counts "$ERR")
assert_eq "$s_total $s_passed $s_skipped $s_failed" "4 1 0 1" "SUMMARY (incomplete) counts"
read -r planned run passed failed skipped unknown errors bailed < <(tap_counts "$OUT")
assert_eq "$errors" 0 "TAP parse errors after SIGINT"
assert_eq "$planned $run" "4 4" "plan and points after SIGINT"
assert_eq "$failed" "$s_failed" "TAP failed after SIGINT"
not_run=$((s_total - s_passed - s_skipped - s_failed))
assert_eq "$skipped" $((s_skipped + not_run)) "TAP skipped: the tests not run"
assert_eq "$passed" $((s_passed + s_skipped + not_run)) "TAP passed after SIGINT"
assert_eq "$bailed" 1 "Bail out! lines after SIGINT"
assert_line "$OUT" "ok 3 - grp/c-never.test # SKIP not run: interrupted by SIGINT"
assert_line "$OUT" "ok 4 - grp/d-never.test # SKIP not run: interrupted by SIGINT"
assert_eq "$(tail -n 1 "$OUT")" "Bail out! interrupted by SIGINT" "last line"
assert_tmp_clean
echo ok
