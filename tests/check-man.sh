#!/bin/bash
# Fails when groff warns about a man page of the project (it renders them with every warning on).
set -euo pipefail
for page in "$@"; do
    warnings=$(groff -man -ww -z "$page" 2>&1)
    if [[ -n $warnings ]]; then
        echo "$page: $warnings" >&2
        exit 1
    fi
done
