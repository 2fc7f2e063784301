#!/bin/bash
# --list prints NAME (ROOT), session tests then exclusive ones, each sorted by name, and
# runs nothing. Data dirs come from --dir or XDG_DATA_DIRS; for a name found under two
# roots the first root wins; --first-root keeps only the first data dir.
source "$(dirname "$0")/lib.sh"

r1=$SCRATCH/root1 r2=$SCRATCH/root2
ran=$SCRATCH/ran
# make_in ROOT NAME TYPE: a test that records "ROOT NAME" in $ran if it is ever run.
make_in() { TREE=$1 make_test "$2" "$3" "sh -c 'echo $(basename "$1") $2 >> $ran'"; }
make_in "$r1" b/two.test session
make_in "$r1" a/zed.test session-exclusive
make_in "$r1" a/one.test session
make_in "$r1" c/excl.test session-exclusive
make_in "$r1" dup.test session
make_in "$r2" dup.test session
make_in "$r2" other/deeper/three.test session
# Only *.test files are tests.
touch "$r1/installed-tests/README" "$r1/installed-tests/a/one.test.orig"

run_runner -d "$r1" -d "$r2" --list
assert_eq "$RC" 0 "exit status of --list"
expected="a/one.test ($r1/installed-tests)
b/two.test ($r1/installed-tests)
dup.test ($r1/installed-tests)
other/deeper/three.test ($r2/installed-tests)
a/zed.test ($r1/installed-tests)
c/excl.test ($r1/installed-tests)"
assert_eq "$(cat "$OUT")" "$expected" "--list output"
[[ ! -e $ran ]] || fail "--list ran tests: $(cat "$ran")"

# The other order of the roots: root2's dup.test wins. (Short and long spellings.)
run_runner -l --dir="$r2" --dir "$r1"
assert_line "$OUT" "dup.test ($r2/installed-tests)"
assert_eq "$(grep -c '^dup.test ' "$OUT")" 1 "dup.test entries"

# When running, the test from the first root is the one executed, once.
run_runner -d "$r1" -d "$r2" dup
assert_eq "$RC" 0 "exit status running dup.test"
assert_eq "$(cat "$ran")" "root1 dup.test" "which dup.test ran"
assert_tmp_clean

run_runner -d "$r1" -d "$r2" --first-root --list
assert_eq "$(sed 's/ (.*)$//' "$OUT" | xargs)" "a/one.test b/two.test dup.test a/zed.test c/excl.test" \
    "--first-root with --dir"
assert_not_contains "$OUT" "$r2"

# Without --dir, XDG_DATA_DIRS names the data dirs; one that does not exist is skipped.
XDG_DATA_DIRS=$SCRATCH/empty:$r2:$r1 run_runner --list
assert_eq "$RC" 0 "exit status of --list from XDG_DATA_DIRS"
assert_line "$OUT" "dup.test ($r2/installed-tests)"
assert_line "$OUT" "a/one.test ($r1/installed-tests)"
XDG_DATA_DIRS=$r2:$r1 run_runner --list --first-root
assert_eq "$(sed 's/ (.*)$//' "$OUT" | xargs)" "dup.test other/deeper/three.test" "--first-root with XDG_DATA_DIRS"

# XDG_DATA_DIRS unset means /usr/local/share:/usr/share; whatever is installed there, the
# listing must not come from anywhere else.
defaults=(/usr/local/share/installed-tests /usr/share/installed-tests)
RC=0
env -u XDG_DATA_DIRS TMPDIR="$RUN_TMP" "$RUNNER" --list >"$OUT" 2>"$ERR" || RC=$?
if [[ -d ${defaults[0]} || -d ${defaults[1]} ]]; then
    assert_eq "$RC" 0 "exit status of --list with the default data dirs"
    ! grep -vE " \((${defaults[0]}|${defaults[1]})\)\$" "$OUT" || fail "test listed from outside the default data dirs"
else
    assert_eq "$RC" 1 "exit status of --list without any installed-tests dir"
fi

# No installed-tests directory anywhere: an error.
mkdir -p "$SCRATCH/empty"
assert_exit 1 gtr -d "$SCRATCH/empty"
[[ -s $ERR ]] || fail "no message when there is no installed-tests dir"
assert_exit 1 gtr -d "$SCRATCH/empty" --list
echo ok
