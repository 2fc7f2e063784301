"""The backtrace tests' reading of a --json file: its test records, and the "backtrace" member
of one checked against the documented shape:

  "backtrace": {"source": "timeout"|"interrupt"|"core", "took_ms": N,
                "core_file": "PATH" (only when kept), "core_bytes": N (cores),
                "processes": [{"pid": N, "command": "...", "error": "..." (when any),
                               "threads": [{"tid": N, "name": "...", "crashed": true (when true),
                                            "frames": [{"address": "0x...", "function": "...",
                                                        "file": "...", "line": N,
                                                        "module": "..."}]}]}]}
"""

import json
import re

SOURCES = ("timeout", "interrupt", "core")


def records(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def tests(path):
    """The test records by name."""
    return {r["name"]: r for r in records(path) if r["record"] == "test"}


def _optional(obj, key, kind):
    if key in obj:
        assert isinstance(obj[key], kind), (key, obj)


def backtrace(record, source):
    """The record's backtrace, checked: its shape, and that it was taken for `source`."""
    bt = record.get("backtrace")
    assert isinstance(bt, dict), ("no backtrace", record["name"], record)
    assert set(bt) <= {"source", "took_ms", "core_file", "core_bytes", "processes"}, sorted(bt)
    assert bt["source"] == source, (bt["source"], source)
    assert isinstance(bt["took_ms"], int) and bt["took_ms"] >= 0, bt["took_ms"]
    if source == "core":
        assert isinstance(bt["core_bytes"], int) and bt["core_bytes"] > 0, bt.get("core_bytes")
        _optional(bt, "core_file", str)
    else:
        assert "core_file" not in bt and not bt.get("core_bytes"), bt
    assert isinstance(bt["processes"], list) and bt["processes"], bt
    for p in bt["processes"]:
        assert isinstance(p["pid"], int) and p["pid"] > 0, p
        assert isinstance(p["command"], str), p
        if "error" in p:
            assert isinstance(p["error"], str) and p["error"], p
        assert isinstance(p["threads"], list), p
        for t in p["threads"]:
            assert isinstance(t["tid"], int) and t["tid"] > 0, t
            _optional(t, "name", str)
            assert t.get("crashed", True) is True, ("crashed is only written when true", t)
            assert isinstance(t["frames"], list), t
            for f in t["frames"]:
                assert re.fullmatch(r"0x[0-9a-f]+", f["address"]), f
                for key in ("function", "file", "module"):
                    _optional(f, key, str)
                _optional(f, "line", int)
    return bt


def functions(thread):
    return [f.get("function", "") for f in thread["frames"]]


def threads(bt):
    return [t for p in bt["processes"] for t in p["threads"]]


def crashed_threads(bt):
    return [t for t in threads(bt) if t.get("crashed")]


def frame(thread, function):
    """The first frame of `function` in `thread`, or None."""
    return next((f for f in thread["frames"] if f.get("function") == function), None)
