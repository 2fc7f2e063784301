# A private systemd-journald for the journal tests: sourced by test_journal.sh and
# test_log_msgid.sh, which need root and a mount namespace of their own.
#
#   source journald.sh
#   journald_private_namespace "$@"   # first: re-runs the script in a new mount namespace
#   source lib.sh
#   journald_start                    # then: tmpfs over /run/systemd and /run/log, journald
#   ... run the runner; journald_sync; journald_json ...
#
# The host's journal is never touched: journald's sockets and files live on tmpfs mounts seen
# only in the namespace, and its configuration is a drop-in in that tmpfs.

JOURNALD=/lib/systemd/systemd-journald
JOURNAL_DIR=/run/log/journal
# Debian's Python (not one that PATH may put first): its json module reads journalctl's output.
PYTHON3=/usr/bin/python3
[[ -x $PYTHON3 ]] || PYTHON3=$(command -v python3 || echo python3)

# Re-runs the calling script under `unshare -m` (private mount propagation) and exits with its
# status; returns at once inside that namespace. Exits 77 (skipped) when that cannot be done.
journald_private_namespace() {
    [[ ${GINSTTEST_IT_JOURNALD_NS:-} == 1 ]] && return 0
    local why=
    if [[ $(id -u) != 0 ]]; then
        why="needs root (mounts and a journald of its own)"
    elif ! command -v unshare >/dev/null || ! unshare -m --propagation private true 2>/dev/null; then
        why="cannot make a mount namespace (unshare -m)"
    elif [[ ! -x $JOURNALD ]] || ! command -v journalctl >/dev/null; then
        why="systemd-journald or journalctl is not installed"
    elif ! command -v "$PYTHON3" >/dev/null; then
        why="python3 is not installed"
    fi
    if [[ -n $why ]]; then
        echo "SKIP: $why" >&2
        exit 77
    fi
    # The mount points must exist; the ones made here are removed again afterwards.
    local made=() dir rc=0
    for dir in /run/systemd /run/log; do
        if [[ ! -d $dir ]]; then
            mkdir "$dir"
            made+=("$dir")
        fi
    done
    GINSTTEST_IT_JOURNALD_NS=1 unshare -m --propagation private bash "$0" "$@" || rc=$?
    for dir in "${made[@]}"; do rmdir "$dir" 2>/dev/null || true; done
    exit "$rc"
}

# Starts journald on fresh tmpfs mounts and returns once it has said READY=1 on its notify
# socket (sd_notify, as to systemd). Its pid goes to $SCRATCH/journald.pid, so lib.sh's
# cleanup kills it when the script ends, whatever happened; its output to $SCRATCH/journald.log.
journald_start() {
    [[ ${GINSTTEST_IT_JOURNALD_NS:-} == 1 ]] || fail "journald_start outside its namespace"
    mount -t tmpfs -o mode=0755 tmpfs /run/systemd
    mount -t tmpfs -o mode=0755 tmpfs /run/log
    # Volatile storage only, nothing forwarded (no kernel log, syslog, wall or console), no
    # rate limit; a drop-in under /run overrides /etc/systemd/journald.conf.
    mkdir /run/systemd/journald.conf.d
    printf '%s\n' '[Journal]' Storage=volatile ReadKMsg=no ForwardToSyslog=no ForwardToKMsg=no \
        ForwardToConsole=no ForwardToWall=no RateLimitIntervalSec=0 \
        >/run/systemd/journald.conf.d/zz-ginsttest-it.conf
    "$PYTHON3" - "$JOURNALD" /run/systemd/it-notify "$SCRATCH/journald.log" \
        >"$SCRATCH/journald.pid" <<'PY' || fail "journald did not start: $(cat "$SCRATCH/journald.log")"
import os, socket, subprocess, sys

journald, notify_path, log_path = sys.argv[1:4]
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(notify_path)
notify.settimeout(1)
with open(log_path, "wb") as log:
    daemon = subprocess.Popen([journald], env=dict(os.environ, NOTIFY_SOCKET=notify_path),
                              stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                              start_new_session=True)
print(daemon.pid, flush=True)
for _ in range(30):
    try:
        if b"READY=1" in notify.recv(4096).split(b"\n"):
            sys.exit(0)
    except socket.timeout:
        if daemon.poll() is not None:
            sys.exit(f"journald exited with status {daemon.returncode}")
sys.exit("journald sent no READY=1 within 30 s")
PY
}

# Stops journald and waits until it has exited.
journald_stop() {
    local pid
    pid=$(cat "$SCRATCH/journald.pid")
    kill -TERM "$pid" 2>/dev/null || return 0
    timeout 30 tail -s 0.1 --pid="$pid" -f /dev/null || fail "journald did not stop"
}

# Returns once journald has written every message sent before the call.
journald_sync() {
    journalctl --sync || fail "journalctl --sync failed"
}

# The whole private journal, one JSON object per line.
journald_json() {
    journalctl -D "$JOURNAL_DIR" -o json --no-pager
}
