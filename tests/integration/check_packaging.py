#!/usr/bin/python3
# check_packaging.py SCHEMA_DIR REPO_ROOT: the RPM packaging of REPO_ROOT is what its tools accept.
#
#   the fmf tree at the root (.fmf/, plans/, tmt/tests/): every plan and test, read as plain
#               YAML, passes tmt's JSON schemas (and its step plugins' schemas), as is and with
#               each adjust rule applied, as check_recipes.py checks its recipes (its code, reused
#               here); /plans/installed-tests is on by default, installs ginsttest-runner-tests
#               and runs /tmt/tests/installed-tests alone, a result: custom test whose script runs
#               ginsttest-runner --as-root ginsttest-runner/; every other plan is off by default.
#   .packit.yaml
#               names the spec and the package; its actions give meson.build's version; a
#               copr_build on commits to main into a named project, a copr_build for pull
#               requests, and a tests job on pull requests whose tmt_plan selects
#               /plans/installed-tests alone.
#   ginsttest-runner.spec
#               `rpmspec -P` and `rpmspec -q` parse it, with Fedora's macros that Debian's rpm
#               lacks (%meson, %systemd_post, %_unitdir) taken from fedora-macros.rpm beside this
#               script; Version is meson.build's, the packages and their dependencies, the meson
#               options, the scriptlets and the %files lists are the expected ones, and Source0 is
#               the archive build-aux/rpm-source.sh makes (made from git here when REPO_ROOT is a
#               checkout). Not checked: that Fedora's macros expand as the stand-ins do, that the
#               build dependencies exist or suffice, and that the %files match what meson installs:
#               that takes a real build (mock or Copr).
#
# Then broken copies (a plan that runs every test, a tests job on the revdeps plan, a spec with
# another Version or an %if left open, ...) must each be rejected, or validation is not live.
# Exit status 0 when all is as expected, 1 when not, 77 when only rpmspec is missing.
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_recipes import (  # noqa: E402
    Rejected, Schemas, check_plan_node, check_test_node, discovered, load_fmf_tree, load_yaml,
    mutated, runner_invocations)

OWN_PLAN = "/plans/installed-tests"
OWN_TEST = "/tmt/tests/installed-tests"
NAME = "ginsttest-runner"
TESTS_PACKAGE = "ginsttest-runner-tests"
SPEC = "ginsttest-runner.spec"
MACROS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fedora-macros.rpm")
MARKER = "FEDORA-MACRO"

# What each package must hold and need, with Fedora's paths.
FILES = {
    NAME: {
        "/usr/bin/ginsttest-runner",
        "/usr/libexec/ginsttest-spawner",
        "/usr/share/man/man1/ginsttest-runner.1*",
        "/usr/share/man/man5/installed-tests.5*",
        "/usr/share/bash-completion/completions/ginsttest-runner",
        "/usr/lib/systemd/system/ginsttest-runner.service",
        "/usr/lib/systemd/catalog/ginsttest-runner.catalog",
    },
    TESTS_PACKAGE: {
        "%dir /usr/libexec/installed-tests",
        "/usr/libexec/installed-tests/ginsttest-runner/",
        "%dir /usr/share/installed-tests",
        "/usr/share/installed-tests/ginsttest-runner/",
    },
}
REQUIRES = {
    NAME: {"xorg-x11-server-Xvfb", "dbus-daemon", "elfutils", "systemd"},
    TESTS_PACKAGE: {"perl(TAP::Parser)", "python3", "/usr/bin/xmllint", "/usr/bin/dbus-send",
                    "/usr/bin/xdpyinfo"},
}
BUILD_REQUIRES = {
    "meson", "gcc-c++", "glib2-devel", "json-glib-devel", "systemd-devel", "fmt-devel",
    "elfutils-libelf-devel", "libxcb-devel", "pkgconfig(bash-completion)", "systemd-rpm-macros",
}
SCRIPTLETS = {
    "%post": "systemd_post ginsttest-runner.service",
    "%preun": "systemd_preun ginsttest-runner.service",
    "%postun": "systemd_postun ginsttest-runner.service",
}


