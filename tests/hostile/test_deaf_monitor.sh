#!/bin/bash
# A test run as root floods its monitor, pid 1 of its namespace, with SIGTERM: a signal pending
# at once is one, so the runner's stop could be lost and the run wait forever. The runner kills
# a monitor that has not ended its test within the grace period and a margin: the run ends,
# each test timed out. (A flood loses the runner's signal now and then,
# so several run at once.)
source "$(dirname "$0")/../integration/lib.sh"

[[ $(id -u) == 0 ]] || skip "only a test run as root may signal its monitor"
for i in 1 2 3 4; do
    make_test "grp/flood$i.test" session "sh -c 'while :; do kill -TERM 1; done'"
done

start=$(now_ms)
# Bounded: timeout 2 s, grace 1 s, then at most the 10 s margin for a deaf monitor.
RC=0
TMPDIR=$RUN_TMP timeout -k 5 60 "$RUNNER" -d "$TREE" --as-root -p 4 --timeout=2 --kill-grace=1 \
    --display=none --bus=none --private-pids=yes >"$OUT" 2>"$ERR" </dev/null || RC=$?
[[ $RC != 124 && $RC != 137 ]] || fail "the run did not end within 60 s of flooding tests"
assert_eq "$RC" 2 "exit status"
elapsed=$(($(now_ms) - start))
for i in 1 2 3 4; do
    assert_line "$OUT" "FAIL: grp/flood$i.test (timed out after 2 s)"
done
echo "the run took $elapsed ms; monitors killed: $(grep -c 'its monitor did not end it' "$OUT" || true)"
assert_tmp_clean
echo ok
