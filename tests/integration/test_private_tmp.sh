#!/bin/bash
# Started as root, the runner gives each test a /tmp of its own (a directory of root's, mounted
# on /tmp in a mount namespace) and, inside it, a fresh working directory: empty but for
# .testtmp, everything in it the test user's, TMPDIR too, and the test may remove or rename it.
# Files another run left in /tmp are not there, two tests writing the same /tmp path do not
# collide, the X server's sockets stay visible, and what a failed test wrote is kept with its
# report. --private-tmp=no turns it off.
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

# Writes $same, waits until the other test has written it too, reads it back, and says what it
# sees of its directories.
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
  echo \"cwd=\$(pwd)\"
  echo \"tmpdir=\$TMPDIR\"
  [ \"\$(stat -c %d:%i .)\" = \"\$(stat -c %d:%i /tmp/\$(basename \$TMPDIR))\" ] \\
    && echo \"same_as_tmp=/tmp/\$(basename \$TMPDIR)\"
  echo \"files=\$(ls -A | tr '\n' ' ')\"
  echo \"owners=\$(stat -c %u . .testtmp | sort -u | tr '\n' ' ')\"
  echo \"x11=\$(ls -d /tmp/.X11-unix 2>/dev/null)\"
  echo \"display=\$DISPLAY\"
  echo \"tmp_mode=\$(stat -c %a /tmp)\"
  # The directory holding every test's private /tmp can be passed, not listed: no test finds
  # another's.
  ls \"\$(dirname \"\$(dirname \"\$TMPDIR\")\")\" >/dev/null 2>&1 && echo others=listed || echo others=hidden
  # What ostree's test library does first: make its whole directory writable.
  chmod -R u+w . && echo chmod=ok
  # Its TMPDIR is its own: it may rename it and remove it.
  cd /tmp && mv \"\$TMPDIR\" \"\$TMPDIR.renamed\" && mv \"\$TMPDIR.renamed\" \"\$TMPDIR\" \\
    && echo rename=ok
} > $SCRATCH/seen-\$1"
make_test grp/a.test session "$BIN/writer a b"
make_test grp/b.test session "$BIN/writer b a"
make_test grp/fail.test session \
    "sh -c 'echo evidence > /tmp/evidence; echo mine > mine; mkdir \$TMPDIR/sub; exit 1'"
make_test grp/rmdir.test session "sh -c 'cd /tmp && rm -r \"\$TMPDIR\" && [ ! -e \"\$TMPDIR\" ]'"

run_runner -d "$TREE" -p 2 --report-directory="$SCRATCH/rep"
assert_eq "$RC" 2 "exit status"
nobody_uid=$(id -u nobody)
for t in a b; do
    seen=$SCRATCH/seen-$t
    assert_line "$seen" "read=$t"
    assert_line "$seen" "host_file=hidden"
    # The working directory is a fresh directory in the private /tmp, not /tmp itself, and is
    # also TMPDIR. It is named by its path outside /tmp (here, in the report directory, where
    # it is made to be kept), which names the same directory for processes outside the test's
    # mount namespace, such as the services its session bus starts.
    cwd=$(sed -n 's/^cwd=//p' "$seen")
    [[ $cwd =~ ^$SCRATCH/rep/ginsttest-tmp-[0-9]+-[A-Za-z0-9]{6}/[A-Za-z0-9]{6}/test-[A-Za-z0-9]{6}$ ]] \
        || fail "cwd of $t is $cwd"
    assert_line "$seen" "same_as_tmp=/tmp/$(basename "$cwd")"
    assert_line "$seen" "tmpdir=$cwd"
    assert_line "$seen" "files=.testtmp "
    assert_line "$seen" "owners=$nobody_uid "
    assert_line "$seen" "x11=/tmp/.X11-unix"
    assert_line "$seen" "tmp_mode=1777"
    assert_line "$seen" "chmod=ok"
    assert_line "$seen" "rename=ok"
    assert_line "$seen" "others=hidden"
done
assert_line "$OUT" "PASS: grp/rmdir.test"
# The display the runner started is reachable through the shared socket directory.
display=$(sed -n 's/^display=://p' "$SCRATCH/seen-a")
[[ -n $display ]] || fail "no DISPLAY"
# Nothing reached the real /tmp. The failed test's working directory is kept as its report
# directory (as gnome-desktop-testing-runner keeps it), with what else it wrote to its /tmp
# in private-tmp/, and without the mount points.
[[ ! -e $same && $(cat "$host_file") == old ]] || fail "a test wrote to the real /tmp"
kept=$SCRATCH/rep/grp_fail.test
assert_eq "$(entries "$kept")" ".testtmp mine output.txt private-tmp sub" "kept files"
assert_eq "$(entries "$kept/private-tmp")" "evidence" "kept /tmp"
assert_eq "$(cat "$kept/private-tmp/evidence")" "evidence" "kept /tmp file"
assert_eq "$(entries "$SCRATCH/rep")" "grp_fail.test" "report directory"
assert_tmp_clean

