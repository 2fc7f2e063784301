#!/bin/bash
# Tests run as root that leave mounts in their directory: a bind mount of a directory holding
# data, another on a file, with and without a /tmp of their own, passing and failing (kept
# with --report-directory). Nothing outside a test's directory may be deleted or kept, and no
# mount a test made may stay in the host's mount table.
source "$(dirname "$0")/../integration/lib.sh"

[[ $(id -u) == 0 ]] || skip "only root can mount"
unshare -m true 2>/dev/null || skip "no mount namespaces here"

victim=$SCRATCH/victim
mkdir "$victim"
echo precious >"$victim/data"
echo config >"$SCRATCH/victim-file"
# Mounts a directory and a file into its working directory, then ends with STATUS.
mounting_test() {
    make_test "$1" session "sh -c 'mkdir dir && mount --bind $victim dir && : >file && mount --bind $SCRATCH/victim-file file && echo mounted; exit $2'"
}
mounting_test grp/pass.test 0
mounting_test grp/fail.test 1
# Mounts the directory on its own working directory, hiding it.
make_test grp/over.test session "sh -c 'mount --bind $victim . && exit 0'"

host_mounts() { grep -c -F " $SCRATCH/" /proc/self/mountinfo || true; }
# Whatever happens, the script's own cleanup must not delete through a mount either.
unmount_all() {
    local m
    for m in $(awk -v s="$SCRATCH/" 'index($5, s) == 1 {print $5}' /proc/self/mountinfo | sort -r); do
        umount -l "$m" || true
    done
    cleanup
}
trap unmount_all EXIT

# In the host's mount namespace, in one of the test's own (made for its PID namespace), and in
# one with a private /tmp.
for box in "--private-tmp=no --private-pids=no" "--private-tmp=no" "--private-tmp=yes"; do
    rm -rf "$SCRATCH/rep"
    # shellcheck disable=SC2086 # one option a word
    run_runner -d "$TREE" --order=name --as-root $box --report-directory="$SCRATCH/rep"
    assert_eq "$RC" 2 "exit status ($box)"
    assert_line "$OUT" "PASS: grp/pass.test"
    assert_line "$OUT" "PASS: grp/over.test"
    assert_line "$OUT" "FAIL: grp/fail.test (exited with status 1)"
    assert_eq "$(cat "$victim/data" 2>/dev/null)" precious "the mounted directory's data"
    assert_eq "$(cat "$SCRATCH/victim-file" 2>/dev/null)" config "the mounted file"
    assert_eq "$(host_mounts)" 0 "mounts left in the host's mount table"
    if [[ $box == *--private-pids=no* ]]; then
        # In the host's namespace the runner unmounts them, and says so.
        grep -qE "^  note: .*/dir: the test left it mounted; unmounted$" "$OUT" \
            || fail "no note on the unmounted directory"
        grep -qE "^  note: .*tmp-grp_over.test-.{6}: the test left it mounted; unmounted$" "$OUT" \
            || fail "no note on the mount on the test's own directory"
    fi
    # The failed test's directory is kept without what was mounted in it.
    kept=$SCRATCH/rep/grp_fail.test
    [[ -d $kept/dir && -z $(ls -A "$kept/dir") ]] || fail "the kept directory holds the mount's data"
    [[ ! -s $kept/file ]] || fail "the kept directory holds the mounted file"
    assert_eq "$(cat "$kept/output.txt")" mounted "kept output"
    assert_tmp_clean
done
echo ok
