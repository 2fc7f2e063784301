#!/bin/bash
# Bad command lines are runner errors: exit 1, a message on stderr, no test run.
source "$(dirname "$0")/lib.sh"

make_test grp/t.test session "touch $SCRATCH/ran"

for args in --status=maybe --order=bogus --no-such-option -Z --timeout=abc --parallel=abc \
    --kill-grace=abc --kill-grace=nan --seed=abc --output-lines=abc --display=xvfb --bus=maybe \
    --private-tmp=sometimes --exclusive-session=new; do
    assert_exit 1 gtr -d "$TREE" "$args"
    [[ -s $ERR ]] || fail "no message on stderr for $args"
    assert_not_contains "$OUT" "Running test:"
    [[ ! -e $SCRATCH/ran ]] || fail "a test ran despite $args"
done
# Valid values of the same options are accepted.
for args in --status=yes --status=no --status=auto --order=random --order=name --display=none \
    --bus=none --private-tmp=no --exclusive-session=shared --exclusive-session=fresh; do
    assert_exit 0 gtr -d "$TREE" "$args"
done
# --user and --as-root contradict each other.
assert_exit 1 gtr -d "$TREE" --as-root --user=nobody
assert_contains "$ERR" "--as-root and --user exclude each other"

assert_exit 0 gtr --version
[[ -s $OUT ]] || fail "--version printed nothing"
assert_exit 0 gtr --help
assert_contains "$OUT" "--log-directory"
assert_tmp_clean
echo ok
