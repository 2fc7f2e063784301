#!/bin/bash
# -p 0 and -p without a value run one test per CPU at once: N = nproc tests meeting at
# a barrier pass; N + 1 tests cannot all be running at once, so that barrier fails.
source "$(dirname "$0")/lib.sh"

cpus=$(nproc)
((cpus > 1)) || skip "one CPU: a barrier cannot tell -p 0 from -p 1"

barrier=$SCRATCH/barrier
# Wait at most $BARRIER_WAIT s until $BARRIER_SIZE tests have arrived.
make_prog barrier "
touch $barrier/\$1
n=0
while [ \$(ls $barrier | wc -l) -lt \$BARRIER_SIZE ]; do
  n=\$((n + 1)); [ \$n -le \$((BARRIER_WAIT * 20)) ] || exit 1
  sleep 0.05
done"

setup() { # setup TESTS WAIT
    rm -rf "$barrier" "$TREE/installed-tests"
    mkdir -p "$barrier"
    for ((i = 1; i <= $1; i++)); do
        make_test "grp/t$i.test" session "$BIN/barrier t$i" "TestEnvironment=BARRIER_SIZE=$1;BARRIER_WAIT=$2;"
    done
}

setup "$cpus" 20
run_runner -d "$TREE" -p 0
assert_eq "$RC" 0 "exit status with -p 0 and $cpus tests"
setup "$cpus" 20
run_runner -p -d "$TREE"
assert_eq "$RC" 0 "exit status with -p alone and $cpus tests"

setup $((cpus + 1)) 2
run_runner -d "$TREE" -p 0
assert_eq "$RC" 2 "exit status with -p 0 and $((cpus + 1)) tests at a barrier"
assert_tmp_clean
echo ok
