# Shared by the tests of the Debian packages: the .deb files built by build-aux/build-debs.sh,
# named by GINSTTEST_DEBS (their directory). These tests install and remove packages on the
# machine itself, so they run only when asked to: without GINSTTEST_DEBS, or not as root on
# Debian, they skip (exit status 77).
set -euo pipefail

skip() { echo "SKIP: $*" >&2; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[[ -n ${GINSTTEST_DEBS:-} ]] || skip "GINSTTEST_DEBS is not set (build-aux/build-debs.sh makes the packages)"
[[ $(id -u) == 0 ]] || skip "installing packages needs root"
command -v dpkg >/dev/null || skip "not a Debian system"

# deb PACKAGE: the path of PACKAGE's .deb in GINSTTEST_DEBS.
deb() {
    local found
    found=$(find "$GINSTTEST_DEBS" -maxdepth 1 -name "${1}_*.deb" | head -n 1)
    [[ -n $found ]] || fail "no ${1}_*.deb in $GINSTTEST_DEBS"
    echo "$found"
}

installed() { [[ $(dpkg-query -W -f '${db:Status-Status}' "$1" 2>/dev/null) == installed ]]; }

# dpkg_quiet ARGS...: dpkg, whose output is shown only when it fails.
dpkg_quiet() {
    local log
    log=$(mktemp)
    if ! DEBIAN_FRONTEND=noninteractive dpkg "$@" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        fail "dpkg $* failed"
    fi
    rm -f "$log"
}
