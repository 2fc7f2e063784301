#!/bin/bash
# test_packaging.sh REPO_ROOT: the RPM packaging of REPO_ROOT (ginsttest-runner.spec, .packit.yaml
# and the fmf tree at the root) is what rpmspec, Packit and tmt's JSON schemas accept; see
# check_packaging.py. tmt's schemas are read in place from the shared data beside the repository.
# Exit status 77 (skipped) without python3's yaml or jsonschema module, or without rpmspec (the
# rest is still checked first).
set -euo pipefail
root=${1:?usage: test_packaging.sh REPO_ROOT}
schemas=$root/../shared/data/tmt-schema/all

python=$(command -v python3) || { echo "SKIP: python3 is not installed"; exit 77; }
for module in yaml jsonschema; do
    "$python" -c "import $module" 2>/dev/null \
        || { echo "SKIP: python3's $module module is not installed (python3-$module)"; exit 77; }
done
[[ -f $schemas/test.yaml && -f $schemas/plan.yaml ]] \
    || { echo "error: no tmt schemas (test.yaml, plan.yaml) in $schemas" >&2; exit 1; }

exec "$python" -B "$(dirname "$0")/check_packaging.py" "$schemas" "$root"
