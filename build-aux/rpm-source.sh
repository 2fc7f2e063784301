#!/bin/bash
# rpm-source.sh version: prints the project version of meson.build (what ginsttest-runner.spec's
#   Version must be).
# rpm-source.sh archive [DIR]: writes DIR/ginsttest-runner-VERSION.tar.gz (default DIR: .), the
#   Source0 of ginsttest-runner.spec: git archive of HEAD, every file under the directory
#   ginsttest-runner-VERSION/ that %autosetup enters. Prints the archive's path last.
# Packit's get-current-version and create-archive actions (.packit.yaml) run it from the
# repository's root; so does check_packaging.py.
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n "s/^  version: '\([^']*\)',\$/\1/p" meson.build)
[[ $version =~ ^[0-9]+(\.[0-9]+)*$ ]] \
    || { echo "rpm-source.sh: no project version in meson.build" >&2; exit 1; }

case ${1:-} in
version)
    echo "$version"
    ;;
archive)
    dir=${2:-.}
    archive=$dir/ginsttest-runner-$version.tar.gz
    git archive --format=tar.gz --prefix="ginsttest-runner-$version/" --output="$archive" HEAD
    echo "$archive"
    ;;
*)
    echo "usage: rpm-source.sh version | archive [DIR]" >&2
    exit 2
    ;;
esac
