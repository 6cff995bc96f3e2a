#!/usr/bin/env bash
# Sets up a bare Debian 12 machine (build packages and test extras), builds pftoken and runs every test:
# a Release build with warnings as errors, then the same suite under ASan+UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh test
cmake --workflow --preset ci
cmake --workflow --preset asan
