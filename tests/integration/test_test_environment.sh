#!/bin/bash
# TestEnvironment= adds to the inherited environment and overrides inherited values.
source "$(dirname "$0")/lib.sh"

make_test grp/env.test session "sh -c 'env > $SCRATCH/env.txt'" \
    "TestEnvironment=IT_NEW=hello;IT_OVERRIDDEN=inner;IT_SPACES=two words;"

# A HOME of our own, so the check does not depend on the caller having one.
export HOME=$SCRATCH/home IT_OVERRIDDEN=outer IT_UNTOUCHED=kept
# Inheritance as such: run as root, root's HOME and PATH would be replaced (test_identity.sh).
keep_identity=()
if [[ $(id -u) == 0 ]]; then keep_identity=(--as-root); fi
run_runner -d "$TREE" "${keep_identity[@]}"
assert_eq "$RC" 0 "exit status"
env=$SCRATCH/env.txt
[[ -f $env ]] || fail "test did not run"
assert_line "$env" "PATH=$PATH"
assert_line "$env" "HOME=$HOME"
assert_line "$env" "IT_UNTOUCHED=kept"
assert_line "$env" "IT_NEW=hello"
assert_line "$env" "IT_SPACES=two words"
assert_line "$env" "IT_OVERRIDDEN=inner"
assert_not_contains "$env" "IT_OVERRIDDEN=outer"
assert_tmp_clean
echo ok
