#!/bin/bash
# --affected-by=WHAT keeps the tests a change to WHAT (a file, a SONAME, a package) can reach:
# through the programs their Exec runs (behind env, sh -c and #!) and what those load;
# --changed-symbols puts the tests that import a changed symbol first; --explain says why.
# The programs are the system's own (GLib's gio and gdbus, bash, true).
source "$(dirname "$0")/lib.sh"

for prog in /usr/bin/gio /usr/bin/gdbus /bin/bash; do
    [[ -x $prog ]] || skip "$prog is not installed"
done
gio_lib=$(ldd /usr/bin/gio | awk '$1 == "libgio-2.0.so.0" {print $3}')
[[ -n $gio_lib ]] || skip "/usr/bin/gio does not load libgio-2.0.so.0"

make_test direct/gio.test session "/usr/bin/gio version"
make_test plain/true.test session "/bin/true"
make_test wrapped/sh-env.test session "/bin/sh -c 'env A=1 B=2 gdbus help >/dev/null 2>&1; exit 0'"
printf '#!/bin/bash\nexit 0\n' >"$BIN/script"
chmod +x "$BIN/script"
make_test wrapped/script.test session "$BIN/script"
make_test broken/missing.test session "/nonexistent/prog --tap"

# list_names ARGS...: the names --list prints, one a line, in its order.
list_names() {
    run_runner -d "$TREE" --list "$@"
    assert_eq "$RC" 0 "exit status of --list $*"
    sed -n 's/ (.*)$//p' "$OUT" | grep -v '^    '
}

# By SONAME, by path and by the owning package: the same tests. A test whose Exec cannot be
# followed is kept, not dropped unseen.
gio_tests="broken/missing.test
direct/gio.test
wrapped/sh-env.test"
assert_eq "$(list_names --affected-by=libgio-2.0.so.0)" "$gio_tests" "selected by SONAME"
assert_eq "$(list_names --affected-by="$gio_lib")" "$gio_tests" "selected by path"
assert_eq "$(list_names --affected-by="$(realpath "$gio_lib")")" "$gio_tests" "by canonical path"
if command -v dpkg >/dev/null && package=$(dpkg -S "$(realpath "$gio_lib")" 2>/dev/null); then
    package=${package%%:*}
    assert_eq "$(list_names --affected-by="$package")" "$gio_tests" "selected by package $package"
fi
# A script's interpreter: bash loads libtinfo, dash and true do not.
if tinfo=$(ldd /bin/bash | awk '$1 ~ /^libtinfo/ {print $1}') && [[ -n $tinfo ]]; then
    assert_eq "$(list_names --affected-by="$tinfo")" "broken/missing.test
wrapped/script.test" "selected through #!/bin/bash"
    # The union of several --affected-by.
    assert_eq "$(list_names --affected-by="$tinfo" --affected-by=libgio-2.0.so.0 | wc -l)" 4 \
        "tests in the union"
fi
# A program itself.
assert_eq "$(list_names --affected-by=/bin/true)" "broken/missing.test
plain/true.test" "selected by the program run"

# --explain: one indented line per test.
run_runner -d "$TREE" --list --explain --affected-by=libgio-2.0.so.0
assert_line "$OUT" "    links libgio-2.0.so.0 via /usr/bin/gio"
assert_contains "$OUT" "    links libgio-2.0.so.0 via /usr/bin/gdbus"
assert_line "$OUT" "    cannot analyse its Exec: /nonexistent/prog: No such file or directory"
assert_eq "$(grep -c '^    ' "$OUT")" 3 "explanation lines"

# --changed-symbols: tests importing one come first, in the listing and in the run.
symbol=$(comm -23 <(nm -D --undefined-only /usr/bin/gdbus | awk '{print $2}' | sed 's/@.*//' | sort -u) \
    <(nm -D --undefined-only /usr/bin/gio | awk '{print $2}' | sed 's/@.*//' | sort -u) |
    grep '^g_dbus_' | head -n 1)
[[ -n $symbol ]] || fail "no g_dbus_ symbol that gdbus imports and gio does not"
assert_eq "$(list_names --affected-by=libgio-2.0.so.0 --changed-symbols="no_such_symbol,$symbol" |
    head -n 1)" wrapped/sh-env.test "first with --changed-symbols"
printf '# from the diff\n%s\n\n' "$symbol" >"$SCRATCH/symbols"
run_runner -d "$TREE" --list --explain --changed-symbols=@"$SCRATCH/symbols"
assert_eq "$(head -n 2 "$OUT")" "wrapped/sh-env.test ($TREE/installed-tests)
    uses $symbol" "--changed-symbols=@FILE without --affected-by"
assert_eq "$(grep -c ' (' "$OUT")" 5 "every test listed without --affected-by"
run_runner -d "$TREE" --order=name --affected-by=libgio-2.0.so.0 --changed-symbols="$symbol"
assert_eq "$(started_order | head -n 1)" wrapped/sh-env.test "run order with --changed-symbols"

# A run: only the affected tests run, each explained under its Running line.
run_runner -d "$TREE" --explain --affected-by=/bin/bash
assert_eq "$RC" 2 "exit status (the missing program fails)"
assert_eq "$(started_order | sort)" "broken/missing.test
wrapped/script.test" "tests run"
assert_eq "$(grep -A1 -xF 'Running test: wrapped/script.test' "$OUT" | tail -n 1)" \
    "    runs /bin/bash" "the explanation under the Running line"
assert_contains "$OUT" "SUMMARY: total=2;"

# What names nothing is an error, before anything runs.
for what in /no/such/file libnosuch-9.so.3 no-such-package-xyz; do
    run_runner -d "$TREE" --affected-by="$what"
    assert_eq "$RC" 1 "exit status for --affected-by=$what"
    assert_contains "$ERR" "--affected-by=$what: no such"
    assert_not_contains "$OUT" "Running test:"
done
run_runner -d "$TREE" --affected-by=/usr/lib
assert_eq "$RC" 1 "exit status for a directory"
assert_contains "$ERR" "--affected-by=/usr/lib: a directory"
run_runner -d "$TREE" --changed-symbols=@"$SCRATCH/no-such-file"
assert_eq "$RC" 1 "exit status for a missing --changed-symbols file"
assert_contains "$ERR" "no-such-file"
assert_tmp_clean
