#!/usr/bin/env bash
# Installs what is needed, builds Ember and starts the whole suite on this
# machine with the embedded default configs. Data goes under ./data (or $EMBER_DATA).
# Ctrl-C stops all four programs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data=${EMBER_DATA:-$root/data}

bash scripts/install-deps.sh
bash scripts/build.sh build

mkdir -p "$data"/{scraper,logstore,alerter,shipper}
pids=()
stop() {
  trap - INT TERM EXIT
  echo "stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait
}
trap stop INT TERM EXIT

start() {
  local name=$1; shift
  "$root/build/bin/$name" "$@" 2>>"$data/$name.log" &
  pids+=($!)
}
start ember-scraper --storage.tsdb.path="$data/scraper"
start ember-logstore --storage.path="$data/logstore"
start ember-alerter --storage.path="$data/alerter"
start ember-shipper --positions.file="$data/shipper/positions.yaml"

# Wait until each program answers /-/ready (or exits).
for port in 9090 3100 9093 9080; do
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/-/ready" && break
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "a program exited; see $data/*.log"; exit 1; }; done
    sleep 0.1
  done
done

cat <<TXT
Ember is running (logs in $data/*.log):
  ember-scraper   http://localhost:9090
  ember-logstore  http://localhost:3100
  ember-alerter   http://localhost:9093
  ember-shipper   http://localhost:9080
Press Ctrl-C to stop.
TXT
wait
