#!/bin/bash
# SIGHUP (the terminal or the ssh session closed) mid-run: sent to the runner's whole process
# group, as the kernel and the shell send it. Tests and their processes ended, directories
# removed, incomplete summary, exit 129.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/interrupt.sh"
interrupt_scenario HUP 129 group

# A real hangup: the runner leads a session on a pseudo-terminal, which is then closed, as a
# terminal emulator or sshd closes it. The console is gone; the reports are completed.
rm -f "$TREE"/installed-tests/grp/*.test "$SCRATCH"/*.pid
make_prog hang "echo \$\$ > $SCRATCH/hang.pid; echo up > $SCRATCH/hang.fifo; exec sleep 1000"
mkfifo "$SCRATCH/hang.fifo"
make_test grp/hang.test session "$BIN/hang"
json=$SCRATCH/run.json
read -r runner RC < <(TMPDIR=$RUN_TMP python3 - "$RUNNER" -d "$TREE" --json="$json" <<'PY'
import os, pty, sys, time
pid, master = pty.fork()  # the child leads a new session, the terminal its controlling one
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
with open(os.environ["GINSTTEST_IT_SCRATCH"] + "/hang.fifo") as started:
    started.readline()
os.close(master)  # hangs the terminal up: SIGHUP to the session's leader
for _ in range(300):
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        print(pid, os.waitstatus_to_exitcode(status))
        sys.exit(0)
    time.sleep(0.1)
os.kill(pid, 9)
print(pid, "still-running-after-30-s")
PY
)
assert_eq "$RC" 129 "exit status after the terminal was closed"
python3 - "$json" <<'PY' || fail "the JSON report of the run is not complete"
import json, sys
records = [json.loads(line) for line in open(sys.argv[1])]
assert records[0]["name"] == "grp/hang.test" and records[0]["outcome"] == "interrupted", records
assert records[-1]["record"] == "summary" and records[-1]["interrupted_by"] == "SIGHUP", records
PY
assert_pid_gone "$SCRATCH/hang.pid"
assert_tmp_clean
left=$(find /run /var/tmp -maxdepth 1 -name "ginsttest-run-$runner-*" 2>/dev/null)
[[ -z $left ]] || fail "the run's directory is left behind: $left"
echo ok
