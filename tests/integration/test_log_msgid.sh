#!/bin/bash
# --log-msgid=MSGID=MESSAGE logs MESSAGE with that MESSAGE_ID to the journal (a private
# systemd-journald here) and exits 0 without running tests, as gdtr does; several may be given.
# A MSGID that is not 32 hex digits is an option error (status 1), and nothing is logged.
source "$(dirname "$0")/journald.sh"
journald_private_namespace "$@"
source "$(dirname "$0")/lib.sh"
journald_start

make_test grp/t.test session "touch $SCRATCH/ran"
msgid=0123456789abcdef0123456789abcdef
other=FEDCBA9876543210FEDCBA9876543210
assert_exit 0 gtr -d "$TREE" --log-msgid="$msgid=ginsttest integration $$ a=b" \
    --log-msgid="$other=two"$'\n'"lines"
[[ ! -e $SCRATCH/ran ]] || fail "--log-msgid ran tests"
assert_eq "$(cat "$OUT" "$ERR")" "" "console output of --log-msgid"

assert_exit 1 gtr -d "$TREE" --log-msgid="not-an-id=never logged"
assert_contains "$ERR" "invalid --log-msgid 'not-an-id=never logged'"
[[ ! -e $SCRATCH/ran ]] || fail "a bad --log-msgid ran tests"

journald_sync
journald_json | "$PYTHON3" -c '
import json, sys
pid_of = {}
logged = [json.loads(line) for line in sys.stdin]
ours = [e for e in logged if e.get("MESSAGE_ID") in (sys.argv[1], sys.argv[2].lower(), sys.argv[2])]
assert [(e["MESSAGE_ID"], e["MESSAGE"]) for e in ours] == [
    (sys.argv[1], "ginsttest integration " + sys.argv[3] + " a=b"),
    (sys.argv[2], "two\nlines"),
], ours
assert ours[0]["_PID"] == ours[1]["_PID"], ours
# A message of its own: nothing of a test run.
assert not [k for k in ours[0] if k.startswith("GINSTTEST_") or k == "GDTR_TEST"], ours[0]
assert not [e for e in logged if "never logged" in str(e.get("MESSAGE"))]
' "$msgid" "$other" "$$" || fail "the journal does not hold the --log-msgid messages"
echo ok
