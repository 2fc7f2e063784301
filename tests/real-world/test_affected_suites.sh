#!/bin/bash
# --affected-by, --changed-symbols and --baseline on Debian's own installed tests: what a change
# to libsoup, libmozjs, GTK 4 or GTK 3 selects among the suites installed here, what it must
# leave out, and a gated run with a regression, a known failure and a fixed test.
source "$(dirname "$0")/../integration/lib.sh"
suites=(libsoup-3.0 libjcat pango gtk-4.0 gjs glib gspell-1)
for suite in "${suites[@]}"; do
    [[ -d /usr/share/installed-tests/$suite ]] || skip "the $suite installed tests are not installed"
done
command -v nm >/dev/null || skip "nm is not installed (binutils)"

# selected ARGS...: "SUITE COUNT" for each suite the --list of the system's tests names.
selected() {
    gtr --dir=/usr/share --list "$@" >"$OUT" 2>"$ERR" || fail "--list $* failed"
    grep -v '^    ' "$OUT" | sed 's|/.*||' | sort | uniq -c | awk '{print $2, $1}'
}
count() { find "/usr/share/installed-tests/$1" -name '*.test' | wc -l; }
soup=$(count libsoup-3.0) gjs=$(count gjs) gtk4=$(count gtk-4.0) gspell=$(count gspell-1)

# By SONAME, by path, by package: libsoup's tests and nothing else (not GLib's: GLib does not
# depend on libsoup).
assert_eq "$(selected --affected-by=libsoup-3.0.so.0)" "libsoup-3.0 $soup" "libsoup by SONAME"
soup_lib=$(realpath /usr/lib/*/libsoup-3.0.so.0)
assert_eq "$(selected --affected-by="$soup_lib")" "libsoup-3.0 $soup" "libsoup by path"
assert_eq "$(selected --affected-by=libsoup-3.0-0)" "libsoup-3.0 $soup" "libsoup by package"
# Debian builds libsoup's tests against a copy of libsoup inside their libtest-utils.so: no
# test program loads libsoup-3.0.so.0, and only the package says they test it.
gtr --dir=/usr/share --list --explain --affected-by=libsoup-3.0.so.0 >"$OUT"
assert_line "$OUT" "    package libsoup-3.0-tests depends on libsoup-3.0-0"

# The -dev package's symlink names the same library: everything that loads GLib.
glib_dev=$(ls /usr/lib/*/libglib-2.0.so 2>/dev/null | head -n 1)
if [[ -n $glib_dev ]]; then
    assert_eq "$(gtr --list --affected-by="$glib_dev" | wc -l)" \
        "$(gtr --list --affected-by=libglib-2.0.so.0 | wc -l)" "tests selected by $glib_dev"
fi

# Transitive: every gjs test reaches libmozjs through libgjs, by ELF and by package.
assert_contains <(selected --affected-by=libmozjs-102.so.0) "gjs $gjs"
gtr --dir=/usr/share --list --explain --affected-by=libmozjs-102.so.0 gjs/ >"$OUT"
assert_contains "$OUT" "package gjs-tests depends on libmozjs-102-0 (through"
assert_contains "$OUT" "links libmozjs-102.so.0 via /usr/libexec/installed-tests/gjs/"

# GTK 4: every test, behind /bin/sh -c "env ... prog"; gspell's GTK 3 tests are left out, and
# tools/settings.test (a script that runs gtk4-query-settings) is there through its package.
assert_eq "$(selected --affected-by=libgtk-4.so.1)" "gtk-4.0 $gtk4" "GTK 4's tests"
gtr --dir=/usr/share --list --explain --affected-by=libgtk-4.so.1 gtk-4.0/gtk/label >"$OUT"
assert_line "$OUT" "    links libgtk-4.so.1 via /usr/libexec/installed-tests/gtk-4.0/gtk/label; package gtk-4-tests depends on libgtk-4-1"
assert_contains <(selected --affected-by=libgtk-3.so.0) "gspell-1 $gspell"
gtr --dir=/usr/share --list --explain --affected-by=libgtk-4.so.1 gtk-4.0/tools/settings >"$OUT"
assert_line "$OUT" "gtk-4.0/tools/settings.test (/usr/share/installed-tests)"
assert_contains "$OUT" "package gtk-4-tests depends on libgtk-4-1"
# libjcat's test runs behind sh -c 'VAR=... prog'; it has its own copy of libjcat (only its
# package says it tests libjcat1), and loads json-glib.
assert_eq "$(selected --affected-by=libjcat.so.1)" "libjcat 1" "libjcat's test"
gtr --dir=/usr/share --list --explain --affected-by=libjcat.so.1 >"$OUT"
assert_line "$OUT" "    package libjcat-tests depends on libjcat1"
gtr --dir=/usr/share --list --explain --affected-by=libjson-glib-1.0.so.0 libjcat >"$OUT"
assert_contains "$OUT" "    links libjson-glib-1.0.so.0 via /usr/libexec/installed-tests/libjcat/jcat-self-test"

