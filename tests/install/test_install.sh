#!/bin/bash
# `meson install` puts ginsttest-runner, its man pages, its journal message catalog and its
# systemd unit in place, and -Dgdtr_alias=true adds the gnome-desktop-testing-runner name, which
# runs the same program. Another prefix puts everything under it (the catalog and the unit too,
# though systemd's directories are under /usr), and the unit runs the runner installed there.
# -Dinstalled_tests=true installs the project's own installed tests, each running a script
# installed beside lib.sh, with the installed runner.
set -euo pipefail
source_root=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

meson setup "$work/build" "$source_root" -Dgdtr_alias=true -Dtests=false -Dinstalled_tests=true \
    --prefix=/usr >/dev/null
meson compile -C "$work/build" >/dev/null
DESTDIR="$work/dest" meson install -C "$work/build" --no-rebuild --quiet

for file in usr/bin/ginsttest-runner usr/bin/gnome-desktop-testing-runner \
            usr/libexec/ginsttest-spawner usr/share/man/man1/ginsttest-runner.1 \
            usr/share/man/man5/installed-tests.5 \
            usr/lib/systemd/catalog/ginsttest-runner.catalog \
            usr/share/bash-completion/completions/ginsttest-runner \
            usr/lib/systemd/system/ginsttest-runner.service; do
    [[ -e $work/dest/$file ]] || { echo "not installed: /$file" >&2; exit 1; }
done
# The unit starts the runner where it was installed (Debian 12's systemd.pc says
# /lib/systemd/system for units; ours go under the prefix, /usr/lib, which systemd reads too).
grep -q '^ExecStart=/usr/bin/ginsttest-runner ' "$work/dest/usr/lib/systemd/system/ginsttest-runner.service" \
    || { echo "the installed unit does not run /usr/bin/ginsttest-runner" >&2; exit 1; }
version=$("$work/dest/usr/bin/gnome-desktop-testing-runner" --version)
[[ $version == "ginsttest-runner "* ]] || { echo "alias runs something else: $version" >&2; exit 1; }
# The installed catalog is one journalctl can index (gdtr's "complete" ID is in it).
if command -v journalctl >/dev/null; then
    journalctl --root="$work/dest" --update-catalog
    journalctl --root="$work/dest" --list-catalog 4d013788dd704743b826436c951e551d | grep -q . \
        || { echo "journalctl finds no entry in the installed catalog" >&2; exit 1; }
fi

# The installed tests: their runner lists them all, and each Exec names the installed runner and
# an installed script with lib.sh beside it.
tests_dir=$work/dest/usr/share/installed-tests/ginsttest-runner
count=$(find "$tests_dir" -name '*.test' | wc -l)
(( count >= 10 )) || { echo "only $count installed tests in $tests_dir" >&2; exit 1; }
listed=$("$work/dest/usr/bin/ginsttest-runner" --list --dir "$work/dest/usr/share" ginsttest-runner/ | wc -l)
[[ $listed == "$count" ]] || { echo "--list shows $listed of $count installed tests" >&2; exit 1; }
for test_file in "$tests_dir"/*.test; do
    exec_line=$(sed -n 's/^Exec=//p' "$test_file")
    read -r script runner <<<"$exec_line"
    [[ $runner == /usr/bin/ginsttest-runner && $script == /usr/libexec/installed-tests/ginsttest-runner/test_*.sh ]] \
        || { echo "$test_file: Exec=$exec_line" >&2; exit 1; }
    [[ -x $work/dest$script && -f $(dirname "$work/dest$script")/lib.sh ]] \
        || { echo "$test_file: $script is not installed with lib.sh" >&2; exit 1; }
done

# Configured only: meson lists where each file would go.
meson setup "$work/build-prefix" "$source_root" -Dtests=false -Dinstalled_tests=true \
    --prefix="$work/prefix" >/dev/null
meson introspect --installed "$work/build-prefix" | python3 -c '
import json, sys
prefix = sys.argv[1] + "/"
dests = json.load(sys.stdin).values()
outside = [d for d in dests if not d.startswith(prefix)]
assert not outside, f"installed outside the prefix: {outside}"
assert prefix + "lib/systemd/catalog/ginsttest-runner.catalog" in dests, sorted(dests)
assert prefix + "share/bash-completion/completions/ginsttest-runner" in dests, sorted(dests)
assert prefix + "lib/systemd/system/ginsttest-runner.service" in dests, sorted(dests)
assert prefix + "share/installed-tests/ginsttest-runner/test_outcomes.test" in dests, sorted(dests)
assert prefix + "libexec/installed-tests/ginsttest-runner/lib.sh" in dests, sorted(dests)
' "$work/prefix" || { echo "--prefix=$work/prefix: wrong install paths" >&2; exit 1; }
grep -q "^ExecStart=$work/prefix/bin/ginsttest-runner " \
    "$work/build-prefix/data/systemd/ginsttest-runner.service" \
    || { echo "--prefix=$work/prefix: the unit runs another runner" >&2; exit 1; }
grep -qx "Exec=$work/prefix/libexec/installed-tests/ginsttest-runner/test_outcomes.sh $work/prefix/bin/ginsttest-runner" \
    "$work/build-prefix/tests/installed/test_outcomes.test" \
    || { echo "--prefix=$work/prefix: the installed tests run another runner" >&2; exit 1; }
echo ok
