#!/usr/bin/env bash
# Installs what the tests need, builds everything and runs every test:
#   1. the release build: unit, data-driven and integration tests (ctest);
#   2. an ASan+UBSan build of the libraries, running their unit tests.
# Exits non-zero when anything fails. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

bash scripts/install-deps.sh --with-test-peers

echo "== release build"
bash scripts/build.sh build
echo "== tests (release)"
ctest --test-dir build -j "$jobs" --output-on-failure --timeout 300

echo "== sanitizer build (ASan+UBSan) of the libraries"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DEMBER_SANITIZE=ON -DEMBER_BUILD_PROGRAMS=OFF
echo "== unit tests (ASan+UBSan)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan -L unit -j "$jobs" --output-on-failure --timeout 600
