#!/bin/bash
# A session-exclusive test never runs while any other test runs, even with -p 4.
source "$(dirname "$0")/lib.sh"

log=$SCRATCH/intervals
# Each test logs when it starts and ends; the sleep widens the window for an overlap.
make_prog interval "
echo \"start \$1 \$(date +%s%N)\" >> $log
sleep 0.3
echo \"end \$1 \$(date +%s%N)\" >> $log"
for i in 1 2 3 4 5; do make_test "s/session$i.test" session "$BIN/interval session$i"; done
for i in 1 2; do make_test "x/exclusive$i.test" session-exclusive "$BIN/interval exclusive$i"; done

run_runner -d "$TREE" -p 4
assert_eq "$RC" 0 "exit status"
assert_eq "$(grep -c '^start ' "$log")" 7 "tests started"
assert_eq "$(grep -c '^end ' "$log")" 7 "tests ended"
# Pair up each test's interval, then check every exclusive one against all others.
overlaps=$(awk '
    $1 == "start" { s[$2] = $3 } $1 == "end" { e[$2] = $3 }
    END {
        for (a in s) if (a ~ /^exclusive/) for (b in s)
            if (a != b && s[a] < e[b] && s[b] < e[a]) print a " overlaps " b
    }' "$log")
[[ -z $overlaps ]] || fail "$overlaps"
# Sanity check that -p 4 was in effect: some session tests did overlap.
concurrent=$(awk '
    $1 == "start" { s[$2] = $3 } $1 == "end" { e[$2] = $3 }
    END { for (a in s) for (b in s) if (a < b && s[a] < e[b] && s[b] < e[a]) n++; print n + 0 }' "$log")
((concurrent > 0)) || fail "no two session tests ran at the same time with -p 4"
assert_tmp_clean
echo ok
