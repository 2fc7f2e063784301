#!/bin/bash
# A failed test's directory kept with --report-directory: once the test has ended, it is the
# runner's, so that a later test run as the same user cannot forge what it shows; the symlinks
# the test left in it that may lead outside are dropped, with a note.
source "$(dirname "$0")/../integration/lib.sh"

[[ $(id -u) == 0 ]] || skip "tests run as another user only when the runner is root"
id nobody >/dev/null 2>&1 || skip "no user nobody"

# The report directory as it should be: root's, mode 0755 (lib.sh's umask is 0).
rep=$SCRATCH/rep
mkdir -m 0755 "$rep"
cat >"$BIN/leave-traces" <<'EOF2'
#!/bin/sh
mkdir -p sub/deep && echo inner >sub/deep/x
ln -s /etc etc
ln -s ../.. up
ln -s sub/deep/x inside
: >open && chmod 0666 open
chmod 0777 . sub
echo "the real output"
exit 1
EOF2
chmod +x "$BIN/leave-traces"
make_test grp/a-fail.test session "$BIN/leave-traces"
# Run after it, as the same user: tries to rewrite its kept output and directory.
make_test grp/b-forge.test session \
    "sh -c 'd=$rep/grp_a-fail.test; echo PASS >\$d/output.txt; echo forged >\$d/open; rm -rf \$d/sub; mv \$d $rep/.gone; mkdir \$d && echo PASS >\$d/output.txt; exit 0'"

run_runner -d "$TREE" --order=name -p 1 --report-directory="$rep"
assert_eq "$RC" 2 "exit status"
assert_line "$OUT" "FAIL: grp/a-fail.test (exited with status 1)"
kept=$rep/grp_a-fail.test
assert_eq "$(cat "$kept/output.txt")" "the real output" "kept output"
assert_eq "$(cat "$kept/sub/deep/x")" inner "kept file"
[[ ! -s $kept/open ]] || fail "a later test wrote in the kept directory"
# Everything kept is root's, and nobody else may write to it.
others=$(find "$kept" \( ! -user root -o -perm /022 \) ! -type l -printf '%p %u %m\n')
assert_eq "$others" "" "kept entries not root's or writable by others"
# Symlinks that could lead outside are gone, each with a note; one inside is kept.
[[ ! -e $kept/etc && ! -L $kept/etc && ! -L $kept/up ]] || fail "symlinks out of the kept directory kept"
[[ -L $kept/inside ]] || fail "a symlink inside the kept directory was dropped"
assert_line "$OUT" "  note: $kept/etc: a symlink to /etc, which may lead outside; dropped"
assert_line "$OUT" "  note: $kept/up: a symlink to ../.., which may lead outside; dropped"
# And nobody can replace it afterwards either.
if runuser -u nobody -- sh -c "echo x >'$kept/output.txt'" 2>/dev/null; then
    fail "user nobody can rewrite the kept output"
fi
assert_not_contains "$ERR" "is writable by nobody"

# A report directory the test user may change is said to be one.
chmod 0777 "$rep"
run_runner -d "$TREE" --order=name -p 1 --report-directory="$rep" -L "$rep"
assert_line "$ERR" "ginsttest-runner: warning: --log-directory $rep is writable by nobody, who runs the tests: a test could replace what is written there (make it root's, mode 0755)"
assert_contains "$ERR" "warning: --report-directory $rep is writable by nobody"
chmod 0755 "$rep"
assert_tmp_clean
echo ok
