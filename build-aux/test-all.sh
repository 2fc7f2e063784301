#!/bin/bash
# Installs what the build and the tests need (Debian 12, as root), builds the project twice
# (a normal build and one with AddressSanitizer + UndefinedBehaviorSanitizer) and runs the whole
# test suite in both, then runs the fuzz targets (a clang build), then builds the Debian packages
# and, as root, tests them on this machine (the debian suite: installation beside
# gnome-desktop-testing, autopkgtest). Ends with one line "N passed, N failed[, N skipped]"
# counted from meson's own results. Exit status: 0 when nothing failed.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2046 # one package per word
    apt-get install -y -q --no-install-recommends \
        $(cat build-aux/build-deps.txt build-aux/run-deps.txt build-aux/test-deps.txt) </dev/null
fi

# A build directory is configured once, then reused.
setup() {
    local dir=$1
    shift
    if [[ -f $dir/build.ninja ]]; then
        meson configure "$dir" "$@" >/dev/null
    else
        meson setup "$dir" "$@"
    fi
}

setup _build
setup _build-sanitize -Db_sanitize=address,undefined -Db_lundef=false

status=0
# The debian suite installs packages: it runs once, last, against the packages built below.
meson test -C _build --print-errorlogs --no-suite debian || status=1
# Sanitizer findings must fail the test that triggered them.
ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C _build-sanitize --print-errorlogs --no-suite debian || status=1

# The libFuzzer targets (TAP parser, .test parser), about a minute each, with clang.
logs=(_build/meson-logs/testlog.json _build-sanitize/meson-logs/testlog.json)
if command -v clang++ >/dev/null; then
    CC=clang CXX=clang++ setup _build-fuzz -Dfuzzing=true -Db_sanitize=address,undefined \
        -Db_lundef=false
    meson test -C _build-fuzz --suite fuzz --print-errorlogs || status=1
    logs+=(_build-fuzz/meson-logs/testlog.json)
fi

# The Debian packages, built from the tree and tested on this machine (as root only: they are
# installed and removed). A failed build counts as a failed run, and its log's end is shown.
if [[ $(id -u) == 0 ]] && command -v dpkg-buildpackage >/dev/null; then
    if bash build-aux/build-debs.sh _build-deb; then
        GINSTTEST_DEBS=$PWD/_build-deb meson test -C _build --suite debian --logbase debian \
            --print-errorlogs || status=1
        logs+=(_build/meson-logs/debian.json)
    else
        status=1
        logs+=(_build-deb/no-packages-were-built.json)
    fi
fi

python3 build-aux/count-results.py "${logs[@]}"
exit $status