def project_version(repo_root):
    out = subprocess.run(["bash", os.path.join(repo_root, "build-aux", "rpm-source.sh"),
                          "version"], capture_output=True, text=True)
    if out.returncode != 0:
        raise Rejected(f"build-aux/rpm-source.sh version: {out.stderr.strip()}")
    return out.stdout.strip()


# ---- the fmf tree


def check_own_test(test, test_dir, what):
    for key, want in (("framework", "shell"), ("result", "custom")):
        if test.get(key) != want:
            raise Rejected(f"{what}: {key} is {test.get(key)!r}, not {want!r}")
    require = test.get("require", [])
    require = require if isinstance(require, list) else [require]
    if TESTS_PACKAGE not in require:
        raise Rejected(f"{what}: {TESTS_PACKAGE} is not required")
    script = os.path.normpath(os.path.join(test_dir, shlex.split(test["test"])[0]))
    if not (os.path.isfile(script) and os.access(script, os.X_OK)):
        raise Rejected(f"{what}: test {test['test']!r}: no executable {script}")
    syntax = subprocess.run(["bash", "-n", script], capture_output=True, text=True)
    if syntax.returncode != 0:
        raise Rejected(f"{what}: bash -n {script}: {syntax.stderr.strip()}")
    with open(script, encoding="utf-8") as f:
        calls = runner_invocations(f.read())
    for call in calls:
        words = shlex.split(call)
        start = words.index(NAME)
        if "--as-root" in words[start:] and "ginsttest-runner/" in words[start:]:
            return script
    raise Rejected(f"{what}: {script} never runs ginsttest-runner --as-root ginsttest-runner/")


def check_own_plan(plan, test_names, what):
    if plan.get("enabled", True) is not True:
        raise Rejected(f"{what}: enabled is {plan.get('enabled')!r}: the plan would not run")
    selected = discovered(plan, test_names)
    if selected != [OWN_TEST]:
        raise Rejected(f"{what}: discover selects {selected or 'nothing'} of "
                       f"{sorted(test_names)}, not {OWN_TEST} alone")
    prepare = plan.get("prepare", [])
    phases = prepare if isinstance(prepare, list) else [prepare]
    if not any(isinstance(p, dict) and p.get("how") == "install"
               and TESTS_PACKAGE in (p.get("package") if isinstance(p.get("package"), list)
                                     else [p.get("package")])
               for p in phases):
        raise Rejected(f"{what}: no prepare phase installs {TESTS_PACKAGE}")


def check_tree(schemas, repo_root, say):
    """Every node of the root fmf tree; returns (tests, plans) as load_fmf_tree does."""
    tests, plans = load_fmf_tree(repo_root, say)
    for name, (path, test) in tests.items():
        check_test_node(schemas, test, path)
        say(path, f"tmt test schema ({name})")
    for name, (path, plan) in plans.items():
        check_plan_node(schemas, plan, path)
        if name != OWN_PLAN and plan.get("enabled") is not False:
            raise Rejected(f"{path}: {name} is on by default: every tmt run would run it too")
        say(path, f"tmt plan schema and step plugin schemas ({name})")
    if OWN_TEST not in tests or OWN_PLAN not in plans:
        raise Rejected(f"{repo_root}: no test {OWN_TEST} or no plan {OWN_PLAN} in the fmf tree")
    path, test = tests[OWN_TEST]
    script = check_own_test(test, os.path.dirname(path), path)
    say(path, f"result: custom; runs {os.path.relpath(script, repo_root)}, which runs "
              "ginsttest-runner --as-root ginsttest-runner/")
    path, plan = plans[OWN_PLAN]
    check_own_plan(plan, set(tests), path)
    say(path, f"on by default; installs {TESTS_PACKAGE}; runs {OWN_TEST} alone")
    return tests, plans


# ---- Packit


