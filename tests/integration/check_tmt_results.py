#!/usr/bin/python3
# check_tmt_results.py SCHEMA_DIR DATA_DIR: DATA_DIR/results.yaml must pass tmt's results schema,
# every name must start with "/", and every log path must be relative to DATA_DIR and exist.
# Prints "NAME RESULT" per entry and "NAME/SUBNAME RESULT" per subresult.
import os
import sys

import jsonschema
import yaml

schemas, data = sys.argv[1], sys.argv[2]


def load(name):
    with open(os.path.join(schemas, name), encoding="utf-8") as f:
        return yaml.safe_load(f)


results_schema = load("results.yaml")
store = {"/schemas/results": results_schema, "/schemas/common": load("common.yaml")}
resolver = jsonschema.RefResolver("/schemas/results", results_schema, store=store)
with open(os.path.join(data, "results.yaml"), encoding="utf-8") as f:
    results = yaml.safe_load(f)
jsonschema.validate(results, results_schema, resolver=resolver)
for r in results:
    assert r["name"].startswith("/"), r
    for log in r.get("log", []):
        assert not os.path.isabs(log), log
        assert os.path.isfile(os.path.join(data, log)), f"{r['name']}: no log {log}"
    print(r["name"], r["result"])
    for s in r.get("subresult", []):
        print(r["name"] + "/" + s["name"], s["result"])
