#!/usr/bin/env bash
# --affected-by figures: how long selecting what a change affects takes over every installed
# test of this machine (goal: well under a second), against a plain --list of the same tests,
# and how many tests each library selects.
# Usage: bench/affected.sh [BUILD_DIR]   (default: _build)
set -euo pipefail
build=$(realpath "${1:-_build}")
runner=$build/src/ginsttest-runner
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
total=$("$runner" --list | wc -l)
((total > 0)) || { echo "no installed tests on this machine" >&2; exit 1; }
echo "== $total installed tests in \$XDG_DATA_DIRS"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
hyperfine --warmup 2 --runs 10 --export-json "$work/times.json" \
    -n list "$runner --list" \
    -n affected-glib "$runner --list --affected-by=libglib-2.0.so.0" \
    -n affected-glib-symbols "$runner --list --affected-by=libglib-2.0.so.0 --changed-symbols=g_main_context_iteration,g_socket_client_connect" \
    >/dev/null
python3 - "$work/times.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
base = results["list"]["mean"]
for name, r in results.items():
    ratio = r["mean"] / base
    print(f"  {name:24} {r['mean'] * 1000:7.1f} ms +- {r['stddev'] * 1000:5.1f}  ({ratio:.2f}x --list)")
goal = results["affected-glib"]["mean"]
print(f"  --affected-by over every installed test: {goal * 1000:.0f} ms (goal: under 1000 ms) "
      + ("OK" if goal < 1.0 else "MISS"))
PY

echo "== peak RSS"
for args in "--list" "--list --affected-by=libglib-2.0.so.0"; do
    /usr/bin/time -o "$work/rss" -f %M "$runner" $args >/dev/null
    echo "  $args: $(tail -n 1 "$work/rss") KiB"
done

echo "== tests selected, of $total"
for what in libglib-2.0.so.0 libgio-2.0.so.0 libsoup-3.0.so.0 libmozjs-102.so.0 libgtk-4.so.1 \
    libgtk-3.so.0 libpango-1.0.so.0 libjcat.so.1 libostree-1.so.1 libdbus-1.so.3; do
    if n=$("$runner" --list --affected-by="$what" 2>/dev/null | wc -l); then
        echo "  $what: $n"
    fi
done
