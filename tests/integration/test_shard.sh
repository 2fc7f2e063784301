#!/bin/bash
# --shard=K/N: disjoint parts that cover the selected tests; without a history by a stable hash
# (adding a test moves only that test), with one balanced by the recorded durations;
# --shard=auto from GitLab's CI_NODE_INDEX and CI_NODE_TOTAL; --list shows the part.
source "$(dirname "$0")/lib.sh"

for n in $(seq 10 39); do make_test "h/t$n.test" session true; done

part() { # part K N [ARGS...]: the names --list gives for part K of N, sorted, on one line
    local k=$1 n=$2
    shift 2
    run_runner -d "$TREE" --list --shard="$k/$n" "$@"
    assert_eq "$RC" 0 "exit status of --list --shard=$k/$n"
    PART=$(cut -d' ' -f1 "$OUT" | sort | xargs)
}

# Without a history: three parts, disjoint, covering the 30 tests, none empty.
all=""
for k in 1 2 3; do
    part $k 3 --history=none
    [[ -n $PART ]] || fail "part $k of 3 is empty"
    all+="$PART "
    declare "before_$k=$PART"
done
assert_eq "$(echo "$all" | xargs -n1 | sort | uniq -d | wc -l)" 0 "tests in two parts"
assert_eq "$(echo "$all" | xargs -n1 | wc -l)" 30 "tests in the three parts"

# A run of a part runs exactly the tests --list gives.
part 2 3 --history=none
run_runner -d "$TREE" -p 2 --shard=2/3 --history=none
assert_eq "$RC" 0 "exit status of a part's run"
assert_eq "$(started_order | sort | xargs)" "$PART" "tests run by --shard=2/3"

# Adding a test moves only that test.
make_test "h/added.test" session true
for k in 1 2 3; do
    part $k 3 --history=none
    without=$(echo "$PART" | xargs -n1 | grep -vx 'h/added.test' | xargs)
    want=before_$k
    assert_eq "$without" "${!want}" "part $k of 3 after adding a test"
done
rm "$TREE/installed-tests/h/added.test"

# --shard=auto: GitLab's parallel jobs, 1-based; without them, the whole run.
part 2 3 --history=none
want=$PART
CI_NODE_INDEX=2 CI_NODE_TOTAL=3 run_runner -d "$TREE" --list --shard=auto --history=none
assert_eq "$(cut -d' ' -f1 "$OUT" | sort | xargs)" "$want" "--shard=auto with node 2 of 3"
run_runner -d "$TREE" --list --shard=auto --history=none
assert_eq "$(wc -l <"$OUT")" 30 "--shard=auto outside a parallel job"
CI_NODE_INDEX=4 CI_NODE_TOTAL=3 run_runner -d "$TREE" --list --shard=auto
assert_eq "$RC" 1 "exit status of node 4 of 3"
assert_contains "$ERR" "CI_NODE_INDEX and CI_NODE_TOTAL make '4/3'"
run_runner -d "$TREE" --shard=3/2
assert_eq "$RC" 1 "exit status of --shard=3/2"

# With a history, parts balanced by duration: tests sleeping 0.8, 0.4, 0.4 and 3 x 0.2 s.
rm -r "$TREE/installed-tests/h"
i=0
for s in 0.8 0.4 0.4 0.2 0.2 0.2; do
    make_test "b/t$((i++)).test" session "sleep $s"
done
history=$SCRATCH/history
run_runner -d "$TREE" -p 6 --history="$history"
assert_eq "$RC" 0 "exit status of the recording run"
sums=""
for k in 1 2; do
    run_runner -d "$TREE" -p 1 --shard=$k/2 --history="$history" --json="$SCRATCH/part$k.json"
    assert_eq "$RC" 0 "exit status of part $k of 2"
    sums+="$(python3 -c '
import json, sys
print(sum(r["duration"] for r in map(json.loads, open(sys.argv[1])) if r["record"] == "test"))
' "$SCRATCH/part$k.json") "
done
read -r one two <<<"$sums"
# The best split is 1.2 s against 1.0 s; a split by name or hash can be 1.6 against 0.6.
python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if abs(a - b) < 0.35 else 1)" \
    "$one" "$two" || fail "parts not balanced: $one s and $two s"
assert_tmp_clean
echo ok
