#!/bin/bash
# Tests writing far more than a pipe holds neither block nor bloat the runner: a passing
# one stays silent, a failing one still shows the end of its output, and a log directory
# gets every byte.
source "$(dirname "$0")/lib.sh"

make_test grp/many-lines.test session "seq 1 2000000"
make_test grp/fail-after-lots.test session "sh -c 'seq 1 300000; seq 1 100000 >&2; echo the end; exit 1'"

logs=$SCRATCH/logs
run_runner -d "$TREE" -L "$logs"
assert_eq "$RC" 2 "exit status"
assert_line "$OUT" "PASS: grp/many-lines.test"
assert_line "$OUT" "FAIL: grp/fail-after-lots.test (exited with status 1)"
assert_eq "$(grep '^  | ' "$OUT" | tail -n 2)" "$(printf '  | %s\n' 100000 'the end')" "end of the output"
# Only the tail is shown (100 lines; some headroom for a truncation notice).
(($(wc -l <"$OUT") < 120)) || fail "printed $(wc -l <"$OUT") lines"
assert_eq "$(wc -l <"$logs/grp_many-lines.test.txt")" 2000000 "lines in the log of grp/many-lines.test"
assert_eq "$(tail -n 1 "$logs/grp_many-lines.test.txt")" 2000000 "last line in the log"
assert_eq "$(wc -l <"$logs/grp_fail-after-lots.test.txt")" 400001 "lines in the log of grp/fail-after-lots.test"
assert_tmp_clean

# One line of 200 MB, with a line feed or without, then a failure: the end of that line is
# shown, under the note that the output was cut; the runner stays small.
rm "$TREE"/installed-tests/grp/*.test
make_prog one-line "head -c 200M /dev/zero | tr '\\0' x; printf 'the end'; [ \"\$1\" = lf ] && echo; exit 1"
make_test grp/no-line-feed.test session "$BIN/one-line"
make_test grp/line-feed.test session "$BIN/one-line lf"
maxrss=$(TMPDIR=$RUN_TMP python3 - "$OUT" "$ERR" "$RUNNER" -d "$TREE" --order=name --display=none \
    --bus=none <<'PY'
import resource, subprocess, sys
out, err, *command = sys.argv[1:]
with open(out, "w") as o, open(err, "w") as e:
    rc = subprocess.run(command, stdin=subprocess.DEVNULL, stdout=o, stderr=e).returncode
print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
)
read -r RC kb <<<"$maxrss"
assert_eq "$RC" 2 "exit status"
# 200 MiB of x, "the end", and a line feed or not.
for case in "line-feed 209715208" "no-line-feed 209715207"; do
    read -r t bytes <<<"$case"
    sed -n "/^FAIL: grp\/$t.test (exited with status 1)\$/,/^[A-Z]/p" "$OUT" >"$SCRATCH/$t"
    assert_line "$SCRATCH/$t" "  (output cut to its last lines; $bytes bytes in all)"
    grep -qE '^  \| x{1000,}the end$' "$SCRATCH/$t" || fail "$t: the end of the line is not shown"
done
((kb < $(rss_limit_kb))) || fail "the runner grew to $kb kB for a 200 MB line"
assert_tmp_clean
echo ok
