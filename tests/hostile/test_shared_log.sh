#!/bin/bash
# Two tests whose names differ only in '/' against '_' (a/b.test, a_b.test) would share one log
# and one kept directory if '/' simply became '_': one would overwrite the other's evidence.
# Each gets its own. Names too long for a file name still get a log and a kept directory.
source "$(dirname "$0")/../integration/lib.sh"

make_test a/b.test session "sh -c 'echo from-a-slash-b > artifact.txt; echo from a/b; exit 1'"
make_test a_b.test session "sh -c 'echo from-a-underscore-b > artifact.txt; echo from a_b; exit 1'"
make_test a%5Fb.test session "sh -c 'echo from a%5Fb; exit 1'"
# 255 bytes, as long as a test name in one directory can be: its log's name would not fit.
long=grp/$(printf 'x%.0s' {1..246}).test
make_test "$long" session "sh -c 'echo long; exit 1'"
# Longer still (a deeper path): its kept directory's name would not fit either.
longer=grp/$(printf 'y%.0s' {1..200})/$(printf 'z%.0s' {1..200}).test
make_test "$longer" session "sh -c 'echo longer; exit 1'"

logs=$SCRATCH/logs
reports=$SCRATCH/reports
run_runner -d "$TREE" --order=name -L "$logs" --report-directory="$reports"
assert_eq "$RC" 2 "exit status"
for name in a/b.test a_b.test a%5Fb.test "$long" "$longer"; do
    assert_line "$OUT" "FAIL: $name (exited with status 1)"
done
assert_contains "$OUT" "SUMMARY: total=5; passed=0; skipped=0; failed=5"
assert_not_contains "$OUT" "note:"

# '/' is '_' as gnome-desktop-testing-runner writes it; '_' and '%' are escaped.
assert_eq "$(cat "$logs/a_b.test.txt")" "from a/b" "log of a/b.test"
assert_eq "$(cat "$logs/a%5Fb.test.txt")" "from a_b" "log of a_b.test"
assert_eq "$(cat "$logs/a%255Fb.test.txt")" "from a%5Fb" "log of a%5Fb.test"
assert_eq "$(cat "$reports/a_b.test/artifact.txt")" "from-a-slash-b" "kept artifact of a/b.test"
assert_eq "$(cat "$reports/a%5Fb.test/artifact.txt")" "from-a-underscore-b" \
    "kept artifact of a_b.test"
assert_eq "$(cat "$reports/a%5Fb.test/output.txt")" "from a_b" "kept output of a_b.test"

# Cut to fit NAME_MAX with room for ".txt", ending in "%~" and 16 hex digits of the SHA-256
# of the whole name.
capped() { # capped NAME MAX_BYTES
    local squashed=${1//\//_} hash
    hash=$(printf '%s' "$1" | sha256sum | cut -c1-16)
    echo "${squashed:0:$(($2 - 18))}%~$hash"
}
long_log=$(capped "$long" 251).txt
assert_eq "${#long_log}" 255 "length of the long name's log file name"
assert_eq "$(cat "$logs/$long_log")" "long" "log of the 255-byte name"
# Its directory's name fits as it is.
assert_eq "$(cat "$reports/${long//\//_}/output.txt")" "long" "kept output of the 255-byte name"
assert_eq "$(cat "$logs/$(capped "$longer" 251).txt")" "longer" "log of the longer name"
assert_eq "$(cat "$reports/$(capped "$longer" 255)/output.txt")" "longer" \
    "kept output of the longer name"
assert_eq "$(find "$logs" -mindepth 1 | wc -l)" 5 "files in the log directory"
assert_eq "$(find "$reports" -mindepth 1 -maxdepth 1 | wc -l)" 5 "kept directories"
assert_tmp_clean
echo ok
