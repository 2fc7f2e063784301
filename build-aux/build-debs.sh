#!/bin/bash
# build-debs.sh OUTDIR: builds the Debian packages (debian/) from the working tree, tracked and
# untracked files alike but not what .gitignore names (build directories), with
# dpkg-buildpackage -us -uc -b in a copy under OUTDIR, so the tree stays clean. The .deb files
# end up in OUTDIR; the build's log in OUTDIR/build.log.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: build-debs.sh OUTDIR}
mkdir -p "$out"
out=$(realpath "$out")
src=$out/ginsttest-runner
rm -rf "$src" "$out"/*.deb "$out"/*.buildinfo "$out"/*.changes
mkdir "$src"
git ls-files --cached --others --exclude-standard -z | tar --null -T - -c | tar -x -C "$src"
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1; then
    tail -n 40 "$out/build.log" >&2
    echo "build-debs.sh: dpkg-buildpackage failed; the whole log is $out/build.log" >&2
    exit 1
fi
ls "$out"/*.deb
