#!/bin/bash
# run-fuzzer.sh FUZZER SECONDS SEED_DIR...: runs a libFuzzer target for SECONDS on a scratch
# corpus (the seed directories are only read) and fails on any finding.
set -euo pipefail
fuzzer=$1
seconds=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/corpus" "$@"
