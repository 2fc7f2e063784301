#!/bin/bash
# Every kind of result gets its exact console line, and the exit status reflects them.
source "$(dirname "$0")/lib.sh"

make_test grp/pass.test session "sh -c 'echo quiet-when-passing'"
make_test grp/skip.test session "sh -c 'exit 77'"
make_test grp/fail.test session "sh -c 'echo hi; exit 3'"
make_test grp/signal.test session "sh -c 'kill -SEGV \$\$'"
make_test grp/noexec.test session "/nonexistent/prog"

# Without a core the signal's line is gdtr's; with one (the default where cores can be read: see
# test_backtrace_crash.sh) it adds ", core dumped". The core size limit is inherited then.
ulimit -S -c 0
run_runner -d "$TREE" --backtraces=no
assert_eq "$RC" 2 "exit status with failures"
head -n 1 "$OUT" | grep -qE '^Random order, seed [0-9]+ \(repeat it with --seed=[0-9]+\)$' \
    || fail "first line is not the seed line"
for t in pass skip fail signal noexec; do assert_line "$OUT" "Running test: grp/$t.test"; done
assert_line "$OUT" "PASS: grp/pass.test"
assert_line "$OUT" "SKIP: grp/skip.test"
assert_line "$OUT" "FAIL: grp/fail.test (exited with status 3)"
assert_line "$OUT" "FAIL: grp/signal.test (killed by SIGSEGV)"
assert_line "$OUT" "FAIL: grp/noexec.test (/nonexistent/prog: No such file or directory)"
# A failure is followed by the tail of its output; a pass shows none.
grep -A1 -xF "FAIL: grp/fail.test (exited with status 3)" "$OUT" | grep -qxF "  | hi" \
    || fail "output of grp/fail.test not printed after its FAIL line"
assert_not_contains "$OUT" "quiet-when-passing"
grep -qE '^SUMMARY: total=5; passed=1; skipped=1; failed=3; flaky=0; user=[0-9]+\.[0-9]s; system=[0-9]+\.[0-9]s; maxrss=[0-9]+$' "$OUT" \
    || fail "wrong SUMMARY line"
# After the summary, the FAIL lines again (and only those).
recap=$(sed -n '/^SUMMARY: /,$p' "$OUT" | tail -n +2 | sort)
assert_eq "$recap" "$(printf '%s\n' 'FAIL: grp/fail.test (exited with status 3)' \
    'FAIL: grp/noexec.test (/nonexistent/prog: No such file or directory)' \
    'FAIL: grp/signal.test (killed by SIGSEGV)' | sort)" "lines after SUMMARY"
# Not a terminal: no progress line, so no carriage returns or escape sequences.
! grep -q $'[\r\e]' "$OUT" || fail "progress line written to a pipe"
assert_tmp_clean

# Only passes and skips: exit 0.
rm "$TREE"/installed-tests/grp/{fail,signal,noexec}.test
run_runner -d "$TREE"
assert_eq "$RC" 0 "exit status with only pass and skip"
grep -qE '^SUMMARY: total=2; passed=1; skipped=1; failed=0;' "$OUT" || fail "wrong SUMMARY line"
assert_tmp_clean
echo "ok"
