#!/bin/bash
# What a test sees: a fresh working directory holding .testtmp, TMPDIR pointing at it,
# GIO_USE_VFS=local, stdin on /dev/null; the directory is gone after the run.
source "$(dirname "$0")/lib.sh"

# Records what it sees in $SCRATCH/seen-<test>.
make_prog probe "
out=$SCRATCH/seen-\$1
{
  echo \"cwd=\$(pwd -P)\"
  echo \"tmpdir=\$TMPDIR\"
  echo \"gio=\$GIO_USE_VFS\"
  echo \"stdin=\$(readlink /proc/self/fd/0)\"
  if read -r line; then echo 'read=data'; else echo 'read=eof'; fi
  echo \"files=\$(ls -A | tr '\n' ' ')\"
  echo \"testtmp_size=\$(stat -c %s .testtmp)\"
} > \"\$out\"
touch scribble"
make_test grp/env.test session "$BIN/probe one"
make_test grp/env2.test session "$BIN/probe two"

run_runner -d "$TREE" -p 2 --private-tmp=no # a /tmp of their own: test_private_tmp.sh
assert_eq "$RC" 0 "exit status"
tmp_real=$(realpath "$RUN_TMP")
for t in one two; do
    seen=$SCRATCH/seen-$t
    [[ -f $seen ]] || fail "probe $t did not run"
    cwd=$(sed -n 's/^cwd=//p' "$seen")
    name=$([[ $t == one ]] && echo grp_env.test || echo grp_env2.test)
    [[ $cwd =~ ^$tmp_real/test-tmp-$name-[A-Za-z0-9]{6}$ ]] || fail "cwd of $t is $cwd"
    assert_line "$seen" "tmpdir=$cwd"
    assert_line "$seen" "gio=local"
    assert_line "$seen" "stdin=/dev/null"
    assert_line "$seen" "read=eof"
    # Fresh: only .testtmp, not the other test's scribble.
    assert_line "$seen" "files=.testtmp "
    assert_line "$seen" "testtmp_size=0"
done
[[ $(sed -n 's/^cwd=//p' "$SCRATCH/seen-one") != $(sed -n 's/^cwd=//p' "$SCRATCH/seen-two") ]] \
    || fail "two tests shared a working directory"
assert_tmp_clean
echo ok
