#!/usr/bin/env bash
# Installs the Debian packages heaplab builds with, only those that are missing.
# Uses sudo when not root. Safe to run repeatedly.
#   scripts/install-deps.sh        what make build, test, bench and asan need
#   scripts/install-deps.sh fuzz   also clang, libFuzzer and the sanitizers' runtimes, and the
#                                  llvm tools (llvm-profdata, llvm-cov) of make fuzz, fuzz-test
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config make  # the toolchain
  libgtest-dev libbenchmark-dev          # tests/ and bench/
  libfmt-dev libcli11-dev                # fmt in gc/, buffer/ and traces/, CLI11 in cli/
  nlohmann-json3-dev                     # JSON: run --json, v8log --json, --events-out, sweeps
  libmimalloc-dev                        # the Buffer pool's backing memory (buffer/)
  jq                                     # tests/cli: checks of the JSON outputs
  libgc-dev                              # Boehm GC, the peer of bench/boehm_bench.cpp
  qt6-base-dev libqt6opengl6-dev         # viz/: Qt 6 Widgets (Qt Charts needs Qt OpenGL)
  qt6-charts-dev qt6-svg-dev             # viz/: charts, and SVG export
  xvfb xauth imagemagick                 # the viz tour test runs the app under xvfb-run
)
if [ "${1:-}" = fuzz ]; then
  packages+=(clang libclang-rt-14-dev llvm-14)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "heaplab: installing missing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
