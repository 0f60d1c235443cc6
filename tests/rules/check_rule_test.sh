#!/bin/sh
# check_rule_test.sh FILE COMMAND [ARGS...]: runs `COMMAND ARGS... FILE` from
# FILE's directory (so the output names the file as written there).
# Without FILE's expected outputs beside it, the run must pass (exit 0).
# With <name>.stdout and <name>.stderr beside it, the run must fail (exit 1)
# and print exactly those. Exits 77 (skipped) when COMMAND is not installed.
set -u
file=$1
shift
if ! command -v "$1" >/dev/null 2>&1; then
  echo "skipped: $1 is not installed"
  exit 77
fi
dir=$(dirname "$file")
base=$(basename "$file")
name=${base%.yml}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$dir" || exit 1
"$@" "$base" >"$tmp/stdout" 2>"$tmp/stderr"
code=$?
if [ ! -f "$name.stderr" ]; then
  if [ "$code" -ne 0 ]; then
    echo "expected exit code 0, got $code"
    cat "$tmp/stdout" "$tmp/stderr"
    exit 1
  fi
  exit 0
fi
status=0
if [ "$code" -ne 1 ]; then
  echo "expected exit code 1, got $code"
  status=1
fi
if ! diff -u "$name.stdout" "$tmp/stdout"; then status=1; fi
if ! diff -u "$name.stderr" "$tmp/stderr"; then status=1; fi
exit $status
