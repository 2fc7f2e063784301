#!/bin/bash
# Fails when a C++ file of the project differs from what clang-format makes of it.
set -euo pipefail
cd "$1"
clang-format --dry-run --Werror src/*/*.cpp src/*/*.hpp tests/unit/*.cpp tests/tap/*.cpp tests/fuzz/*.cpp