def check_packit(config, plan_names, version, repo_root, what):
    if not isinstance(config, dict) or not isinstance(config.get("jobs"), list):
        raise Rejected(f"{what}: no list of jobs")
    if config.get("specfile_path") != SPEC:
        raise Rejected(f"{what}: specfile_path is {config.get('specfile_path')!r}, not {SPEC!r}")
    for key in ("upstream_package_name", "downstream_package_name"):
        if config.get(key) != NAME:
            raise Rejected(f"{what}: {key} is {config.get(key)!r}, not {NAME!r}")
    actions = config.get("actions", {})
    for action in ("get-current-version", "create-archive"):
        commands = actions.get(action) if isinstance(actions, dict) else None
        if not commands:
            raise Rejected(f"{what}: no {action} action")
    # The version action is harmless (it reads meson.build): run it as Packit would, without a
    # shell, in the repository's root.
    output = ""
    for command in actions["get-current-version"]:
        run = subprocess.run(shlex.split(command), cwd=repo_root, capture_output=True, text=True)
        if run.returncode != 0:
            raise Rejected(f"{what}: get-current-version {command!r} failed: {run.stderr.strip()}")
        output = run.stdout
    if output.strip() != version:
        raise Rejected(f"{what}: get-current-version gives {output.strip()!r}, meson.build "
                       f"{version!r}")
    jobs = [j for j in config["jobs"] if isinstance(j, dict)]
    commit_builds = [j for j in jobs if j.get("job") == "copr_build"
                     and j.get("trigger") == "commit" and j.get("branch") == "main"]
    if not commit_builds:
        raise Rejected(f"{what}: no copr_build on commits to main")
    if not all(j.get("project") and j.get("targets") for j in commit_builds):
        raise Rejected(f"{what}: the copr_build on main has no project: or no targets")
    if not any(j.get("job") == "copr_build" and j.get("trigger") == "pull_request" for j in jobs):
        raise Rejected(f"{what}: no copr_build for pull requests")
    tests_jobs = [j for j in jobs if j.get("job") == "tests"]
    if not tests_jobs:
        raise Rejected(f"{what}: no tests job")
    for job in tests_jobs:
        if job.get("trigger") != "pull_request":
            raise Rejected(f"{what}: a tests job runs on {job.get('trigger')!r}, not pull_request")
        if job.get("skip_build"):
            raise Rejected(f"{what}: skip_build: the pull request's build would not be installed")
        if not job.get("targets"):
            raise Rejected(f"{what}: the tests job has no targets")
        if job.get("fmf_path", ".") not in (".", "./", "") or job.get("fmf_url"):
            raise Rejected(f"{what}: the tests job reads another fmf tree than the root's")
        pattern = job.get("tmt_plan")
        if not pattern:
            raise Rejected(f"{what}: the tests job has no tmt_plan: every plan would run")
        selected = sorted(n for n in plan_names if re.search(pattern, n))
        if selected != [OWN_PLAN]:
            raise Rejected(f"{what}: tmt_plan {pattern!r} selects {selected or 'nothing'}, not "
                           f"{OWN_PLAN} alone")
    return commit_builds[0]


# ---- the spec


def rpmspec(args, spec):
    run = subprocess.run(["rpmspec", "--load", MACROS, *args, spec], capture_output=True,
                         text=True)
    if run.returncode != 0:
        raise Rejected(f"{spec}: rpmspec {' '.join(args)}: {run.stderr.strip()[-300:]}")
    return run.stdout


def sections(text):
    """{'%files tests': [lines], '%post': [...], ...} of an expanded spec."""
    result, current = {"preamble": []}, "preamble"
    for line in text.splitlines():
        match = re.match(r"^(%(?:package|description|prep|build|install|check|clean|files|"
                         r"changelog|post|preun|postun|pre|posttrans|pretrans)\b.*)$", line)
        if match:
            current = " ".join(match.group(1).split())
            result.setdefault(current, [])
        else:
            result[current].append(line)
    return result


