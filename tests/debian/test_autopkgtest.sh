#!/bin/bash
# test_autopkgtest.sh SOURCE_DIR: debian/tests/control run by autopkgtest against the built
# packages, on this machine (its null runner): the installed tests as root and as a user. The
# user is nobody: the null testbed suggests none, and autopkgtest would run every test as root.
# autopkgtest's summary and its artifacts go to the log.
source "$(dirname "$0")/lib.sh"
source_dir=${1:?usage: test_autopkgtest.sh SOURCE_DIR}
command -v autopkgtest >/dev/null || skip "autopkgtest is not installed"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# The source tree as autopkgtest takes it: a directory with debian/, without build products.
mkdir "$out/src"
cp -r "$source_dir/debian" "$out/src/"

rc=0
autopkgtest --user=nobody --output-dir="$out/results" \
    "$(deb ginsttest-runner)" "$(deb ginsttest-runner-tests)" "$out/src/" -- null \
    >"$out/log" 2>&1 || rc=$?
if [[ $rc != 0 ]]; then
    tail -n 60 "$out/log" >&2
    find "$out/results/artifacts" -name output.txt -exec tail -n 30 {} + >&2 2>/dev/null || true
    fail "autopkgtest exited with $rc"
fi
cat "$out/results/summary"
for t in installed-tests-as-root installed-tests-as-user; do
    grep -qE "^$t +PASS" "$out/results/summary" || fail "$t did not pass"
done
# Each ran the package's tests, and they passed: the TAP plan is the number of .test files.
count=$(find /usr/share/installed-tests/ginsttest-runner -name '*.test' | wc -l)
for t in installed-tests-as-root installed-tests-as-user; do
    grep -qx "1..$count" "$out/results/$t-stdout" || fail "$t: no TAP plan of $count tests"
    ! grep -q '^not ok' "$out/results/$t-stdout" || fail "$t: $(grep '^not ok' "$out/results/$t-stdout")"
done
echo ok
