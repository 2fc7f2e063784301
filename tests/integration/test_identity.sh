#!/bin/bash
# Started as root, the runner runs tests as nobody (or --user): no supplementary groups, a
# private HOME and XDG_RUNTIME_DIR (0700, theirs), their own working directory, and an
# environment without the paths they cannot enter. --as-root keeps root.
source "$(dirname "$0")/lib.sh"
[[ $(id -u) == 0 ]] || skip "needs root"

# A directory only root may enter, with a program in it, on PATH and in another variable.
root_only=$SCRATCH/root-only
mkdir -m 0700 "$root_only"
printf '#!/bin/sh\necho found\n' >"$root_only/only-root-has-it"
chmod 0755 "$root_only/only-root-has-it"

make_prog probe "
{
  echo \"uid=\$(id -u) groups=\$(id -G)\"
  echo \"user=\$USER logname=\$LOGNAME\"
  echo \"home=\$HOME\"
  echo \"home_stat=\$(stat -c '%a %u' \"\$HOME\")\"
  touch \"\$HOME/written\" && echo home_writable=yes
  echo \"runtime=\$XDG_RUNTIME_DIR\"
  echo \"runtime_stat=\$(stat -c '%a %u' \"\$XDG_RUNTIME_DIR\")\"
  echo \"cwd_owner=\$(stat -c %u .)\"
  echo \"path=\$PATH\"
  echo \"data=\${IT_DATA-unset}\"
  echo \"lang=\$LANG\"
  only-root-has-it >/dev/null 2>&1; echo \"lookup=\$?\"
  if [ \"\$(id -u)\" != 0 ]; then
    kill -STOP \$PPID 2>/dev/null && echo monitor=stopped || echo monitor=out-of-reach
  fi
} > $SCRATCH/seen-\$1"
make_test grp/who.test session "$BIN/probe who"

export PATH=$root_only:/usr/local/bin:/usr/bin:/bin IT_DATA=$root_only/data
unset LANG LC_ALL
run_runner -d "$TREE" --log-directory="$SCRATCH/logs"
assert_eq "$RC" 0 "exit status"
seen=$SCRATCH/seen-who
nobody_uid=$(id -u nobody)
assert_line "$seen" "uid=$nobody_uid groups=$(id -g nobody)"
assert_line "$seen" "user=nobody logname=nobody"
home=$(sed -n 's/^home=//p' "$seen")
[[ $home != /root* && $home != "$HOME" ]] || fail "HOME is root's: $home"
assert_line "$seen" "home_stat=700 $nobody_uid"
assert_line "$seen" "home_writable=yes"
assert_line "$seen" "runtime_stat=700 $nobody_uid"
assert_line "$seen" "cwd_owner=$nobody_uid"
# The root-only directory is gone from PATH, so the lookup fails as "not found" (127), not
# "permission denied" (126); a variable left with no reachable path is removed.
assert_line "$seen" "path=/usr/local/bin:/usr/bin:/bin"
assert_line "$seen" "lookup=127"
assert_line "$seen" "data=unset"
assert_line "$seen" "lang=C.UTF-8"
# The process that watches the test (its parent) stays root: the test can neither stop nor
# kill it, so timeouts and Ctrl-C keep working.
assert_line "$seen" "monitor=out-of-reach"
# The runner itself still writes as root where it was asked to.
[[ -f $SCRATCH/logs/grp_who.test.txt ]] || fail "no log written"
# HOME and XDG_RUNTIME_DIR belong to the run: gone afterwards.
[[ ! -e $home ]] || fail "$home left behind"

# Without a private /tmp, the test user might not reach the report directory, so the test's
# directory is made in TMPDIR; on another file system (a tmpfs here), only its output is kept.
make_test grp/fail.test session "sh -c 'echo failing; exit 1'"
mkdir "$SCRATCH/rep" "$SCRATCH/rep-copy"
in_namespace='s=$1; shift; mount -t tmpfs none "$s/rep" || exit 99
"$@"; rc=$?; cp -r "$s/rep/." "$s/rep-copy"; exit $rc'
unshare -m sh -c "$in_namespace" sh "$SCRATCH" env TMPDIR="$RUN_TMP" "$RUNNER" -d "$TREE" \
    --private-tmp=no -x who --report-directory="$SCRATCH/rep" >"$OUT" 2>"$ERR" </dev/null \
    && RC=0 || RC=$?
assert_eq "$RC" 2 "exit status"
assert_contains "$OUT" "FAIL: grp/fail.test (exited with status 1)"
assert_contains "$OUT" "only the output is kept"
assert_eq "$(cat "$SCRATCH/rep-copy/grp_fail.test/output.txt")" "failing" "kept output"
assert_tmp_clean
rm "$TREE/installed-tests/grp/fail.test"

# A test nobody may execute (under root's home, say): the failure says why, and what to do.
make_test grp/hidden.test session "$root_only/only-root-has-it"
run_runner -d "$TREE" -x who
assert_eq "$RC" 2 "exit status with a test nobody may run"
assert_contains "$OUT" "FAIL: grp/hidden.test ($root_only/only-root-has-it: Permission denied)"
assert_contains "$OUT" "the test runs as uid $nobody_uid (the runner was started as root)"
rm "$TREE/installed-tests/grp/hidden.test"

# A program nobody may execute (no x bit): that is what the note says, not where to install it.
printf '#!/bin/sh\nexit 0\n' >"$BIN/not-executable"
chmod 0644 "$BIN/not-executable"
make_test grp/not-executable.test session "$BIN/not-executable"
for as in "-x who" "--as-root -x who"; do
    # shellcheck disable=SC2086 # two options
    run_runner -d "$TREE" $as
    assert_eq "$RC" 2 "exit status with a program that is not executable ($as)"
    assert_line "$OUT" "FAIL: grp/not-executable.test ($BIN/not-executable: Permission denied)"
    assert_line "$OUT" "  note: $BIN/not-executable is not executable (its mode is 0644): give it execute permission"
    assert_not_contains "$OUT" "install it where"
done
rm "$TREE/installed-tests/grp/not-executable.test"

# --user chooses the user; an unknown one is an error before anything runs.
run_runner -d "$TREE" --user=daemon
assert_eq "$RC" 0 "exit status with --user=daemon"
assert_line "$seen" "uid=$(id -u daemon) groups=$(id -g daemon)"
assert_exit 1 gtr -d "$TREE" --user=no-such-user-here
assert_contains "$ERR" "no user named no-such-user-here"
assert_not_contains "$OUT" "Running test"

# --as-root keeps root, with root's environment.
run_runner -d "$TREE" --as-root
assert_eq "$RC" 0 "exit status with --as-root"
assert_line "$seen" "uid=0 groups=0"
assert_line "$seen" "lookup=0"
assert_tmp_clean
echo ok
