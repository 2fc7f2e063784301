#!/bin/bash
# Without its helper program the runner cannot start tests: it says which file is missing and
# exits 1 (the runner could not do its job) instead of failing every test.
source "$(dirname "$0")/lib.sh"

make_test grp/a.test session true
GINSTTEST_SPAWNER=/nonexistent/ginsttest-spawner run_runner -d "$TREE"
assert_eq "$RC" 1 "exit status"
assert_contains "$ERR" "cannot start /nonexistent/ginsttest-spawner: No such file or directory"
assert_not_contains "$OUT" "Running test:"
echo ok
