#!/bin/bash
# SIGTERM mid-run: tests and their processes ended, incomplete summary, exit 143.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/interrupt.sh"
interrupt_scenario TERM 143
echo ok
