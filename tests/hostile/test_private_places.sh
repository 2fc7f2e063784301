#!/bin/bash
# Run as root, each test has a /tmp, /var/tmp and /dev/shm of its own: what one writes there
# by a fixed name, another (running beside it) neither sees nor collides with, the host's files
# there stay out of reach, and nothing is left on the host. What a failed test left in them is
# kept with --report-directory.
source "$(dirname "$0")/../integration/lib.sh"

[[ $(id -u) == 0 ]] || skip "tests get private directories only when the runner is root"
[[ -d /var/tmp && -d /dev/shm ]] || skip "no /var/tmp or /dev/shm here"

# The host's, which no test may read or change.
secret_var=$(mktemp /var/tmp/ginsttest-secret.XXXXXX)
secret_shm=$(mktemp /dev/shm/ginsttest-secret.XXXXXX)
echo secret >"$secret_var"
echo secret >"$secret_shm"
chmod 0666 "$secret_var" "$secret_shm"
trap 'rm -f "$secret_var" "$secret_shm" /var/tmp/ginsttest-fixed /dev/shm/ginsttest-fixed; cleanup' EXIT

mkfifo "$SCRATCH/a-wrote" "$SCRATCH/b-looked"
chmod 0666 "$SCRATCH/a-wrote" "$SCRATCH/b-looked"
# a writes by fixed names, then lets b look; b must see nothing of it, nor the host's files.
make_test grp/a-writes.test session "sh -c 'for d in /tmp /var/tmp /dev/shm; do echo a >\$d/ginsttest-fixed; done; exec 3<>$SCRATCH/a-wrote; echo go >&3; read x <$SCRATCH/b-looked; cat /tmp/ginsttest-fixed /var/tmp/ginsttest-fixed /dev/shm/ginsttest-fixed; exit 1'"
make_test grp/b-looks.test session "sh -c 'read x <$SCRATCH/a-wrote; ls /tmp /var/tmp /dev/shm | grep -e ginsttest-fixed -e ginsttest-secret ; exec 3<>$SCRATCH/b-looked; echo done >&3; exit 1'"

# In the background for its pid, which names the run's own directories (other tests' runs may
# have theirs in /var/tmp meanwhile).
TMPDIR=$RUN_TMP "$RUNNER" -d "$TREE" --order=name -p 2 --report-directory="$SCRATCH/rep" \
    --display=none --bus=none --timeout=30 >"$OUT" 2>"$ERR" </dev/null &
runner_pid=$!
RC=0
wait "$runner_pid" || RC=$?
assert_eq "$RC" 2 "exit status"
# a reads back its own, unchanged.
assert_eq "$(cat "$SCRATCH/rep/grp_a-writes.test/output.txt")" $'a\na\na' "a's files"
# b saw nothing by those names: neither a's files nor the host's secrets (grep found none).
assert_eq "$(cat "$SCRATCH/rep/grp_b-looks.test/output.txt")" "" "what b saw"
# The host's files are untouched, and no file by the fixed name reached the host.
assert_eq "$(cat "$secret_var" "$secret_shm")" $'secret\nsecret' "the host's files"
for d in /var/tmp /dev/shm; do
    [[ ! -e $d/ginsttest-fixed ]] || fail "a test's file reached the host's $d"
done
# What a left in its /tmp and /var/tmp is kept beside its directory.
kept=$SCRATCH/rep/grp_a-writes.test
assert_eq "$(cat "$kept/private-tmp/ginsttest-fixed")" a "kept /tmp file"
assert_eq "$(cat "$kept/private-var-tmp/ginsttest-fixed")" a "kept /var/tmp file"
# No private directory of the run is left in the host's /var/tmp.
leftover=$(find /var/tmp -maxdepth 1 -name "ginsttest-tmp-$runner_pid-*" 2>/dev/null)
assert_eq "$leftover" "" "the run's private directories in /var/tmp"
assert_tmp_clean
echo ok
