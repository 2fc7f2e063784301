#!/bin/bash
# Placeholder until the test is written.
exit 77
