#!/bin/bash
# With -p 1 tests run one at a time, so the console shows each test's result before the
# next "Running test:" line, whatever the kind of result (malformed files included).
source "$(dirname "$0")/lib.sh"

make_test a.test session "/nonexistent/prog"
make_test b.test session "sh -c 'sleep 0.3'"
make_raw_test c.test "[Test]" "Type=bogus" "Exec=true"
make_test d.test session "sh -c 'exit 77'"
make_raw_test e.test "[Test]" "Exec=true"
make_test f.test session "sh -c 'exit 1'"

run_runner -d "$TREE" -p 1 --order=name
assert_eq "$RC" 2 "exit status"
# Keep the Running and result lines before SUMMARY; they must alternate, name for name.
got=$(sed -n '/^SUMMARY/q; s/^Running test: \(.*\)/R \1/p; s/^\(PASS\|SKIP\|FAIL\): \([^ ]*\).*/E \2/p' "$OUT" | xargs)
assert_eq "$got" "R a.test E a.test R b.test E b.test R c.test E c.test R d.test E d.test R e.test E e.test R f.test E f.test" \
    "sequence of Running/result lines"
assert_tmp_clean
echo ok
