#!/bin/bash
# The test of plans/installed-tests (tmt, result: custom): ginsttest-runner's own installed tests,
# run by the installed runner as root. With TMT_TEST_DATA set, the runner writes results.yaml
# there (one result per installed test) and each test's log under logs/; the directories of the
# tests that failed are kept in failed/. tmt reports an error if the runner stops before it
# wrote results.yaml, so a run that never started is never a pass.
set -euo pipefail

data=${TMT_TEST_DATA:?run this test from tmt, which sets TMT_TEST_DATA}
((EUID == 0)) || { echo "installed-tests: run as root, as tmt runs its tests" >&2; exit 1; }
rm -f "$data/results.yaml"

ginsttest-runner --version
exec ginsttest-runner --as-root --report-directory="$data/failed" ginsttest-runner/
