#!/bin/bash
# A test that nests directories in its own deeper than the runner may hold descriptors (one per
# level entered; a shell's cd stops near PATH_MAX, so the runner gets few descriptors here) and
# exits: its directory is still removed whole.
source "$(dirname "$0")/../integration/lib.sh"

make_test grp/deep.test session "sh -c 'i=0; while [ \$i -lt 1500 ]; do mkdir d && cd d || exit 1; i=\$((i + 1)); done; : >leaf'"
make_test grp/after.test session true

(
    ulimit -n 256
    run_runner -d "$TREE" --order=name --private-tmp=no
    echo "$RC" >"$SCRATCH/rc"
)
RC=$(cat "$SCRATCH/rc")
assert_eq "$RC" 0 "exit status"
assert_line "$OUT" "PASS: grp/deep.test"
assert_line "$OUT" "PASS: grp/after.test"
assert_not_contains "$OUT" "left behind"
assert_tmp_clean
echo ok
