#!/usr/bin/env bash
# Installs what pftoken needs on a Debian 12 machine, for one purpose:
#   scripts/setup.sh build   compiler, CMake, Ninja and the libraries: enough to build and run the
#                            `pftoken` tool (scripts/run-example.sh)
#   scripts/setup.sh test    the above plus the test extras: GoogleTest, Google Benchmark, gnuplot
#                            (charts), Chromium (HTML report check), clang-19 (notebooks), python3
#                            (scripts/test.sh; also the default with no argument)
# Idempotent: only missing packages are installed; with nothing missing it needs no root.
# As a user without root and without sudo it prints the apt-get command to run as root and exits 1.
set -euo pipefail

BUILD_PACKAGES=(
  build-essential g++ cmake ninja-build pkg-config git ca-certificates
  libquantlib0-dev libboost-dev libboost-math-dev
  libeigen3-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libfmt-dev
)
TEST_PACKAGES=(
  libgtest-dev libgmock-dev libbenchmark-dev
  gnuplot-nox chromium
  clang-19 clang-tools-19 python3
)

purpose="${1:-test}"
case "$purpose" in
  build) PACKAGES=("${BUILD_PACKAGES[@]}") ;;
  test) PACKAGES=("${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}") ;;
  -h | --help)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "setup: unknown purpose '$purpose' (expected 'build' or 'test')" >&2
    exit 2
    ;;
esac

say() { echo "setup: $*" >&2; }

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  say "this script installs Debian 12 packages with apt-get, which this machine does not have."
  say "install the equivalents of: ${PACKAGES[*]}"
  exit 1
fi

say "[1/3] checking ${#PACKAGES[@]} packages for '$purpose'"
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  say "all packages present"
  exit 0
fi
say "missing: ${missing[*]}"

install_command="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    say "installing packages needs root, and this user is not root and has no sudo."
    say "run this as root (e.g. 'su -c \"...\"' or in a root shell), then run this script again:"
    echo "    $install_command" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
say "[2/3] apt-get update"
"${SUDO[@]}" apt-get update
say "[3/3] apt-get install ${#missing[@]} packages (apt's own progress follows)"
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
say "done"
