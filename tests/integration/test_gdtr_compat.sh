#!/bin/bash
# Same verdicts as gnome-desktop-testing-runner on a tree both handle (gdtr aborts on
# exec failures, malformed files and timeouts, so those are left out).
source "$(dirname "$0")/lib.sh"

gdtr=/usr/bin/gnome-desktop-testing-runner
[[ -x $gdtr ]] || skip "$gdtr is not installed"
# It may be our own runner installed under gdtr's name (the gdtr_alias option).
[[ $(realpath "$gdtr") != "$RUNNER" && $(basename "$(realpath "$gdtr")") != ginsttest-runner ]] \
    || skip "$gdtr is ginsttest-runner itself"

make_test a/pass.test session true
make_test a/pass-output.test session "sh -c 'echo some output; echo more >&2'"
make_test a/skip.test session "sh -c 'exit 77'"
make_test b/fail.test session "sh -c 'echo failing; exit 1'"
make_test b/status.test session "sh -c 'exit 42'"
make_test b/signal.test session "sh -c 'kill -SEGV \$\$'"
make_test b/abort.test session "sh -c 'kill -ABRT \$\$'"
make_test c/env.test session "sh -c 'test \"\$X\" = 1'" "TestEnvironment=X=1;"
make_test c/exclusive.test session-exclusive true

# "NAME VERDICT" per test, from the result lines before SUMMARY (the FAIL lines repeat after it).
verdicts() { sed -nE '/^SUMMARY/q; s/^(PASS|FAIL|SKIP): (\S+).*/\2 \1/p' "$1" | sort; }
counts() { grep -oE '^SUMMARY: total=[0-9]+; passed=[0-9]+; skipped=[0-9]+; failed=[0-9]+' "$1"; }

run_runner -d "$TREE"
ours_rc=$RC
cp "$OUT" "$SCRATCH/ours"
assert_tmp_clean
gdtr_rc=0
TMPDIR=$RUN_TMP "$gdtr" -d "$TREE" >"$SCRATCH/gdtr" 2>&1 </dev/null || gdtr_rc=$?

assert_eq "$(verdicts "$SCRATCH/ours" | wc -l)" 9 "verdicts from ginsttest-runner"
assert_eq "$(verdicts "$SCRATCH/ours")" "$(verdicts "$SCRATCH/gdtr")" "verdicts per test (ours vs gdtr)"
assert_eq "$ours_rc" "$gdtr_rc" "exit status (ours vs gdtr)"
[[ -n $(counts "$SCRATCH/ours") ]] || fail "no SUMMARY from ginsttest-runner"
assert_eq "$(counts "$SCRATCH/ours")" "$(counts "$SCRATCH/gdtr")" "SUMMARY counts (ours vs gdtr)"
echo ok
