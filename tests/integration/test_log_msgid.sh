#!/bin/bash
# --log-msgid=MSGID=MESSAGE logs to the journal and exits 0 without running tests.
source "$(dirname "$0")/lib.sh"

[[ -S /run/systemd/journal/socket ]] || skip "no journal socket"

make_test grp/t.test session "touch $SCRATCH/ran"
msgid=0123456789abcdef0123456789abcdef
assert_exit 0 gtr -d "$TREE" --log-msgid="$msgid=ginsttest integration $$"
[[ ! -e $SCRATCH/ran ]] || fail "--log-msgid ran tests"
# Read it back when the journal is readable to us.
if command -v journalctl >/dev/null && journalctl -n 0 >/dev/null 2>&1; then
    for _ in $(seq 50); do
        journalctl MESSAGE_ID=$msgid -o cat 2>/dev/null | grep -qxF "ginsttest integration $$" && break
        sleep 0.1 # the journal offers no event to wait for
    done
    journalctl MESSAGE_ID=$msgid -o cat | grep -qxF "ginsttest integration $$" \
        || fail "message not found in the journal"
fi
echo ok
