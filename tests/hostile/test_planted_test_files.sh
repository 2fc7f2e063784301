#!/bin/bash
# .test files that attack the run as it reads them: a FIFO with no writer (an open or a read
# would wait forever) and a huge sparse file (read whole, it would cost its size in memory, twice
# over). Each is an ERROR naming the file; the other tests run, and the runner stays small.
source "$(dirname "$0")/../integration/lib.sh"

make_test grp/a-before.test session true
mkfifo "$TREE/installed-tests/grp/fifo.test"
# A symlink to a FIFO elsewhere is no better.
mkfifo "$SCRATCH/elsewhere.fifo"
ln -s "$SCRATCH/elsewhere.fifo" "$TREE/installed-tests/grp/link-to-fifo.test"
make_test grp/huge.test session true
truncate -s 1G "$TREE/installed-tests/grp/huge.test"
make_test grp/z-after.test session true
files=$TREE/installed-tests/grp

# The runner's largest resident set (and its children's: no display or bus of its own here, and
# the tests are tiny), in kB, as getrusage() tells its parent.
maxrss=$(TMPDIR=$RUN_TMP timeout 60 python3 - "$OUT" "$ERR" "$RUNNER" -d "$TREE" --order=name \
    --display=none --bus=none <<'PY'
import resource, subprocess, sys
out, err, *command = sys.argv[1:]
with open(out, "w") as o, open(err, "w") as e:
    rc = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=o, stderr=e).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
) || fail "the runner did not finish within 60 s: a .test file blocked it"
read -r RC kb <<<"$maxrss"
assert_eq "$RC" 2 "exit status"
assert_line "$OUT" "PASS: grp/a-before.test"
assert_line "$OUT" "PASS: grp/z-after.test"
assert_line "$OUT" "FAIL: grp/fifo.test ($files/fifo.test: a FIFO, not a .test file)"
assert_line "$OUT" "FAIL: grp/link-to-fifo.test ($files/link-to-fifo.test: a FIFO, not a .test file)"
assert_line "$OUT" "FAIL: grp/huge.test ($files/huge.test: 1073741824 bytes, too big for a .test file (at most 1048576))"
((kb < $(rss_limit_kb))) || fail "the runner grew to $kb kB reading the .test files"

# --list reads every file too.
assert_exit 0 timeout 60 env TMPDIR="$RUN_TMP" "$RUNNER" -d "$TREE" --list
assert_line "$OUT" "grp/fifo.test ($TREE/installed-tests)"
assert_line "$OUT" "grp/huge.test ($TREE/installed-tests)"
assert_tmp_clean
echo ok
