#!/usr/bin/python3
# check_recipes.py SCHEMA_DIR [REPO_ROOT]: the reverse-dependency recipes of REPO_ROOT (default:
# the repository this script is in) are what their tools accept.
#
#   plans/revdeps.fmf, tmt/tests/revdeps.fmf (and revdeps.sh), in the repository's fmf tree
#               (.fmf/version is 1): the test and the plan, read as plain YAML, pass tmt's JSON
#               schema (SCHEMA_DIR/test.yaml, plan.yaml, and every step phase the schema of its
#               plugin, SCHEMA_DIR/<step>/<how>.yaml, as tmt does at run time), and so does each
#               one with its adjust rules applied; the plan is off unless a context turns it on,
#               and runs that test alone, whose script runs ginsttest-runner with --affected-by,
#               --baseline and --json. (check_packaging.py checks the tree's other nodes.)
#   data/revdeps/packit.yaml
#               a tests job for pull requests whose fmf_path and tmt_plan select that plan, and
#               whose tmt context is the one the plan's adjust rule waits for.
#   data/revdeps/debian-tests-control
#               deb822 stanzas with autopkgtest's fields and restrictions only; the test command
#               runs ginsttest-runner --affected-by, and Depends names the runner and a *-tests
#               package.
#
# The schemas $ref each other by their $id (/schemas/common, /schemas/core, ...): every *.yaml
# under SCHEMA_DIR is registered under its $id. Then broken copies of the recipes (a bogus result,
# an unknown key, a wrong plan name, ...) must each be rejected, or validation is not live.
# Prints a line per file and per broken copy; exit status 0 when all is as expected, else 1.
import copy
import os
import re
import shlex
import subprocess
import sys
import warnings

import jsonschema
import yaml

REVDEPS_PLAN = "/plans/revdeps"
REVDEPS_TEST = "/tmt/tests/revdeps"
STEPS = ("discover", "provision", "prepare", "execute", "report", "finish", "cleanup")
ADJUST_ONLY = ("when", "because", "continue")
# Restrictions and fields defined by autopkgtest's README.package-tests.rst: a test declaring an
# unknown restriction is skipped, a stanza with an unknown field is skipped.
AUTOPKGTEST_RESTRICTIONS = {
    "allow-stderr", "breaks-testbed", "build-needed", "flaky", "hint-testsuite-triggers",
    "isolation-container", "isolation-machine", "needs-internet", "needs-reboot",
    "needs-recommends", "needs-root", "needs-sudo", "rw-build-tree", "skip-not-installable",
    "skippable", "superficial",
}
AUTOPKGTEST_FIELDS = {
    "tests", "test-command", "restrictions", "features", "depends", "tests-directory",
    "classes", "architecture",
}


class Rejected(Exception):
    """A recipe is not what its tool accepts."""


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


# ---- tmt's schemas


class Schemas:
    def __init__(self, directory):
        self.by_id = {}
        for dirpath, dirnames, filenames in os.walk(directory):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith(".yaml"):
                    continue
                schema = load_yaml(os.path.join(dirpath, name))
                if not isinstance(schema, dict) or "$id" not in schema:
                    continue
                if schema["$id"] in self.by_id:
                    sys.exit(f"two schemas with $id {schema['$id']} in {directory}")
                self.by_id[schema["$id"]] = schema
        for needed in ("/schemas/test", "/schemas/plan", "/schemas/common", "/schemas/core"):
            if needed not in self.by_id:
                sys.exit(f"no schema with $id {needed} in {directory}")
        self.validators = {}
        try:
            from referencing import Registry
            from referencing.jsonschema import DRAFT7

            registry = Registry().with_resources(
                (schema_id, DRAFT7.create_resource(schema))
                for schema_id, schema in self.by_id.items())
            self.make = lambda schema_id: jsonschema.Draft7Validator(
                self.by_id[schema_id], registry=registry,
                format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
        except ImportError:  # jsonschema before 4.18
            def make(schema_id):
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)
                    resolver = jsonschema.RefResolver(schema_id, self.by_id[schema_id],
                                                      store=dict(self.by_id))
                return jsonschema.Draft7Validator(
                    self.by_id[schema_id], resolver=resolver,
                    format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
            self.make = make

    def check(self, schema_id, instance, what):
        if schema_id not in self.validators:
            self.validators[schema_id] = self.make(schema_id)
        try:
            errors = list(self.validators[schema_id].iter_errors(instance))
        except Exception as e:  # an unresolvable $ref, say: the store is incomplete
            raise Rejected(f"{what}: {schema_id} cannot be applied: {e}") from e
        if errors:
            shown = []
            for e in errors[:3]:
                where = "/".join(str(p) for p in e.absolute_path) or "top level"
                shown.append(f"{where}: {e.message[:160]}")
            raise Rejected(f"{what}: not valid against {schema_id}: " + "; ".join(shown))

    def schema_ids(self):
        return set(self.by_id)


def adjusted(node, what):
    """Yields (node with one adjust rule applied, label) for each of NODE's adjust rules."""
    rules = node.get("adjust", [])
    rules = rules if isinstance(rules, list) else [rules]
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict) or "when" not in rule:
            raise Rejected(f"{what}: adjust rule {i} is not a mapping with 'when'")
        result = {k: v for k, v in node.items() if k != "adjust"}
        result.update({k: v for k, v in rule.items() if k not in ADJUST_ONLY})
        yield result, f"{what} (adjusted when {rule['when']})"


