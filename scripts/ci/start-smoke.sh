#!/usr/bin/env bash
# CI: the README's first command as a new user runs it. `npm start` with nothing set, an order
# through the gateway, then Ctrl-C; the local broker it started is stopped afterwards.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
unset KAFKA_BROKERS DATABASE_URL

# A broker this script finds running is not its to stop.
own_broker=yes
[ -f .kafka/kafka.pid ] && kill -0 "$(cat .kafka/kafka.pid)" 2> /dev/null && own_broker=no

log=$(mktemp)
data=$(mktemp -d)
started=$(date +%s)
DATA_DIR="$data" setsid npm start > "$log" 2>&1 &
stack=$!
finish() {
  kill -INT -- "-$stack" 2> /dev/null || true
  wait "$stack" 2> /dev/null || true
  [ "$own_broker" = no ] || npm run --silent kafka:stop > /dev/null 2>&1 || true
  rm -rf "$data"
}
trap finish EXIT

until grep -q '^stack: ready' "$log"; do
  if ! kill -0 "$stack" 2> /dev/null || [ $(($(date +%s) - started)) -gt 300 ]; then
    cat "$log" >&2
    echo "start-smoke: npm start did not get ready" >&2
    exit 1
  fi
  sleep 1
done
echo "start-smoke: ready after $(($(date +%s) - started)) s"
grep -q '^stack: orders are kept in the embedded store' "$log" || {
  cat "$log" >&2
  echo "start-smoke: npm start did not say which store it runs on" >&2
  exit 1
}
grep -q "survive a crash of the worker's process, not of the machine" "$log" || {
  cat "$log" >&2
  echo "start-smoke: npm start did not say what its store survives" >&2
  exit 1
}

answer=$(curl -sf -X POST localhost:8080/webhooks/wix/demo -H 'content-type: application/json' \
  -d @test/fixtures/order-takeout-cash.json || true)
echo "start-smoke: $answer"
[[ "$answer" =~ ^\{\"value\":\{\"orderId\":\"[0-9]+\"\}\}$ ]] || {
  cat "$log" >&2
  exit 1
}
