#!/bin/bash
# Positional arguments select by name prefix, -x/--exclude drops names matching a regex
# anywhere in the name; both apply to --list and to a run. A bad regex is an error.
source "$(dirname "$0")/lib.sh"

for t in a/one a/two ab/three b/four b/five; do make_test "$t.test" session true; done

assert_listed() { # assert_listed "EXPECTED NAMES" ARGS...: --list ARGS prints those names
    local want=$1
    shift
    run_runner -d "$TREE" --list "$@"
    assert_eq "$RC" 0 "exit status of --list $*"
    assert_eq "$(sed 's/ (.*)$//' "$OUT" | sort | xargs)" "$want" "names listed by --list $*"
}
assert_listed "a/one.test a/two.test" a/
assert_listed "a/one.test a/two.test ab/three.test" a
assert_listed "a/one.test b/five.test b/four.test" a/one b/
assert_listed "a/two.test ab/three.test b/five.test b/four.test" -x one
assert_listed "a/two.test ab/three.test" -x one --exclude='^b/'
# Unanchored search, with regex syntax.
assert_listed "a/one.test b/five.test b/four.test" -x 't[wh]'
assert_listed "a/one.test a/two.test" a -x three
assert_listed "" nomatch

# The same selection when running: only the selected tests start.
run_runner -d "$TREE" a b/f -x two
assert_eq "$RC" 0 "exit status of a run with a selection"
assert_eq "$(started_order | sort | tr '\n' ' ')" "a/one.test ab/three.test b/five.test b/four.test " "tests run"
grep -qE '^SUMMARY: total=4; passed=4;' "$OUT" || fail "wrong SUMMARY"

# -p before a prefix stands alone (one test per CPU): the prefix is not taken as its value.
run_runner -d "$TREE" -p b/
assert_eq "$RC" 0 "exit status of -p b/"
assert_eq "$(started_order | sort | xargs)" "b/five.test b/four.test" "tests run with -p b/"
run_runner -d "$TREE" -p 2 b/f
assert_eq "$(started_order | sort | xargs)" "b/five.test b/four.test" "tests run with -p 2 b/f"

assert_exit 1 gtr -d "$TREE" -x '('
[[ -s $ERR ]] || fail "no message for an invalid regex"
assert_not_contains "$OUT" "Running test:"
assert_exit 1 gtr -d "$TREE" --list --exclude='[a-'
[[ -s $ERR ]] || fail "no message for an invalid regex with --list"
assert_tmp_clean
echo ok
