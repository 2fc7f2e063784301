#!/bin/bash
# SIGINT (Ctrl-C) mid-run: tests and their processes ended, incomplete summary, exit 130.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/interrupt.sh"
interrupt_scenario INT 130
echo ok
