#!/bin/bash
# Started as root, the runner gives each test a /tmp of its own (its directory, bind-mounted in
# a mount namespace): files another run left in /tmp are not there, two tests writing the same
# /tmp path do not collide, the X server's sockets stay visible, and what a failed test wrote
# in /tmp is kept with its report. --private-tmp=no turns it off.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) == 0 ]] || {
    assert_exit 1 gtr -d "$TREE" --private-tmp=yes
    assert_contains "$ERR" "--private-tmp=yes needs the runner to be started as root"
    skip "the rest needs root"
}

# A file an earlier run left in the real /tmp, that the test user could not overwrite.
host_file=/tmp/ginsttest-it-left-$$
echo old >"$host_file"
chmod 0600 "$host_file"
same=/tmp/ginsttest-it-same-$$
trap 'rm -f "$host_file" "$same"; cleanup' EXIT
mkdir "$SCRATCH/barrier"

# Writes $same, waits until the other test has written it too, reads it back.
make_prog writer "
echo \$1 > $same || exit 1
touch $SCRATCH/barrier/\$1
for i in \$(seq 200); do
  [ -e $SCRATCH/barrier/\$2 ] && break
  sleep 0.05
done
{
  echo \"read=\$(cat $same)\"
  [ -e $host_file ] && echo host_file=visible || echo host_file=hidden
  echo \"tmpdir=\$TMPDIR cwd=\$(pwd)\"
  echo \"x11=\$(ls -d /tmp/.X11-unix 2>/dev/null)\"
  echo \"display=\$DISPLAY\"
} > $SCRATCH/seen-\$1"
make_test grp/a.test session "$BIN/writer a b"
make_test grp/b.test session "$BIN/writer b a"
make_test grp/fail.test session "sh -c 'echo evidence > /tmp/evidence; exit 1'"

run_runner -d "$TREE" -p 2 --report-directory="$SCRATCH/rep"
assert_eq "$RC" 2 "exit status"
for t in a b; do
    assert_line "$SCRATCH/seen-$t" "read=$t"
    assert_line "$SCRATCH/seen-$t" "host_file=hidden"
    assert_line "$SCRATCH/seen-$t" "tmpdir=/tmp cwd=/tmp"
    assert_line "$SCRATCH/seen-$t" "x11=/tmp/.X11-unix"
done
# The display the runner started is reachable through the shared socket directory.
display=$(sed -n 's/^display=://p' "$SCRATCH/seen-a")
[[ -n $display ]] || fail "no DISPLAY"
# Nothing reached the real /tmp, and the failed test's /tmp is kept, without the mount point.
[[ ! -e $same && $(cat "$host_file") == old ]] || fail "a test wrote to the real /tmp"
assert_eq "$(entries "$SCRATCH/rep/grp_fail.test")" ".testtmp evidence output.txt" "kept files"
assert_tmp_clean

# Off: the real /tmp, shared.
rm -rf "$SCRATCH/barrier" "$SCRATCH/rep"
mkdir "$SCRATCH/barrier"
run_runner -d "$TREE" -p 2 --private-tmp=no -x fail
assert_eq "$RC" 0 "exit status with --private-tmp=no"
assert_line "$SCRATCH/seen-a" "host_file=visible"
[[ -e $same ]] || fail "--private-tmp=no: the tests did not write the real /tmp"
assert_tmp_clean
echo ok