def check_test_node(schemas, test, what):
    schemas.check("/schemas/test", test, what)
    for node, label in adjusted(test, what):
        schemas.check("/schemas/test", node, label)


def check_plan_node(schemas, plan, what, apply_adjust=True):
    schemas.check("/schemas/plan", plan, what)
    # plan.yaml accepts anything under a step: tmt adds its plugins' schemas at run time.
    for step in STEPS:
        if step not in plan:
            continue
        phases = plan[step] if isinstance(plan[step], list) else [plan[step]]
        for i, phase in enumerate(phases):
            if not isinstance(phase, dict) or "how" not in phase:
                raise Rejected(f"{what}: {step} phase {i} is not a mapping with 'how'")
            schema_id = f"/schemas/{step}/{phase['how']}"
            if schema_id not in schemas.schema_ids():
                raise Rejected(f"{what}: {step} phase {i}: tmt has no '{phase['how']}' plugin")
            schemas.check(schema_id, phase, f"{what}: {step} phase {i}")
    if apply_adjust:
        for node, label in adjusted(plan, what):
            check_plan_node(schemas, node, label, apply_adjust=False)


# ---- the fmf tree


# Directories of a checkout that are not metadata: build trees, downloaded subprojects.
NOT_METADATA = re.compile(r"^(_build.*|subprojects|__pycache__)$")


def fmf_nodes(tree):
    """{'/dir/name': path} for the .fmf files of the fmf tree rooted at TREE, as fmf names them.

    fmf skips hidden directories and any directory holding its own .fmf/ (a tree of its own).
    Inheritance through main.fmf is not modelled: a main.fmf above another node is refused."""
    nodes, mains = {}, []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not NOT_METADATA.match(d)
                             and not os.path.isdir(os.path.join(dirpath, d, ".fmf")))
        relative = os.path.relpath(dirpath, tree)
        prefix = "" if relative == "." else "/" + relative.replace(os.sep, "/")
        for name in sorted(filenames):
            if not name.endswith(".fmf"):
                continue
            if name == "main.fmf":
                mains.append(prefix)
                nodes[prefix or "/"] = os.path.join(dirpath, name)
            else:
                nodes[f"{prefix}/{name[:-4]}"] = os.path.join(dirpath, name)
    for main in mains:
        below = [n for n in nodes if n.startswith(main + "/") and n != main]
        if below:
            raise Rejected(f"{nodes[main or '/']}: inherited by {below[0]}, which this check "
                           "does not model")
    return nodes


def fmf_kind(node):
    """'plan', 'test' or None, as tmt tells them: a plan has execute, a test has test."""
    if isinstance(node, dict) and "execute" in node:
        return "plan"
    if isinstance(node, dict) and "test" in node:
        return "test"
    return None


def load_fmf_tree(tree, say=None):
    """({name: (path, node)} of the tests, likewise of the plans) of the fmf tree at TREE."""
    version_file = os.path.join(tree, ".fmf", "version")
    try:
        with open(version_file, encoding="utf-8") as f:
            version = f.read().strip()
    except OSError as e:
        raise Rejected(f"{version_file}: {e.strerror}") from None
    if version != "1":
        raise Rejected(f"{version_file}: fmf tree version is not 1")
    if say:
        say(version_file, "fmf tree version 1")
    tests, plans = {}, {}
    for name, path in fmf_nodes(tree).items():
        node = load_yaml(path)
        kind = fmf_kind(node)
        if kind is None:
            raise Rejected(f"{path}: node {name} is neither a plan (execute) nor a test (test)")
        (plans if kind == "plan" else tests)[name] = (path, node)
    return tests, plans


