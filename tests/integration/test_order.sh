#!/bin/bash
# The run order: shuffled by default (without a history), reproducible with --seed, sorted with
# --order=name; session tests always before session-exclusive ones. (Longest first, from the
# history: test_history.sh.)
source "$(dirname "$0")/lib.sh"

for t in a b c d e f g h; do make_test "s/$t.test" session true; done
for t in x y; do make_test "x/$t.test" session-exclusive true; done

order() { # order ARGS...: the start order of a -p 1 run, on one line
    run_runner -d "$TREE" -p 1 "$@"
    assert_eq "$RC" 0 "exit status with $*"
    ORDER=$(started_order | xargs)
}

order --seed=42
assert_line "$OUT" "Random order, seed 42 (repeat it with --seed=42)"
first=$ORDER
order --seed=42
assert_eq "$ORDER" "$first" "order with the same seed"
order --order=random --seed=42
assert_eq "$ORDER" "$first" "order with --order=random and the same seed"

# Another seed gives another order (8! orders of the session tests: a few tries suffice).
differs=no
for seed in 1 2 3 4 5; do
    order --seed=$seed
    [[ $ORDER == "$first" ]] || differs=yes
done
assert_eq "$differs" yes "some other seed changes the order"

# Without --seed and a history, the printed seed reproduces the run.
order --history=none
seed=$(sed -n 's/^Random order, seed \([0-9]*\) (repeat it with --seed=\1)$/\1/p' "$OUT")
[[ -n $seed ]] || fail "no seed line"
random=$ORDER
order --seed="$seed"
assert_eq "$ORDER" "$random" "order when repeating the printed seed $seed"

# Exclusive tests come last, whatever the shuffle.
[[ $random =~ ^(s/[a-h]\.test\ ){8}x/[xy]\.test\ x/[xy]\.test$ ]] || fail "exclusive tests not last: $random"

order --order=name
assert_eq "$ORDER" "s/a.test s/b.test s/c.test s/d.test s/e.test s/f.test s/g.test s/h.test x/x.test x/y.test" \
    "--order=name"
assert_not_contains "$OUT" "Random order"
assert_tmp_clean
echo ok
