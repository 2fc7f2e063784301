#!/bin/bash
# As execvp and g_spawn (so gnome-desktop-testing-runner) do: a script without "#!" runs with
# /bin/sh, and without PATH the default search path finds programs.
source "$(dirname "$0")/lib.sh"

printf 'echo from a plain script "$1"\nexit 0\n' >"$BIN/noshebang"
chmod +x "$BIN/noshebang"
make_test grp/noshebang.test session "$BIN/noshebang arg"
make_test grp/nopath.test session "sh -c 'exit 0'"

run_runner -d "$TREE" -L "$SCRATCH/logs"
assert_eq "$RC" 0 "exit status"
assert_line "$OUT" "PASS: grp/noshebang.test"
assert_eq "$(cat "$SCRATCH/logs/grp_noshebang.test.txt")" "from a plain script arg" "output"

TMPDIR=$RUN_TMP env -u PATH "$RUNNER" -d "$TREE" grp/nopath >"$OUT" 2>"$ERR" </dev/null \
    || fail "runner failed without PATH"
assert_line "$OUT" "PASS: grp/nopath.test"
assert_tmp_clean
echo ok