def discovered(plan, test_names):
    """The names in TEST_NAMES that PLAN's fmf discover phases select (regular expressions)."""
    discover = plan.get("discover")
    phases = discover if isinstance(discover, list) else [discover]
    patterns = [p for ph in phases if isinstance(ph, dict) and ph.get("how") == "fmf"
                for p in (ph.get("test") if isinstance(ph.get("test"), list) else [ph.get("test")])
                if p]
    return sorted(name for name in test_names if any(re.search(p, name) for p in patterns))


def runner_invocations(script_text):
    """The ginsttest-runner command lines of a shell script, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", script_text)
    lines = [line.strip() for line in joined.splitlines()]
    return [line for line in lines
            if not line.startswith("#") and re.search(r"(^|[\s;&|(])ginsttest-runner\s", line)]


def check_test_recipe(test, test_dir, what):
    for key, want in (("framework", "shell"), ("result", "custom")):
        if test.get(key) != want:
            raise Rejected(f"{what}: {key} is {test.get(key)!r}, not {want!r}")
    require = test.get("require", [])
    require = require if isinstance(require, list) else [require]
    if "ginsttest-runner" not in require:
        raise Rejected(f"{what}: ginsttest-runner is not required")
    words = shlex.split(test["test"])
    script = os.path.normpath(os.path.join(test_dir, words[0]))
    if not (os.path.isfile(script) and os.access(script, os.X_OK)):
        raise Rejected(f"{what}: test {test['test']!r}: no executable {script}")
    syntax = subprocess.run(["bash", "-n", script], capture_output=True, text=True)
    if syntax.returncode != 0:
        raise Rejected(f"{what}: bash -n {script}: {syntax.stderr.strip()}")
    with open(script, encoding="utf-8") as f:
        calls = runner_invocations(f.read())
    flags = ("--affected-by=", "--baseline=", "--json=")
    if not any(all(flag in call for flag in flags) for call in calls):
        raise Rejected(f"{what}: {script} never runs ginsttest-runner with " + " ".join(flags))
    return script


def check_plan_recipe(plan, test_names, what):
    """The plan is off by default, on in one context, and runs the revdeps test alone (of
    TEST_NAMES, the tree's tests); returns that context as (key, value)."""
    if plan.get("enabled") is not False:
        raise Rejected(f"{what}: not 'enabled: false', so it would run in every job")
    context = None
    rules = plan.get("adjust", [])
    for rule in rules if isinstance(rules, list) else [rules]:
        if rule.get("enabled") is True:
            match = re.fullmatch(r"\s*([\w-]+)\s*==\s*(\S+)\s*", str(rule["when"]))
            if match:
                context = match.groups()
    if context is None:
        raise Rejected(f"{what}: no adjust rule 'when: KEY == VALUE' that sets enabled: true")
    selected = discovered(plan, test_names)
    if selected != [REVDEPS_TEST]:
        raise Rejected(f"{what}: discover selects {selected or 'nothing'} of "
                       f"{sorted(test_names)}, not {REVDEPS_TEST} alone")
    return context


def check_fmf_tree(schemas, tree, say):
    """The revdeps test and plan of the fmf tree at TREE; returns ({'tests': {name: node},
    'plans': {name: node}} of those two, {plan name: context}, the names of all the tree's
    tests)."""
    tests, plans = load_fmf_tree(tree, say)
    for name, kind, nodes in ((REVDEPS_TEST, "test", tests), (REVDEPS_PLAN, "plan", plans)):
        if name not in nodes:
            raise Rejected(f"{tree}: no {kind} {name} in the fmf tree")
    loaded = {"tests": {}, "plans": {}}
    path, test = tests[REVDEPS_TEST]
    check_test_node(schemas, test, path)
    script = check_test_recipe(test, os.path.dirname(path), path)
    loaded["tests"][REVDEPS_TEST] = test
    say(path, f"tmt test schema; runs {os.path.basename(script)}, which runs "
              "ginsttest-runner --affected-by --baseline --json")
    path, plan = plans[REVDEPS_PLAN]
    check_plan_node(schemas, plan, path)
    contexts = {REVDEPS_PLAN: check_plan_recipe(plan, set(tests), path)}
    loaded["plans"][REVDEPS_PLAN] = plan
    say(path, f"tmt plan schema and step plugin schemas; enabled when "
              f"{contexts[REVDEPS_PLAN][0]} == {contexts[REVDEPS_PLAN][1]}; runs "
              f"{REVDEPS_TEST} alone")
    return loaded, contexts, set(tests)


# ---- Packit


def check_packit(config, repo_root, contexts, what):
    if not isinstance(config, dict) or not isinstance(config.get("jobs"), list):
        raise Rejected(f"{what}: no list of jobs")
    jobs = config["jobs"]
    tests_jobs = [j for j in jobs if isinstance(j, dict) and j.get("job") == "tests"]
    if not tests_jobs:
        raise Rejected(f"{what}: no tests job")
    for job in tests_jobs:
        if job.get("trigger") != "pull_request":
            raise Rejected(f"{what}: the tests job does not run on pull requests")
        if not job.get("targets"):
            raise Rejected(f"{what}: the tests job has no targets")
        identifier = job.get("identifier", "")
        if ":" in str(identifier):
            raise Rejected(f"{what}: identifier {identifier!r} has a colon")
        if job.get("skip_build"):
            raise Rejected(f"{what}: skip_build: the pull request's build would not be installed")
        if not any(j.get("job") == "copr_build" and j.get("trigger") == "pull_request"
                   for j in jobs if isinstance(j, dict)):
            raise Rejected(f"{what}: no copr_build job for pull requests to test")
        tree = os.path.normpath(os.path.join(repo_root, job.get("fmf_path", ".")))
        if not os.path.isfile(os.path.join(tree, ".fmf", "version")):
            raise Rejected(f"{what}: fmf_path {job.get('fmf_path')!r} is not an fmf tree here")
        plan_pattern = job.get("tmt_plan")
        if not plan_pattern:
            raise Rejected(f"{what}: no tmt_plan: every plan of the tree would run")
        plans = {name: path for name, (path, _) in load_fmf_tree(tree)[1].items()
                 if re.search(plan_pattern, name)}
        if not plans:
            raise Rejected(f"{what}: tmt_plan {plan_pattern!r} selects no plan in {tree}")
        others = sorted(set(plans) - set(contexts))
        if others:
            raise Rejected(f"{what}: tmt_plan {plan_pattern!r} also selects {', '.join(others)}, "
                           "which is not a revdeps plan")
        try:
            context = job["tf_extra_params"]["environments"][0]["tmt"]["context"]
        except (KeyError, IndexError, TypeError):
            raise Rejected(f"{what}: no tf_extra_params.environments[0].tmt.context") from None
        for name in plans:
            key, value = contexts[name]
            if context.get(key) != value:
                raise Rejected(f"{what}: context {key} is {context.get(key)!r}; plan {name} "
                               f"needs the string {value!r}")
        env = job.get("env", {})
        if not isinstance(env, dict) or not env.get("REVDEPS_PACKAGE"):
            raise Rejected(f"{what}: env sets no REVDEPS_PACKAGE for the test")
        return job, sorted(plans)
    raise Rejected(f"{what}: unreachable")


# ---- autopkgtest


def parse_deb822(text):
    """Stanzas of a debian/tests/control file: [{field (lower case): value}].

    As autopkgtest reads it: from '#' to the end of a line is a comment (a line that is only a
    comment is dropped), a blank line ends a stanza, a line starting with white space continues
    the field before it."""
    stanzas, stanza, field = [], {}, None
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.lstrip().startswith("#"):
            continue
        line = raw.split("#", 1)[0].rstrip()
        if not line:
            if stanza:
                stanzas.append(stanza)
            stanza, field = {}, None
        elif line[0] in " \t":
            if field is None:
                raise Rejected(f"line {number}: a continuation line with no field before it")
            stanza[field] += "\n" + line.strip()
        else:
            match = re.fullmatch(r"([^\s:][^:]*):(.*)", line)
            if not match:
                raise Rejected(f"line {number}: not 'Field: value': {raw!r}")
            field = match.group(1).strip().lower()
            if field in stanza:
                raise Rejected(f"line {number}: field {match.group(1)} twice in a stanza")
            stanza[field] = match.group(2).strip()
    if stanza:
        stanzas.append(stanza)
    return stanzas


def split_list(value):
    return [item for item in re.split(r"[\s,]+", value) if item]


def check_control(text, what):
    stanzas = parse_deb822(text)
    if not stanzas:
        raise Rejected(f"{what}: no stanza")
    found = None
    for i, stanza in enumerate(stanzas):
        unknown = set(stanza) - AUTOPKGTEST_FIELDS
        if unknown:
            raise Rejected(f"{what}: stanza {i}: unknown fields {sorted(unknown)} "
                           "(autopkgtest would skip the stanza)")
        if ("tests" in stanza) == ("test-command" in stanza):
            raise Rejected(f"{what}: stanza {i}: needs exactly one of Tests and Test-Command")
        restrictions = set(split_list(stanza.get("restrictions", "")))
        if restrictions - AUTOPKGTEST_RESTRICTIONS:
            raise Rejected(f"{what}: stanza {i}: unknown restrictions "
                           f"{sorted(restrictions - AUTOPKGTEST_RESTRICTIONS)} (test skipped)")
        if "test-command" not in stanza:
            continue
        try:
            words = shlex.split(stanza["test-command"])
        except ValueError as e:
            raise Rejected(f"{what}: stanza {i}: Test-Command: {e}") from None
        if not words or words[0] != "ginsttest-runner":
            continue
        affected = [w for w in words if w.startswith("--affected-by=") and len(w) > 14]
        if not affected:
            raise Rejected(f"{what}: stanza {i}: ginsttest-runner without --affected-by=WHAT")
        if not any(w.startswith("--report-directory=$AUTOPKGTEST_ARTIFACTS") for w in words):
            raise Rejected(f"{what}: stanza {i}: no --report-directory in $AUTOPKGTEST_ARTIFACTS")
        depends = [d.strip().split()[0] for d in stanza.get("depends", "").split(",")
                   if d.strip()]
        if "ginsttest-runner" not in depends:
            raise Rejected(f"{what}: stanza {i}: Depends lacks ginsttest-runner")
        if not any(d.endswith("-tests") for d in depends):
            raise Rejected(f"{what}: stanza {i}: Depends names no *-tests package")
        missing = {"needs-root", "allow-stderr"} - restrictions
        if missing:
            raise Rejected(f"{what}: stanza {i}: Restrictions lack {sorted(missing)}")
        found = (affected, depends, sorted(restrictions))
    if found is None:
        raise Rejected(f"{what}: no Test-Command running ginsttest-runner")
    return found


# ---- the broken copies


def mutated(data, path, value):
    """A deep copy of DATA with the value at PATH (a list of keys) replaced; None deletes it."""
    result = copy.deepcopy(data)
    node = result
    for key in path[:-1]:
        node = node[key]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return result


def self_checks(schemas, repo_root, test, plan_name, plan, test_names, packit, control_text):
    test_dir = os.path.join(repo_root, "tmt", "tests")
    plan_rule = next(i for i, r in enumerate(plan["adjust"]) if r.get("enabled") is True)
    job = next(i for i, j in enumerate(packit["jobs"]) if j.get("job") == "tests")
    contexts = {plan_name: check_plan_recipe(plan, test_names, plan_name)}

    def test_checks(t):
        check_test_node(schemas, t, "broken test")
        check_test_recipe(t, test_dir, "broken test")

    def plan_checks(p):
        check_plan_node(schemas, p, "broken plan")
        check_plan_recipe(p, test_names, "broken plan")

    def packit_checks(c):
        check_packit(c, repo_root, contexts, "broken packit.yaml")

    def control_checks(text):
        check_control(text, "broken control")

    command = re.search(r"^Test-Command:.*$", control_text, re.M).group(0)
    return [
        ("test with result: bogus", test_checks, mutated(test, ["result"], "bogus")),
        ("test with an unknown key", test_checks, {**test, "framwork": "shell"}),
        ("test without test:", test_checks, mutated(test, ["test"], None)),
        ("test with duration: forever", test_checks, mutated(test, ["duration"], "forever")),
        ("test with result: respect", test_checks, mutated(test, ["result"], "respect")),
        ("test whose script does not exist", test_checks, mutated(test, ["test"], "./nope.sh")),
        ("plan with an unknown key", plan_checks, {**plan, "discovery": plan["discover"]}),
        ("plan with an fmf '+' key", plan_checks, {**plan, "adjust+": plan["adjust"]}),
        ("plan without execute", plan_checks, mutated(plan, ["execute"], None)),
        ("plan with an unknown execute plugin key", plan_checks,
         mutated(plan, ["execute"], {"how": "tmt", "exit_first": True})),
        ("plan with an unknown discover plugin", plan_checks,
         mutated(plan, ["discover", "how"], "fmff")),
        ("plan whose adjust rule sets enabled: 'yes'", plan_checks,
         mutated(plan, ["adjust", plan_rule, "enabled"], "yes")),
        ("plan enabled by default", plan_checks, mutated(plan, ["enabled"], True)),
        ("plan discovering another test", plan_checks,
         mutated(plan, ["discover", "test"], ["/tests/other"])),
        ("plan discovering every test of the tree", plan_checks,
         mutated(plan, ["discover", "test"], ["^/tmt/tests/"])),
        ("packit.yaml whose tmt_plan matches no plan", packit_checks,
         mutated(packit, ["jobs", job, "tmt_plan"], "^/plans/other$")),
        ("packit.yaml with the wrong fmf_path", packit_checks,
         mutated(packit, ["jobs", job, "fmf_path"], "data/revdeps")),
        ("packit.yaml whose tmt_plan selects every plan", packit_checks,
         mutated(packit, ["jobs", job, "tmt_plan"], "^/plans/")),
        ("packit.yaml with revdeps: yes unquoted (a boolean)", packit_checks,
         mutated(packit, ["jobs", job, "tf_extra_params", "environments", 0, "tmt", "context",
                          "revdeps"], True)),
        ("packit.yaml with skip_build", packit_checks,
         mutated(packit, ["jobs", job, "skip_build"], True)),
        ("packit.yaml without a tests job", packit_checks,
         mutated(packit, ["jobs", job, "job"], "copr_build")),
        ("control with an unknown restriction", control_checks,
         control_text.replace("needs-root", "needs-rooot")),
        ("control with an unknown field", control_checks,
         control_text.replace("Features:", "Feature:")),
        ("control without --affected-by", control_checks,
         control_text.replace(command, re.sub(r" --affected-by=\S+", "", command))),
        ("control whose command a '#' cuts short", control_checks,
         control_text.replace(command, command.replace(" --affected-by", " # --affected-by"))),
        ("control with Tests and Test-Command", control_checks,
         control_text.replace("Features:", "Tests: smoke\nFeatures:")),
        ("control without the runner in Depends", control_checks,
         control_text.replace("Depends: ginsttest-runner,", "Depends:")),
    ]


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: check_recipes.py SCHEMA_DIR [REPO_ROOT]")
    schemas = Schemas(sys.argv[1])
    repo_root = sys.argv[2] if len(sys.argv) == 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..")
    repo_root = os.path.normpath(repo_root)
    recipes = os.path.join(repo_root, "data", "revdeps")
    failures = 0

    def say(path, what):
        print(f"ok   {os.path.relpath(path, repo_root)}: {what}")

    def failed(message):
        nonlocal failures
        failures += 1
        print(f"FAIL {message}")

    loaded = contexts = packit = control_text = test_names = None
    try:
        loaded, contexts, test_names = check_fmf_tree(schemas, repo_root, say)
    except Rejected as e:
        failed(e)
    packit_path = os.path.join(recipes, "packit.yaml")
    try:
        packit = load_yaml(packit_path)
        if contexts is not None:
            job, plans = check_packit(packit, repo_root, contexts, packit_path)
            say(packit_path, f"tests job '{job.get('identifier')}' runs {', '.join(plans)} "
                             f"from {job.get('fmf_path', '.')}")
    except Rejected as e:
        failed(e)
    control_path = os.path.join(recipes, "debian-tests-control")
    try:
        with open(control_path, encoding="utf-8") as f:
            control_text = f.read()
        affected, depends, restrictions = check_control(control_text, control_path)
        say(control_path, f"deb822; ginsttest-runner {' '.join(affected)}; Depends: "
                          f"{', '.join(depends)}; Restrictions: {', '.join(restrictions)}")
    except Rejected as e:
        failed(e)

    if failures or not loaded:
        print(f"{failures} recipe file(s) rejected")
        return 1
    (test,) = loaded["tests"].values()
    (plan_name, plan), = loaded["plans"].items()
    for what, check, data in self_checks(schemas, repo_root, test, plan_name, plan,
                                         test_names, packit, control_text):
        try:
            check(data)
        except Rejected as e:
            print(f"ok   rejected as it should be: {what} ({str(e)[:110]})")
        else:
            failed(f"accepted, so validation is not live: {what}")
    if failures:
        print(f"{failures} check(s) failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
