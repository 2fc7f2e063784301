#!/bin/bash
# Tests that attack their own box: deleting their directory, swapping it for a symlink before
# failing, printing NUL and control bytes. The runner reports them plainly and follows nothing.
source "$(dirname "$0")/../integration/lib.sh"

mkdir "$SCRATCH/victim"
# A name near NAME_MAX still gets a directory (its temporary name is cut).
long=grp/$(printf 'x%.0s' {1..240}).test
make_test "$long" session true
make_test grp/rm-self.test session "sh -c 'rm -rf \"\$TMPDIR\"'"
make_test grp/swap.test session \
    "sh -c 'd=\$(pwd); cd /; mv \"\$d\" \"\$d.moved\"; ln -s $SCRATCH/victim \"\$d\"; echo swapped; exit 1'"
# A failure, so that its output is shown.
cat >"$BIN/bytes" <<'EOF'
#!/bin/sh
printf 'a\000b\001c\033[1md\n'
exit 1
EOF
chmod +x "$BIN/bytes"
make_test grp/bytes.test session "$BIN/bytes"

# With a /tmp of its own, a test's directory is a mount point it cannot remove or move; that
# case is test_private_tmp.sh's.
run_runner -d "$TREE" --order=name --report-directory="$SCRATCH/rep" --private-tmp=no
assert_eq "$RC" 2 "exit status"
assert_line "$OUT" "PASS: $long"
# A test that removed its own directory passes without a note.
assert_line "$OUT" "PASS: grp/rm-self.test"
assert_not_contains "$OUT" "left behind"
# The symlink is neither followed nor kept: the directory the runner made is kept from where
# the test moved it (the runner holds it open), and the symlink is named in a note.
[[ -z $(ls -A "$SCRATCH/victim") ]] || fail "the runner wrote through the test's symlink"
[[ -d $SCRATCH/rep/grp_swap.test && ! -L $SCRATCH/rep/grp_swap.test ]] \
    || fail "no report directory for grp/swap.test"
assert_eq "$(entries "$SCRATCH/rep/grp_swap.test")" ".testtmp output.txt" "kept files"
assert_eq "$(cat "$SCRATCH/rep/grp_swap.test/output.txt")" "swapped" "kept output"
grep -qE "^  note: $RUN_TMP/test-tmp-grp_swap.test-.{6}: left alone, the test put it there in place of its own directory$" "$OUT" \
    || fail "no note on the symlink left in the directory's place"
# NUL, control bytes and escape sequences are shown as \xNN: the terminal obeys none of them.
assert_line "$OUT" '  | a\x00b\x01c\x1b[1md'
# What the swapping test put in its directory's place is its own doing; nothing else remains.
leftover=$(find "$RUN_TMP" -mindepth 1 -not -type l)
assert_eq "$leftover" "" "other leftovers in TMPDIR"
find "$RUN_TMP" -mindepth 1 -type l -delete
echo ok
