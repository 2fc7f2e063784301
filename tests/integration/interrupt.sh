# shellcheck shell=bash disable=SC2153 # RUNNER and the others come from lib.sh
# Shared by test_sigint.sh and test_sigterm.sh (sourced after lib.sh).
#
# interrupt_scenario SIGNAL STATUS [group]: two tests are running (-p 2), each with a child and a
# setsid daemon; SIGNAL to the runner (with "group": to its whole process group, as a closed
# terminal sends SIGHUP) must end them all, remove their temporary directories and the run's
# own directory, print an incomplete summary and exit with STATUS.
interrupt_scenario() {
    local sig=$1 want=$2 scope=${3:-runner} t runner target
    make_prog long "
sleep 1000 & echo \$! > $SCRATCH/\$1-child.pid
setsid sh -c \"echo \\\$\\\$ > $SCRATCH/\$1-daemon.pid; exec sleep 1000\" </dev/null >/dev/null 2>&1 &
while [ ! -s $SCRATCH/\$1-daemon.pid ]; do sleep 0.05; done
echo started > $SCRATCH/\$1.fifo
exec sleep 1000"
    for t in one two; do
        mkfifo "$SCRATCH/$t.fifo"
        make_test "grp/$t.test" session "$BIN/long $t"
    done
    make_test grp/pending.test session true
    # A quick test too: depending on the random order it runs before the signal or never.

    # The runner starts with SIGINT at its default, as when run from a terminal (bash
    # would otherwise make a background job ignore it).
    # With "group", the runner leads a process group of its own (setsid execs it in place: a
    # background job of a script is no group leader) that gets the signal.
    local setsid=()
    [[ $scope == group ]] && setsid=(setsid)
    TMPDIR=$RUN_TMP "${setsid[@]}" env --default-signal=INT "$RUNNER" -d "$TREE" -p 2 \
        >"$OUT" 2>"$ERR" </dev/null &
    runner=$!
    target=$runner
    [[ $scope == group ]] && target=-$runner
    for t in one two; do wait_fifo "$SCRATCH/$t.fifo"; done
    stop_runner "$runner" "$sig" "$target"
    assert_eq "$RC" "$want" "exit status after SIG$sig"
    grep -qE '^SUMMARY \(incomplete\): total=[0-9]+; passed=[0-9]+; skipped=0; failed=[0-9]+;' "$OUT" \
        || fail "no 'SUMMARY (incomplete)' line"
    assert_not_contains "$OUT" "SUMMARY: "
    for t in one two; do
        assert_pid_gone "$SCRATCH/$t-child.pid"
        assert_pid_gone "$SCRATCH/$t-daemon.pid"
    done
    assert_tmp_clean
    # As root the run's own directory is in /run or /var/tmp, named after the runner's pid.
    local left
    left=$(find /run /var/tmp -maxdepth 1 -name "ginsttest-run-$runner-*" 2>/dev/null)
    [[ -z $left ]] || fail "the run's directory is left behind: $left"
}
