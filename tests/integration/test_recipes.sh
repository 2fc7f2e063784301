#!/bin/bash
# test_recipes.sh REPO_ROOT: the reverse-dependency recipes of REPO_ROOT (the revdeps plan and test
# of the fmf tree at the root, and in data/revdeps a Packit job and a debian/tests/control stanza)
# are what tmt's JSON schemas, Packit and autopkgtest accept; see check_recipes.py. tmt's schemas are read in place from the shared data
# beside the repository. Exit status 77 (skipped) without python3's yaml or jsonschema module.
set -euo pipefail
root=${1:?usage: test_recipes.sh REPO_ROOT}
schemas=$root/../shared/data/tmt-schema/all

python=$(command -v python3) || { echo "SKIP: python3 is not installed"; exit 77; }
for module in yaml jsonschema; do
    "$python" -c "import $module" 2>/dev/null \
        || { echo "SKIP: python3's $module module is not installed (python3-$module)"; exit 77; }
done
[[ -f $schemas/test.yaml && -f $schemas/plan.yaml ]] \
    || { echo "error: no tmt schemas (test.yaml, plan.yaml) in $schemas" >&2; exit 1; }

exec "$python" "$(dirname "$0")/check_recipes.py" "$schemas" "$root"
