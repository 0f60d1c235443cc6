#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) into build-fuzz/ (only
# the fuzz targets and what they link, so the programs need not build with
# clang) and runs each for the given number of seconds (default 60). Exits
# non-zero when a target finds a crash; the crashing input is left in
# build-fuzz/fuzz/.
# Usage: scripts/fuzz.sh [seconds] [target...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
bash scripts/install-deps.sh
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DEMBER_FUZZ=ON -DEMBER_BUILD_PROGRAMS=ON -DEMBER_BUILD_TESTS=OFF >/dev/null
targets=("$@")
if ((${#targets[@]} == 0)); then
  mapfile -t targets < <(ninja -C build-fuzz -t targets all | sed -n 's/^\([a-z_]*_fuzz\): .*/\1/p' | grep -v '^cmake_' | sort -u)
fi
ninja -C build-fuzz "${targets[@]}"
for t in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$t
  mkdir -p "$corpus"
  echo "== $t (${seconds}s)"
  (cd build-fuzz/fuzz && ./"$t" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 "../corpus/$t" 2>&1 |
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY|#[0-9]+ *DONE)" || true)
  if ls build-fuzz/fuzz/crash-* >/dev/null 2>&1; then
    echo "$t: crash found"; exit 1
  fi
done
