#!/bin/bash
# --tap: stdout is a TAP 14 stream that a TAP parser accepts, agreeing with the console
# SUMMARY, which goes to stderr along with the other console lines.
source "$(dirname "$0")/lib.sh"

perl -MTAP::Parser -e 1 2>/dev/null || skip "Perl's TAP::Parser is not available"

make_test grp/pass.test session true
make_test grp/pass2.test session "sh -c 'echo noise on stdout; echo noise on stderr >&2'"
make_test grp/skip.test session "sh -c 'exit 77'"
make_test grp/fail.test session "sh -c 'echo \"# not a comment\"; echo not ok 99; exit 3'"
make_test grp/signal.test session "sh -c 'kill -SEGV \$\$'"
make_test grp/noexec.test session "/nonexistent/prog"
make_raw_test grp/malformed.test "[Test]" "Type=bogus" "Exec=true"

run_runner -d "$TREE" --tap
assert_eq "$RC" 2 "exit status"
assert_eq "$(head -n 1 "$OUT")" "TAP version 13" "first line"
# Console lines, test output and the summary are not on stdout...
for s in "Running test:" "PASS:" "FAIL:" "SUMMARY" "noise" "not ok 99"; do assert_not_contains "$OUT" "$s"; done
# ...but on stderr.
assert_contains "$ERR" "PASS: grp/pass.test"
summary=$(grep '^SUMMARY: ' "$ERR") || fail "no SUMMARY on stderr"
[[ $summary =~ total=([0-9]+)\;\ passed=([0-9]+)\;\ skipped=([0-9]+)\;\ failed=([0-9]+) ]] || fail "bad SUMMARY: $summary"
read -r s_total s_passed s_skipped s_failed <<<"${BASH_REMATCH[*]:1}"
assert_eq "$s_total $s_passed $s_skipped $s_failed" "7 2 1 4" "SUMMARY counts"

# The parser's view: Debian's TAP::Parser must find no error at all, and no line it cannot
# place ("unknown").
read -r planned run passed failed skipped unknown errors < <(perl -MTAP::Parser -e '
    my $p = TAP::Parser->new({ tap => do { local $/; <STDIN> } });
    my $unknown = 0;
    while (my $r = $p->next) { $unknown++ if $r->is_unknown }
    my @errors = $p->parse_errors;
    print STDERR "parse error: $_\n" for @errors;
    printf "%d %d %d %d %d %d %d\n", $p->tests_planned, $p->tests_run, scalar($p->passed),
        scalar($p->failed), scalar($p->skipped), $unknown, scalar(@errors);
' <"$OUT")
assert_eq "$errors" 0 "TAP parse errors"
assert_eq "$unknown" 0 "lines that are not TAP"
assert_eq "$planned" "$s_total" "TAP plan"
assert_eq "$run" "$s_total" "TAP tests run"
# For TAP a skipped test is a passed one.
assert_eq "$passed" $((s_passed + s_skipped)) "TAP passed"
assert_eq "$failed" "$s_failed" "TAP failed"
assert_eq "$skipped" "$s_skipped" "TAP skipped"
# Each name appears in exactly one test line.
for t in pass pass2 skip fail signal noexec malformed; do
    assert_eq "$(grep -cE "^(not )?ok [0-9]+ - grp/$t\.test( |$)" "$OUT")" 1 "TAP lines for grp/$t.test"
done
assert_tmp_clean
echo ok