# The runner's TMPDIR is /tmp (or unset), which the test does not see: the private /tmp is made
# in /var/tmp instead, so that the path the test is given names its directory outside its
# namespace too; it is gone afterwards.
make_test where/pwd.test session "sh -c 'pwd > $SCRATCH/seen-where'"
RC=0
TMPDIR=/tmp "$RUNNER" -d "$TREE" where/ >"$OUT" 2>"$ERR" </dev/null || RC=$?
assert_eq "$RC" 0 "exit status with TMPDIR=/tmp"
where=$(cat "$SCRATCH/seen-where")
[[ $where =~ ^/var/tmp/ginsttest-tmp-[0-9]+-[A-Za-z0-9]{6}/[A-Za-z0-9]{6}/test-[A-Za-z0-9]{6}$ ]] \
    || fail "cwd with TMPDIR=/tmp is $where"
parent=${where%/*/*}
[[ ! -e $parent ]] || fail "$parent left behind"

# The working directory's path stays short whatever the test's name: tests make sockets there,
# whose paths may not be longer than 107 bytes (gpg-agent's in ostree's tests). Below the
# runner's TMPDIR it takes 50 bytes at most, which leaves the rest for a socket's name (24 bytes
# here; installed, in the directory our own runner gave us, TMPDIR leaves none).
long=long/$(printf 'x%.0s' {1..100}).test
room=$((107 - ${#RUN_TMP} - 50 - 1))
make_prog long-cwd "pwd > $SCRATCH/seen-long
[ $room -lt 1 ] || exec python3 -c 'import os, socket
socket.socket(socket.AF_UNIX).bind(os.getcwd() + \"/\" + $room * \"s\")'"
make_test "$long" session "$BIN/long-cwd"
run_runner -d "$TREE" long/
assert_eq "$RC" 0 "exit status of a test with a long name binding a socket in its directory"
(( $(wc -L <"$SCRATCH/seen-long") <= ${#RUN_TMP} + 50 )) \
    || fail "working directory of a test with a long name: $(cat "$SCRATCH/seen-long")"
assert_tmp_clean
rm -r "$TREE/installed-tests/long"

# A report directory the test user cannot pass through (under root's home, say): the test is
# given its directory by its path in the private /tmp instead, and still runs.
mkdir -m 0700 "$SCRATCH/root-only"
make_test where/pwd.test session "sh -c 'pwd > $SCRATCH/seen-where'"
run_runner -d "$TREE" where/ --report-directory="$SCRATCH/root-only/rep"
assert_eq "$RC" 0 "exit status with a report directory the test user cannot reach"
assert_line "$OUT" "PASS: where/pwd.test"
[[ $(cat "$SCRATCH/seen-where") =~ ^/tmp/test-[A-Za-z0-9]{6}$ ]] \
    || fail "cwd with an unreachable report directory is $(cat "$SCRATCH/seen-where")"
assert_eq "$(entries "$SCRATCH/root-only/rep")" "" "report directory after a passing run"

# A file of the host's /tmp that the test names is what it writes, not a place it needs: it
# stays the test's own, so a stale one of root's gets in nobody's way.
stale=/tmp/ginsttest-it-result-$$.xml
echo stale >"$stale"
trap 'rm -f "$host_file" "$same" "$stale"; cleanup' EXIT
make_test where/pwd.test session "sh -c 'echo mine > $stale && cat $stale > $SCRATCH/seen-where'"
run_runner -d "$TREE" where/
assert_eq "$RC" 0 "exit status with a stale file of the name the test writes"
assert_eq "$(cat "$SCRATCH/seen-where")" "mine" "what the test read back"
assert_eq "$(cat "$stale")" "stale" "the host's file"

# A runner killed outright leaves the parent of its private /tmp directories; the next run
# removes it.
mkfifo "$SCRATCH/started.fifo"
make_test where/pwd.test session "sh -c 'pwd > $SCRATCH/seen-where; echo up > $SCRATCH/started.fifo; exec sleep 1000'"
TMPDIR=$RUN_TMP "$RUNNER" -d "$TREE" where/ >"$OUT" 2>"$ERR" </dev/null &
runner=$!
wait_fifo "$SCRATCH/started.fifo"
kill -KILL "$runner"
{ wait "$runner"; } 2>/dev/null || true
parent=$(cat "$SCRATCH/seen-where")
parent=${parent%/*/*}
[[ -d $parent ]] || fail "no $parent after the runner was killed"
# Its tests are gone with it (PR_SET_PDEATHSIG): nothing holds the directory now.
for _ in $(seq 100); do pgrep -f "sleep 1000" >/dev/null || break; sleep 0.1; done
make_test where/pwd.test session true
run_runner -d "$TREE" where/
assert_eq "$RC" 0 "exit status of the run after a killed one"
[[ ! -e $parent ]] || fail "the next run left $parent of the killed one"
rm -r "$TREE/installed-tests/where"

# Off: the real /tmp, shared.
rm -rf "$SCRATCH/barrier" "$SCRATCH/rep"
mkdir "$SCRATCH/barrier"
run_runner -d "$TREE" -p 2 --private-tmp=no -x fail
assert_eq "$RC" 0 "exit status with --private-tmp=no"
assert_line "$SCRATCH/seen-a" "host_file=visible"
assert_line "$SCRATCH/seen-a" "owners=$nobody_uid "
[[ -e $same ]] || fail "--private-tmp=no: the tests did not write the real /tmp"
assert_tmp_clean
echo ok
