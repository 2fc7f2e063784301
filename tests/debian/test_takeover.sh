#!/bin/bash
# ginsttest-runner beside gnome-desktop-testing: our package takes the name ginsttest-runner
# (and its man page) over by a diversion, in either order of installation, while
# gnome-desktop-testing-runner stays gnome-desktop-testing's; ginsttest-runner-gdtr-alias gives
# that name to ours too, and gnome-desktop-testing's runner still works under its diverted name;
# removing our packages gives every name back. Leaves the packages as it found them.
source "$(dirname "$0")/lib.sh"

ours=$(deb ginsttest-runner)
alias_deb=$(deb ginsttest-runner-gdtr-alias)
work=$(mktemp -d)

# gnome-desktop-testing's own .deb, to install it again: apt's cache, else the archive.
gdtr=$(find /var/cache/apt/archives -maxdepth 1 -name 'gnome-desktop-testing_*.deb' | head -n 1)
if [[ -z $gdtr ]]; then
    (cd "$work" && apt-get download -q gnome-desktop-testing >/dev/null 2>&1) \
        || fail "cannot get gnome-desktop-testing's .deb (apt-get download)"
    gdtr=$(find "$work" -name 'gnome-desktop-testing_*.deb')
fi

had_ours=no had_gdtr=no
installed ginsttest-runner && had_ours=yes
installed gnome-desktop-testing && had_gdtr=yes
restore() {
    dpkg -r ginsttest-runner-gdtr-alias ginsttest-runner-tests ginsttest-runner >/dev/null 2>&1 || true
    if [[ $had_gdtr == yes ]]; then dpkg -i "$gdtr" >/dev/null 2>&1 || true; else dpkg -r gnome-desktop-testing >/dev/null 2>&1 || true; fi
    if [[ $had_ours == yes ]]; then dpkg -i "$ours" >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap restore EXIT

# runs_ours PATH, runs_gdtr PATH: PATH runs our runner, or gnome-desktop-testing's, which has
# no --version and says so.
runs_ours() { [[ $("$1" --version 2>/dev/null) == "ginsttest-runner "* ]]; }
runs_gdtr() { [[ $("$1" --version 2>&1) == *"Unknown option --version"* ]]; }
# man_is_ours PAGE: the man page at PAGE (compressed) is ours.
man_is_ours() { [[ $(zcat "$1") == *"STACKS AND BACKTRACES"* ]]; }
no_diversions() {
    [[ -z $(dpkg-divert --list | grep -E 'by ginsttest-runner(-gdtr-alias)?$') ]] \
        || fail "diversions left: $(dpkg-divert --list | grep ginsttest-runner)"
}

bin=/usr/bin man1=/usr/share/man/man1 diverted=.gnome-desktop-testing

# The start: gnome-desktop-testing alone.
dpkg -r ginsttest-runner-gdtr-alias ginsttest-runner-tests ginsttest-runner >/dev/null 2>&1 || true
dpkg_quiet -i "$gdtr"
runs_gdtr $bin/ginsttest-runner || fail "gnome-desktop-testing alone: ginsttest-runner is not its runner"

# Ours installed second: it has the name, the other package's files moved aside and still work.
dpkg_quiet -i "$ours"
runs_ours $bin/ginsttest-runner || fail "ginsttest-runner does not run ours"
man_is_ours $man1/ginsttest-runner.1.gz || fail "man ginsttest-runner is not ours"
runs_gdtr $bin/gnome-desktop-testing-runner || fail "gnome-desktop-testing-runner is not gdtr's"
runs_gdtr $bin/ginsttest-runner$diverted || fail "no gdtr at the diverted name"
[[ -e $man1/ginsttest-runner$diverted.1.gz ]] || fail "gdtr's man page was not moved aside"
[[ $(dpkg-divert --listpackage $bin/ginsttest-runner) == ginsttest-runner ]] \
    || fail "the diversion is not ours: $(dpkg-divert --list $bin/ginsttest-runner)"

# gnome-desktop-testing removed, then installed after ours: its files go to the diverted names.
dpkg_quiet -r gnome-desktop-testing
runs_ours $bin/ginsttest-runner || fail "removing gnome-desktop-testing took ours"
[[ ! -e $bin/ginsttest-runner$diverted ]] || fail "the diverted name outlived its package"
dpkg_quiet -i "$gdtr"
runs_ours $bin/ginsttest-runner || fail "gnome-desktop-testing installed second took the name"
runs_gdtr $bin/ginsttest-runner$diverted || fail "gdtr installed second: not at the diverted name"

# The alias package: the old name runs ours; gnome-desktop-testing's runner is still there.
dpkg_quiet -i "$alias_deb"
runs_ours $bin/gnome-desktop-testing-runner || fail "with the alias, gnome-desktop-testing-runner is not ours"
man_is_ours $man1/gnome-desktop-testing-runner.1.gz || fail "with the alias, its man page is not ours"
runs_gdtr $bin/gnome-desktop-testing-runner$diverted || fail "with the alias, gdtr's runner is gone"
dpkg_quiet -r ginsttest-runner-gdtr-alias
runs_gdtr $bin/gnome-desktop-testing-runner || fail "without the alias, the old name is not gdtr's again"

# Ours removed: every name is gnome-desktop-testing's again.
dpkg_quiet -r ginsttest-runner
runs_gdtr $bin/ginsttest-runner || fail "after removal, ginsttest-runner is not gdtr's again"
[[ ! -e $bin/ginsttest-runner$diverted ]] || fail "after removal, the diverted name is left"
! man_is_ours $man1/ginsttest-runner.1.gz || fail "after removal, man ginsttest-runner is still ours"
no_diversions
echo ok
