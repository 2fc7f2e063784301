#!/bin/bash
# Fails when a man page of the project draws a warning: from groff (every warning on, as the
# typesetter and as a terminal page) and, when it is installed, from mandoc's linter (warnings
# and worse; its style notes, such as long source lines, are not counted).
# Usage: check-man.sh PAGE...
set -euo pipefail
status=0
for page in "$@"; do
    for device in ps utf8; do
        warnings=$(groff -man -ww -z -T"$device" "$page" 2>&1) || true
        if [[ -n $warnings ]]; then
            echo "$page (groff -T$device):" >&2
            echo "$warnings" >&2
            status=1
        fi
    done
    if command -v mandoc >/dev/null; then
        warnings=$(mandoc -T lint -W warning "$page" 2>&1) || true
        if [[ -n $warnings ]]; then
            echo "$page (mandoc -T lint):" >&2
            echo "$warnings" >&2
            status=1
        fi
    fi
done
exit $status
