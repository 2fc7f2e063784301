#!/bin/bash
# The revdeps test (tmt, result: custom) on an RPM distribution, run by Testing Farm after it
# installed the pull request's build. It reads:
#   REVDEPS_PACKAGE        the binary package the pull request changes (libsoup3); required
#   REVDEPS_TEST_PACKAGES  the *-tests packages to install, separated by spaces
#                          (evolution-data-server-tests)
#   REVDEPS_ARTIFACTS      where the pull request's RPMs are (default: /var/share/test-artifacts,
#                          where Testing Farm downloads them)
#   REVDEPS_PR_REPOS       globs of the repository ids that serve the pull request's build, to
#                          disable for the baseline (default: "copr:* *test-artifacts*")
#
# Steps:
#   1. install REVDEPS_TEST_PACKAGES, and note which of the pull request's packages are
#      installed; each must be at the version of its RPM in REVDEPS_ARTIFACTS;
#   2. baseline: dnf distro-sync those packages with the pull request's repositories disabled,
#      which puts the distribution's builds in their place; check that REVDEPS_PACKAGE did
#      change; run ginsttest-runner --affected-by into baseline.jsonl (not results.yaml);
#   3. install the pull request's RPMs again and check that every package is back at the
#      version noted in step 1;
#   4. run ginsttest-runner --affected-by --baseline, which writes results.yaml for tmt: tests
#      failing now but not in the baseline fail, tests failing in both are warn.
# When a step cannot be done the script stops before results.yaml exists, and tmt reports an
# error: a run without a baseline never passes.
set -euo pipefail

fail() {
    printf 'revdeps: error: %s\n' "$*" >&2
    exit 1
}
say() { printf 'revdeps: %s\n' "$*"; }

package=${REVDEPS_PACKAGE:?set REVDEPS_PACKAGE to the binary package the pull request changes}
read -ra test_packages <<<"${REVDEPS_TEST_PACKAGES:-}"
artifacts=${REVDEPS_ARTIFACTS:-/var/share/test-artifacts}
read -ra pr_repos <<<"${REVDEPS_PR_REPOS:-copr:* *test-artifacts*}"
data=${TMT_TEST_DATA:?run this test from tmt, which sets TMT_TEST_DATA}
rm -f "$data/results.yaml"

# has_nevra NAME NEVRA: NEVRA is an installed version of NAME (there may be one per arch).
has_nevra() { rpm -q --qf '%{NEVRA}\n' "$1" 2>/dev/null | grep -qxF "$2"; }

# 1. The test packages, then the pull request's packages as installed now.
if ((${#test_packages[@]})); then
    say "installing ${test_packages[*]}"
    dnf -y install "${test_packages[@]}"
fi
declare -A rpm_file=() pr_nevra=()
shopt -s nullglob
for file in "$artifacts"/*.rpm; do
    [[ $file == *.src.rpm ]] && continue
    rpm_file[$(rpm -qp --qf '%{NAME}' "$file")]=$file
done
names=()
for name in "${!rpm_file[@]}"; do
    rpm -q "$name" >/dev/null 2>&1 || continue # debuginfo and the like, never installed
    nevra=$(rpm -qp --qf '%{NEVRA}' "${rpm_file[$name]}")
    has_nevra "$name" "$nevra" || fail "$name: the pull request's $nevra is not the one installed"
    names+=("$name")
    pr_nevra[$name]=$nevra
done
[[ -v pr_nevra[$package] ]] || fail "no $package of the pull request installed (RPMs: $artifacts)"

# 2. The baseline, with the distribution's builds of the packages it has.
disable=()
repo_files=(/etc/yum.repos.d/*.repo)
((${#repo_files[@]})) || fail "no repository in /etc/yum.repos.d"
mapfile -t repo_ids < <(sed -n 's/^[[:space:]]*\[\([^]]*\)\].*/\1/p' "${repo_files[@]}")
for id in "${repo_ids[@]}"; do
    for glob in "${pr_repos[@]}"; do
        # shellcheck disable=SC2053 # $glob is a pattern
        [[ $id == $glob ]] && disable+=("--disablerepo=$id")
    done
done
distro=()
for name in "${names[@]}"; do
    [[ -n $(dnf -q repoquery "${disable[@]}" "$name" 2>/dev/null) ]] && distro+=("$name")
done
((${#distro[@]})) || fail "the distribution has none of ${names[*]}"
say "baseline: the distribution's ${distro[*]} (${disable[*]:-no repository disabled})"
dnf -y "${disable[@]}" distro-sync "${distro[@]}"
if has_nevra "$package" "${pr_nevra[$package]}"; then
    fail "$package is still ${pr_nevra[$package]}: the distribution has no other build, or a" \
        "repository serving the pull request's build is enabled (set REVDEPS_PR_REPOS)"
fi
say "baseline with $(rpm -q "$package")"
status=0
env -u TMT_TEST_DATA ginsttest-runner --affected-by="$package" --json="$data/baseline.jsonl" \
    >"$data/baseline.txt" 2>&1 || status=$?
# 0: all passed, 2: some failed; both make a baseline. Anything else: no baseline.
((status == 0 || status == 2)) || fail "the baseline run ended with status $status (baseline.txt)"
tail -n 3 "$data/baseline.txt"

# 3. The pull request's build again, exactly as Testing Farm installed it.
files=()
for name in "${names[@]}"; do files+=("${rpm_file[$name]}"); done
dnf -y install "${files[@]}" || true # an older pull request build takes a downgrade instead
for name in "${names[@]}"; do
    has_nevra "$name" "${pr_nevra[$name]}" && continue
    dnf -y downgrade "${files[@]}" || true
    break
done
for name in "${names[@]}"; do
    has_nevra "$name" "${pr_nevra[$name]}" || fail "$name: cannot reinstall ${pr_nevra[$name]}"
done

# 4. The pull request's build, compared with the baseline; results.yaml is written for tmt.
say "compared run with ${pr_nevra[$package]}"
exec ginsttest-runner --affected-by="$package" --baseline="$data/baseline.jsonl" \
    --json="$data/results.jsonl"
