#!/usr/bin/env bash
# Configures and builds Ember. Usage: scripts/build.sh [build-dir] [extra cmake args...]
# The programs land in <build-dir>/bin (default build/bin).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
ninja -C "$dir"
