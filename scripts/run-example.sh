#!/usr/bin/env bash
# Sets up a bare Debian 12 machine for building (compiler, CMake, libraries: no test extras),
# builds the pftoken tool and values the shipped solar example.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh build
cmake --workflow --preset release
./build/release/tools/pftoken value data/examples/solar.yaml "$@"
