#!/usr/bin/env bash
# Installs everything Ember needs to build and test from Debian 12 packages.
# Idempotent: packages already present are left alone. Run as root (or with sudo).
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates curl
  libboost-dev libboost-system-dev libboost-context-dev
  libprotobuf-dev protobuf-compiler libsnappy-dev librocksdb-dev
  nlohmann-json3-dev catch2 libyaml-cpp-dev libre2-dev libzstd-dev
  libxxhash-dev libssl-dev zlib1g-dev libcrypt-dev libfmt-dev libcli11-dev
  libjemalloc-dev clang libclang-rt-14-dev ccache
)
# Peers and tools the tests and benchmarks drive.
test_packages=(
  wrk prometheus prometheus-alertmanager prometheus-node-exporter python3-prometheus-client
)

want=("${build_packages[@]}")
if [[ "${1:-}" == "--with-test-peers" ]]; then
  want+=("${test_packages[@]}")
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
# The peer servers (prometheus, alertmanager, node exporter) must not start as
# system services: tests start their own copies on free loopback ports.
guard=/usr/sbin/policy-rc.d
added_guard=0
if [[ ! -e $guard ]]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$guard" >/dev/null
  "${sudo_cmd[@]}" chmod +x "$guard"
  added_guard=1
fi
cleanup() { if ((added_guard)); then "${sudo_cmd[@]}" rm -f "$guard"; fi; }
trap cleanup EXIT
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${#missing[@]} packages"
