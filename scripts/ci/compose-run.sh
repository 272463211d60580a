#!/usr/bin/env bash
# `docker compose up`, for real, on a machine whose Docker engine reaches no image registry:
#  1. Debian's docker.io and docker-compose (installed when missing), and a Docker engine of the
#     run's own (its own socket and data directory, stopped at the end);
#  2. local stand-ins for the official images (local-images.sh), which docker-compose.ci.yml
#     puts in their place;
#  3. `docker-compose up --build -d`, and a wait until every service is healthy;
#  4. orders through the gateway's port, published on 127.0.0.1;
#  5. `--scale pos-worker=3`, then 1, while orders keep coming: the group's assignment shows the
#     brand's partitions shared by three workers, then held by one, and every order is accepted;
#  6. `docker-compose down -v`.
# Each step prints its time. COMPOSE_RUN_DIR keeps the work directory (and the root file systems
# it built, which a later run uses again) instead of a temporary one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
work=${COMPOSE_RUN_DIR:-$(mktemp -d /tmp/compose-run-XXXX)}
mkdir -p "$work"
export DOCKER_HOST=unix://$work/docker.sock
project=wixposci
brand=demo
group=pos-worker.$brand.v1
gateway=http://127.0.0.1:8080
started=$SECONDS
step_started=$SECONDS

step() {
  echo "compose-run: $* [$((SECONDS - step_started)) s]"
  step_started=$SECONDS
}
# Builds through the Docker API, whichever docker CLI is on the PATH.
export COMPOSE_DOCKER_CLI_BUILD=0
compose() {
  docker-compose -p "$project" -f docker-compose.yml -f docker-compose.ci.yml "$@"
}
simulate() { # <orders> <concurrency>: every order must be accepted
  node dist/apps/wix-simulator/src/main.js --url "$gateway" --brand "$brand" \
    --orders "$1" --concurrency "$2" --expect-accepted | tail -n 4
}

dockerd_pid=
cleanup() {
  local status=$?
  if [ "$status" != 0 ] && [ -S "$work/docker.sock" ]; then
    echo "compose-run: failed; the services' last logs:" >&2
    compose logs --no-color --tail 40 >&2 2> /dev/null || true
  fi
  if [ -S "$work/docker.sock" ]; then compose down -v --remove-orphans > /dev/null 2>&1 || true; fi
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2> /dev/null || true
    wait "$dockerd_pid" 2> /dev/null || true
  fi
  # The images and containers: gigabytes a run. The engine makes its data directory a mount of
  # its own, which a killed engine may leave behind.
  while mountpoint -q "$work/docker"; do umount "$work/docker" || break; done
  rm -rf "$work/docker" "$work/exec"
  [ -n "${COMPOSE_RUN_DIR:-}" ] || rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# 1. Docker, Compose and debootstrap from Debian; an engine of this run's own.
missing=()
command -v dockerd > /dev/null || missing+=(docker.io)
command -v docker-compose > /dev/null || missing+=(docker-compose)
command -v debootstrap > /dev/null || missing+=(debootstrap)
"$here/apt-install.sh" "${missing[@]}"
# overlay2 where this kernel and file system mount overlays; vfs, a full copy of every layer,
# anywhere. The Dockerfile's layers over node_modules take minutes more on vfs, and gigabytes.
driver=vfs
mkdir -p "$work/overlay-probe"/{lower,upper,work,merged}
if mount -t overlay overlay -o "lowerdir=$work/overlay-probe/lower,upperdir=$work/overlay-probe/upper,workdir=$work/overlay-probe/work" "$work/overlay-probe/merged" 2> /dev/null; then
  umount "$work/overlay-probe/merged"
  driver=overlay2
fi
rm -rf "$work/overlay-probe"
dockerd --storage-driver="$driver" --data-root "$work/docker" --exec-root "$work/exec" \
  --pidfile "$work/docker.pid" -H "$DOCKER_HOST" > "$work/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 1 60); do
  # This run's engine, not one left on the same socket: it must still be running.
  kill -0 "$dockerd_pid" 2> /dev/null || { cat "$work/dockerd.log" >&2; exit 1; }
  docker version > /dev/null 2>&1 && break
  sleep 0.5
done
docker version > /dev/null || { cat "$work/dockerd.log" >&2; exit 1; }
step "Docker engine $(docker version --format '{{.Server.Version}}') ($driver), Compose $(docker-compose version --short)"

# 2. The local images.
bash "$here/local-images.sh" "$work/images"
step "local images built"

# 3. The stack.
compose build -q
step "images of gateway and pos-worker built"
compose up -d
wait_healthy() {
  local id service status
  for _ in $(seq 1 180); do
    status=healthy
    for id in $(compose ps -q); do
      case $(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id") in
        healthy) ;;
        *) status=waiting ;;
      esac
    done
    [ "$status" = healthy ] && return
    sleep 1
  done
  compose ps >&2
  echo "compose-run: not every service is healthy after 180 s" >&2
  return 1
}
wait_healthy
compose ps
# A first start on a new broker: no process may have crashed waiting for it.
for id in $(compose ps -q); do
  restarts=$(docker inspect -f '{{.Name}} {{.RestartCount}}' "$id")
  [ "${restarts##* }" = 0 ] || { echo "compose-run: ${restarts% *} restarted ${restarts##* } times" >&2; exit 1; }
