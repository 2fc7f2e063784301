#!/usr/bin/env bash
# TAP figures: parser throughput (MB/s on one core, goal >= 300) and the runner's peak RSS
# while an Output=TAP test prints 10 MB and 1 GiB of TAP (goal: within 2 MB of each other).
# Usage: bench/tap.sh [BUILD_DIR]   (default: _build)
set -euo pipefail
build=$(realpath "${1:-_build}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== parser throughput (best of 3)"
for _ in 1 2 3; do "$build/bench/tap-throughput" 1000000; done

# A test that prints N bytes of GLib-like TAP: a plan for a million points, then points
# repeated up to N bytes (so the count does not match: the verdict is FAIL, which is fine here).
mkdir -p "$work/tree/installed-tests/tap"
for size in 10M 1G; do
    cat >"$work/tree/installed-tests/tap/print-$size.test" <<EOT
[Test]
Type=session
Output=TAP
Exec=sh -c 'echo 1..1000000; yes "ok /glib/some/long/test/path/name" | head -c $size'
EOT
done
echo "== runner peak RSS while a test prints TAP"
declare -A rss
for size in 10M 1G; do
    /usr/bin/time -o "$work/rss" -f %M "$build/src/ginsttest-runner" -d "$work/tree" -t 0 \
        --quiet "tap/print-$size" >/dev/null 2>&1 || true
    rss[$size]=$(tail -n 1 "$work/rss")
    echo "  $size of TAP: ${rss[$size]} KiB"
done
diff_kb=$(( ${rss[1G]} - ${rss[10M]} ))
echo "  difference: ${diff_kb} KiB (goal: under 2048)"
