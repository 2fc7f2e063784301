#!/bin/bash
# `meson install` puts ginsttest-runner and its man page in place, and -Dgdtr_alias=true adds
# the gnome-desktop-testing-runner name, which runs the same program.
set -euo pipefail
source_root=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

meson setup "$work/build" "$source_root" -Dgdtr_alias=true -Dtests=false --prefix=/usr >/dev/null
meson compile -C "$work/build" >/dev/null
DESTDIR="$work/dest" meson install -C "$work/build" --no-rebuild --quiet

for file in usr/bin/ginsttest-runner usr/bin/gnome-desktop-testing-runner \
            usr/libexec/ginsttest-spawner usr/share/man/man1/ginsttest-runner.1; do
    [[ -e $work/dest/$file ]] || { echo "not installed: /$file" >&2; exit 1; }
done
version=$("$work/dest/usr/bin/gnome-desktop-testing-runner" --version)
[[ $version == "ginsttest-runner "* ]] || { echo "alias runs something else: $version" >&2; exit 1; }
echo ok