done
step "docker-compose up: every service healthy, none restarted"

# 4. Orders through the published port.
curl -fsS -X POST "$gateway/webhooks/wix/$brand" -H 'content-type: application/json' \
  -d @test/fixtures/order-takeout-cash.json
echo
simulate 100 4
step "orders answered through 127.0.0.1:8080"

# 5. Three workers, and back to one, while orders keep coming.
describe_group() {
  compose exec -T kafka kafka-consumer-groups.sh --bootstrap-server localhost:9092 \
    --describe --group "$group" --members --verbose 2> /dev/null
}
# Members holding partitions, by the #PARTITIONS column of the description.
members_with_partitions() {
  describe_group | awk '/^GROUP/ { for (i = 1; i <= NF; i++) if ($i == "#PARTITIONS") c = i; next }
    c && $c > 0 { n++ } END { print n + 0 }'
}
# Batches of 20 orders, one after another, until told to stop: each must be wholly accepted.
keep_sending() {
  local batches=0 slowest=0 ms
  while [ ! -f "$work/stop" ]; do
    simulate 20 2 > "$work/batch.txt" || { cat "$work/batch.txt" >&2; return 1; }
    ms=$(sed -n 's/.*max \([0-9]*\)ms.*/\1/p' "$work/batch.txt")
    [ "${ms:-0}" -le "$slowest" ] || slowest=$ms
    batches=$((batches + 1))
  done
  echo "$((batches * 20)) orders sent meanwhile, every one accepted; the slowest answer took $slowest ms"
}
scale_to() { # <workers>
  local n=$1 held=0
  rm -f "$work/stop"
  keep_sending > "$work/load.txt" &
  local load=$!
  compose up -d --no-recreate --scale pos-worker="$n"
  for _ in $(seq 1 30); do
    held=$(members_with_partitions)
    [ "$held" = "$n" ] && break
    sleep 1
  done
  touch "$work/stop"
  wait "$load" || exit 1
  describe_group
  cat "$work/load.txt"
  [ "$held" = "$n" ] ||
    { echo "compose-run: $held workers hold $group's partitions, not $n" >&2; exit 1; }
}
scale_to 3
step "--scale pos-worker=3: three workers share $group's partitions"
simulate 200 4
step "orders answered by three workers"
scale_to 1
step "--scale pos-worker=1: one worker holds every partition again"
simulate 100 4
step "orders answered by one worker"

# 6. Down, volumes too.
compose down -v
step "docker-compose down -v"
echo "compose-run: passed in $((SECONDS - started)) s"