# Symbol order: the libsoup tests importing a symbol only some of them use come first.
declare -A users=()
symbol=
for prog in /usr/libexec/installed-tests/libsoup-3.0/*-test; do
    nm -D --undefined-only "$prog" | awk '{print $2}' | sed 's/@.*//'
done | grep '^soup_' | sort | uniq -c | sort -n | awk -v n="$soup" '$1 > 1 && $1 < n/2 {print $2}' >"$SCRATCH/few"
symbol=$(head -n 1 "$SCRATCH/few")
[[ -n $symbol ]] || fail "no libsoup symbol that only a few of its tests import"
for prog in /usr/libexec/installed-tests/libsoup-3.0/*-test; do
    if nm -D --undefined-only "$prog" | awk '{print $2}' | sed 's/@.*//' | grep -qxF "$symbol"; then
        users[libsoup-3.0/$(basename "$prog").test]=1
    fi
done
gtr --dir=/usr/share --list --explain --affected-by=libsoup-3.0-0 --changed-symbols="$symbol" >"$OUT"
mapfile -t order < <(grep -v '^    ' "$OUT" | sed 's/ (.*//')
n=${#users[@]}
assert_eq "${#order[@]}" "$soup" "tests listed with --changed-symbols"
for ((i = 0; i < ${#order[@]}; i++)); do
    if ((i < n)); then
        [[ -n ${users[${order[i]}]:-} ]] || fail "${order[i]} listed among the first $n, but does not import $symbol"
    else
        [[ -z ${users[${order[i]}]:-} ]] || fail "${order[i]} imports $symbol but comes after the others"
    fi
done
assert_eq "$(grep -c "uses $symbol" "$OUT")" "$n" "tests explained as using $symbol"

# A gated run on real tests: libjcat's test failed in the baseline (fixed now), a test of ours
# failed there and fails again (known), and a new one fails (a regression): exit status 2.
make_test extra/known-failure.test session /bin/false
make_test extra/new-failure.test session /usr/bin/false
printf '%s\n' '{"record":"test","name":"libjcat/libjcat.test","outcome":"fail"}' \
    '{"record":"test","name":"extra/known-failure.test","outcome":"timeout"}' >"$SCRATCH/baseline.json"
run_runner --dir=/usr/share --dir="$TREE" --affected-by=libjcat.so.1 --affected-by=/bin/false \
    --baseline="$SCRATCH/baseline.json" --order=name
assert_eq "$RC" 2 "exit status of the gated run"
assert_line "$OUT" "PASS: libjcat/libjcat.test (fixed)"
assert_line "$OUT" "FAIL: extra/known-failure.test (exited with status 1) (known failure)"
assert_line "$OUT" "FAIL: extra/new-failure.test (exited with status 1) (regression)"
assert_contains "$OUT" "; regressions=1; known=1; fixed=1"
# Without the new failure, the known one does not fail the run.
rm "$TREE/installed-tests/extra/new-failure.test"
run_runner --dir=/usr/share --dir="$TREE" --affected-by=libjcat.so.1 --affected-by=/bin/false \
    --baseline="$SCRATCH/baseline.json"
assert_eq "$RC" 0 "exit status with a known failure only"

# The numbers the README quotes: what each library selects among all installed tests.
total=$(gtr --list | wc -l)
for what in libglib-2.0.so.0 libsoup-3.0.so.0 libmozjs-102.so.0 libgtk-4.so.1 libgtk-3.so.0 \
    libpango-1.0.so.0 libjcat.so.1; do
    echo "--affected-by=$what: $(gtr --list --affected-by="$what" | wc -l) of $total"
done
