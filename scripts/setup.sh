#!/usr/bin/env bash
# Installs everything pftoken needs to build and test on a bare Debian 12 machine.
# Idempotent: packages already present are skipped by apt; safe to run again.
set -euo pipefail

PACKAGES=(
  build-essential g++ cmake ninja-build pkg-config git ca-certificates
  libquantlib0-dev libboost-dev libboost-math-dev
  libeigen3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev
  gnuplot-nox chromium
  clang-19 clang-tools-19 python3
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all packages present" >&2
fi
