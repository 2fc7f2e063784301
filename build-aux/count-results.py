#!/usr/bin/env python3
"""Prints "N passed, N failed[, N skipped]" from meson's testlog.json files (one JSON object per
line, one line per test). Everything that is not OK or SKIP counts as failed."""
import json
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        log = open(path, encoding="utf-8")
    except OSError as error:
        # No log: the build failed before any test ran. Count that as one failure.
        print(f"count-results: {error}", file=sys.stderr)
        failed += 1
        continue
    with log:
        for line in log:
            if not line.strip():
                continue
            result = json.loads(line)["result"]
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1

summary = f"{passed} passed, {failed} failed"
if skipped:
    summary += f", {skipped} skipped"
print(summary)