def check_spec(spec, version, what):
    expanded = rpmspec(["-P"], spec)
    fields = "%{NAME}|%{VERSION}|%{RELEASE}|[%{REQUIRES} %{REQUIREFLAGS:depflags} " \
             "%{REQUIREVERSION};]|[%{CONFLICTS};]\n"
    packages = {}
    for line in rpmspec(["-q", "--qf", fields], spec).splitlines():
        name, pkg_version, release, requires, conflicts = line.split("|")
        packages[name] = (pkg_version, release,
                          [r.split() for r in requires.split(";") if r.strip()],
                          [c for c in conflicts.split(";") if c])
    if set(packages) != {NAME, TESTS_PACKAGE}:
        raise Rejected(f"{what}: packages {sorted(packages)}, not {NAME} and {TESTS_PACKAGE}")
    pkg_version, release, requires, conflicts = packages[NAME]
    if pkg_version != version:
        raise Rejected(f"{what}: Version {pkg_version}, but meson.build says {version}")
    if "gnome-desktop-testing" not in conflicts:
        raise Rejected(f"{what}: no Conflicts: gnome-desktop-testing (it ships "
                       "/usr/bin/ginsttest-runner too)")
    for package, needed in REQUIRES.items():
        names = {r[0] for r in packages[package][2]}
        if needed - names:
            raise Rejected(f"{what}: {package} lacks Requires: {', '.join(sorted(needed - names))}")
    if not any(r[0] in (NAME, f"{NAME}(x86-64)") or re.fullmatch(rf"{NAME}\(.*\)", r[0])
               for r in packages[TESTS_PACKAGE][2]
               if len(r) == 3 and r[1] == "=" and r[2] == f"{version}-{release}"):
        raise Rejected(f"{what}: {TESTS_PACKAGE} does not require {NAME} = {version}-{release}")
    build_requires = set(rpmspec(["-q", "--srpm", "--qf", "[%{REQUIRES}\n]"], spec).split())
    if BUILD_REQUIRES - build_requires:
        raise Rejected(f"{what}: BuildRequires lack "
                       f"{', '.join(sorted(BUILD_REQUIRES - build_requires))}")
    parts = sections(expanded)
    source = [line.split(None, 1)[1] for line in parts["preamble"]
              if re.match(r"Source0?:", line)]
    if source != [f"{NAME}-{version}.tar.gz"]:
        raise Rejected(f"{what}: Source0 is {source}, not {NAME}-{version}.tar.gz (what "
                       "build-aux/rpm-source.sh archive makes)")
    # rpm 4.18's -P leaves out the %build line itself: its commands then end %prep's.
    build = "\n".join(parts.get("%build", []) or parts.get("%prep", []))
    setup = re.search(rf"^{MARKER} meson setup (.*)$", build, re.M)
    if not setup:
        raise Rejected(f"{what}: %build does not run %meson")
    options = setup.group(1).split()
    for option in ("-Dtests=false", "-Dinstalled_tests=true"):
        if option not in options:
            raise Rejected(f"{what}: %meson without {option}")
    if f"{MARKER} meson compile" not in build:
        raise Rejected(f"{what}: %build does not run %meson_build")
    if f"{MARKER} meson install" not in "\n".join(parts.get("%install", [])):
        raise Rejected(f"{what}: %install does not run %meson_install")
    for section, call in SCRIPTLETS.items():
        if f"{MARKER} {call}" not in [line.strip() for line in parts.get(section, [])]:
            raise Rejected(f"{what}: {section} does not run %{call}")
    for package, wanted in FILES.items():
        section = "%files" if package == NAME else "%files tests"
        listed = {line.strip() for line in parts.get(section, [])
                  if line.strip() and not line.startswith(("#", "%doc", "%license"))}
        if listed != wanted:
            raise Rejected(f"{what}: {section}: missing {sorted(wanted - listed)}, "
                           f"unexpected {sorted(listed - wanted)}")
    return options


