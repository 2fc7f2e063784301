#!/bin/bash
# -p 2 runs two tests at the same time. Each test waits for the other at a barrier,
# so they can only pass together; run one after the other (-p 1), the first one gives up.
source "$(dirname "$0")/lib.sh"

barrier=$SCRATCH/barrier
# barrier ME OTHER: mark our arrival, then wait at most $BARRIER_WAIT s for the other.
make_prog barrier "
touch $barrier/\$1
n=0
while [ ! -e $barrier/\$2 ]; do
  n=\$((n + 1)); [ \$n -le \$((BARRIER_WAIT * 20)) ] || { echo \"\$2 never arrived\"; exit 1; }
  sleep 0.05
done"

setup() { # setup SECONDS: fresh markers, both tests waiting at most SECONDS
    rm -rf "$barrier"
    mkdir -p "$barrier"
    make_test grp/a.test session "$BIN/barrier a b" "TestEnvironment=BARRIER_WAIT=$1;"
    make_test grp/b.test session "$BIN/barrier b a" "TestEnvironment=BARRIER_WAIT=$1;"
}

setup 20
run_runner -d "$TREE" -p 2
assert_eq "$RC" 0 "exit status with -p 2"
assert_line "$OUT" "PASS: grp/a.test"
assert_line "$OUT" "PASS: grp/b.test"
assert_tmp_clean

# The control: serially, the first test waits in vain and fails; the second finds the
# first one's marker and passes.
setup 2
run_runner -d "$TREE" -p 1
assert_eq "$RC" 2 "exit status with -p 1"
grep -qE '^SUMMARY: total=2; passed=1; skipped=0; failed=1;' "$OUT" || fail "wrong SUMMARY with -p 1"
assert_tmp_clean
echo ok