def check_archive(repo_root, version):
    """The archive build-aux/rpm-source.sh makes from git (HEAD): everything is under the
    directory %autosetup enters, meson.build too. None when REPO_ROOT is not a checkout."""
    if subprocess.run(["git", "-C", repo_root, "rev-parse", "--git-dir"],
                      capture_output=True).returncode != 0:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run(["bash", os.path.join(repo_root, "build-aux", "rpm-source.sh"),
                              "archive", tmp], capture_output=True, text=True)
        if run.returncode != 0:
            raise Rejected(f"build-aux/rpm-source.sh archive: {run.stderr.strip()}")
        path = run.stdout.strip().splitlines()[-1]
        if os.path.basename(path) != f"{NAME}-{version}.tar.gz":
            raise Rejected(f"build-aux/rpm-source.sh archive made {path}")
        with tarfile.open(path) as tar:
            names = tar.getnames()
        top = f"{NAME}-{version}"
        if not all(n == top or n.startswith(top + "/") for n in names):
            raise Rejected(f"{path}: not everything is under {top}/")
        # HEAD's files, so a spec not yet committed is not asked for.
        if f"{top}/meson.build" not in names:
            raise Rejected(f"{path}: no {top}/meson.build")
        return len(names)


# ---- the broken copies


def broken_copies(schemas, repo_root, tests, plans, packit, spec_text, version):
    test_path, test = tests[OWN_TEST]
    plan_path, plan = plans[OWN_PLAN]
    test_names, plan_names = set(tests), set(plans)
    tests_job = next(i for i, j in enumerate(packit["jobs"]) if j.get("job") == "tests")
    commit_job = next(i for i, j in enumerate(packit["jobs"])
                      if j.get("job") == "copr_build" and j.get("trigger") == "commit")
    pr_build = next(i for i, j in enumerate(packit["jobs"])
                    if j.get("job") == "copr_build" and j.get("trigger") == "pull_request")
    tmp = tempfile.mkdtemp(prefix="check_packaging.")

    def test_checks(t):
        check_test_node(schemas, t, "broken test")
        check_own_test(t, os.path.dirname(test_path), "broken test")

    def plan_checks(p):
        check_plan_node(schemas, p, "broken plan")
        check_own_plan(p, test_names, "broken plan")

    def packit_checks(c):
        check_packit(c, plan_names, version, repo_root, "broken .packit.yaml")

    def spec_checks(text):
        path = os.path.join(tmp, SPEC)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        check_spec(path, version, "broken spec")

    def test_with_script(text):
        # The broken script in the scratch directory, named by its absolute path.
        path = os.path.join(tmp, "broken-copy.sh")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(path, 0o755)
        test_checks({**test, "test": path})

    with open(os.path.join(os.path.dirname(test_path), shlex.split(test["test"])[0]),
              encoding="utf-8") as f:
        script_text = f.read()

    def spec_edit(old, new):
        if old not in spec_text:
            raise AssertionError(f"the spec has no {old!r} to break")
        return spec_text.replace(old, new, 1)

    copies = [
        ("own test with result: respect", test_checks, mutated(test, ["result"], "respect")),
        ("own test with an unknown key", test_checks, {**test, "requires": test["require"]}),
        ("own test not requiring the tests package", test_checks,
         mutated(test, ["require"], [NAME])),
        ("own test whose script runs the runner without --as-root", test_with_script,
         script_text.replace("--as-root ", "")),
        ("own plan disabled", plan_checks, {**plan, "enabled": False}),
        ("own plan discovering every test of the tree", plan_checks,
         mutated(plan, ["discover", "test"], ["^/tmt/tests/"])),
        ("own plan with an unknown prepare plugin key", plan_checks,
         mutated(plan, ["prepare"], {**plan["prepare"], "packages": [TESTS_PACKAGE]})),
        ("own plan without its prepare phase", plan_checks, mutated(plan, ["prepare"], None)),
        (".packit.yaml without the copr_build on main", packit_checks,
         mutated(packit, ["jobs", commit_job, "branch"], "master")),
        (".packit.yaml whose main build has no project", packit_checks,
         mutated(packit, ["jobs", commit_job, "project"], None)),
        (".packit.yaml without a copr_build for pull requests", packit_checks,
         mutated(packit, ["jobs", pr_build, "trigger"], "release")),
        (".packit.yaml whose tests job runs the revdeps plan", packit_checks,
         mutated(packit, ["jobs", tests_job, "tmt_plan"], "^/plans/")),
        (".packit.yaml whose tests job has no tmt_plan", packit_checks,
         mutated(packit, ["jobs", tests_job, "tmt_plan"], None)),
        (".packit.yaml whose tests job skips the build", packit_checks,
         mutated(packit, ["jobs", tests_job, "skip_build"], True)),
        (".packit.yaml naming another spec", packit_checks,
         mutated(packit, ["specfile_path"], "other.spec")),
        ("spec with another Version", spec_checks,
         spec_edit(f"Version:        {version}", "Version:        9.9.9")),
        ("spec with an %if left open", spec_checks,
         spec_edit("%description tests", "%if 0%{?fedora}\n%description tests")),
        ("spec building the test suite", spec_checks,
         spec_edit("%meson -Dtests=false ", "%meson ")),
        ("spec without the installed tests", spec_checks,
         spec_edit("%meson -Dtests=false -Dinstalled_tests=true",
                   "%meson -Dtests=false -Dinstalled_tests=false")),
        ("spec whose tests package takes any runner", spec_checks,
         spec_edit("%{name}%{?_isa} = %{version}-%{release}", "%{name}")),
        ("spec without the unit in %files", spec_checks,
         spec_edit("%{_unitdir}/ginsttest-runner.service\n", "")),
        ("spec without the Conflicts", spec_checks,
         spec_edit("Conflicts:      gnome-desktop-testing\n", "")),
        ("spec restarting the unit on upgrade", spec_checks,
         spec_edit("%systemd_postun ginsttest-runner.service",
                   "%systemd_postun_with_restart ginsttest-runner.service")),
    ]
    return copies, tmp


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: check_packaging.py SCHEMA_DIR REPO_ROOT")
    schemas = Schemas(sys.argv[1])
    repo_root = os.path.normpath(sys.argv[2])
    failures = 0

    def say(path, what):
        print(f"ok   {os.path.relpath(path, repo_root)}: {what}")

    def failed(message):
        nonlocal failures
        failures += 1
        print(f"FAIL {message}")

    tests = plans = packit = None
    version = project_version(repo_root)
    try:
        tests, plans = check_tree(schemas, repo_root, say)
    except Rejected as e:
        failed(e)
    packit_path = os.path.join(repo_root, ".packit.yaml")
    try:
        packit = load_yaml(packit_path)
        if plans is not None:
            job = check_packit(packit, set(plans), version, repo_root, packit_path)
            say(packit_path, f"copr_build of main into project {job['project']}, copr_build "
                             f"for pull requests, tests job on {OWN_PLAN} alone; version "
                             f"{version}")
    except Rejected as e:
        failed(e)
    spec_path = os.path.join(repo_root, SPEC)
    with open(spec_path, encoding="utf-8") as f:
        spec_text = f.read()
    have_rpmspec = shutil.which("rpmspec") is not None
    if have_rpmspec:
        try:
            options = check_spec(spec_path, version, spec_path)
            say(spec_path, f"rpmspec -P and -q: Version {version}, {NAME} and {TESTS_PACKAGE}, "
                           f"%meson {' '.join(options)}, scriptlets, %files")
            count = check_archive(repo_root, version)
            if count is None:
                print("ok   build-aux/rpm-source.sh archive: not a git checkout, not made")
            else:
                say(os.path.join(repo_root, "build-aux", "rpm-source.sh"),
                    f"archive {NAME}-{version}.tar.gz: {count} entries under {NAME}-{version}/")
        except Rejected as e:
            failed(e)
    else:
        print("SKIP ginsttest-runner.spec: rpmspec is not installed (rpm)")

    if failures or tests is None or packit is None:
        print(f"{failures} packaging file(s) rejected")
        return 1
    copies, tmp = broken_copies(schemas, repo_root, tests, plans, packit, spec_text, version)
    try:
        for what, check, data in copies:
            if what.startswith("spec") and not have_rpmspec:
                continue
            try:
                check(data)
            except Rejected as e:
                print(f"ok   rejected as it should be: {what} ({str(e)[:110]})")
            else:
                failed(f"accepted, so validation is not live: {what}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print(f"{failures} check(s) failed")
        return 1
    return 0 if have_rpmspec else 77


if __name__ == "__main__":
    sys.exit(main())
