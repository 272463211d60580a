#!/usr/bin/env bash
# A local single-node Apache Kafka (KRaft) for development and tests, without Docker.
#   kafka.sh fetch   resolve the broker's jars from Maven Central once, into the cache
#   kafka.sh start   fetch, format storage on first run, start in the background, wait until ready
#   kafka.sh stop    stop the broker started by `start`
#   kafka.sh run     run in the foreground
#   kafka.sh start|stop --brokers N   a cluster of N KRaft nodes (each broker and controller):
#     node i on KAFKA_PORT + 10(i-1), its controller on KAFKA_CONTROLLER_PORT + 10(i-1), data
#     in <data>/node-i; internal topics replicated min(3, N) times.
# One node of a cluster, as the tests start them: KAFKA_NODE_ID, KAFKA_QUORUM_VOTERS,
# KAFKA_CLUSTER_ID and KAFKA_INTERNAL_RF.
# KAFKA_SASL_SSL_PORT adds a SASL_SSL listener (SCRAM-SHA-512) on that port, with a certificate
# for 127.0.0.1 and localhost from scripts/cert.sh (<data>/tls/cert.pem is the CA to trust) and
# the users of KAFKA_SCRAM_USERS ("name=password,…"), created when the storage is formatted.
# With it, ACLs apply (npm run kafka:acls): only "admin" and the loopback PLAINTEXT listener,
# the broker's own, are super users. For local use: the passwords pass on a command line, and
# may hold neither commas nor spaces.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")
cache=${KAFKA_CACHE_DIR:-$HOME/.cache/wix-pos-gateway/kafka-$version}
data=${KAFKA_DATA_DIR:-$root/.kafka}
port=${KAFKA_PORT:-9092}
controller_port=${KAFKA_CONTROLLER_PORT:-9093}
heap=${KAFKA_HEAP:-512m}
node_id=${KAFKA_NODE_ID:-1}
quorum_voters=${KAFKA_QUORUM_VOTERS:-1@127.0.0.1:$controller_port}
internal_rf=${KAFKA_INTERNAL_RF:-1}
internal_min_isr=$((internal_rf > 1 ? 2 : 1))

fetch() {
  [ -f "$cache/.complete" ] && return
  echo "kafka: resolving Apache Kafka $version from Maven Central into $cache" >&2
  mkdir -p "$cache/libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$cache/libs"
  touch "$cache/.complete"
}

java_opts=(-Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -Djava.awt.headless=true
  -Dlog4j2.configurationFile="$here/log4j2.properties" -cp "$cache/libs/*")

java_cmd() {
  java "${java_opts[@]}" "$@"
}

sasl_ssl_port=${KAFKA_SASL_SSL_PORT:-}

# The SASL_SSL listener's settings, appended to server.properties; the PLAINTEXT listener stays
# for the broker's own traffic on loopback.
secure_listener() {
  mkdir -p "$data/tls"
  # scripts/cert.sh makes a certificate for 30 days: a new one a day before it runs out.
  if ! openssl x509 -checkend 86400 -noout -in "$data/tls/cert.pem" > /dev/null 2>&1; then
    bash "$root/scripts/cert.sh" "$data/tls" > /dev/null
  fi
  cat "$data/tls/key.pem" "$data/tls/cert.pem" > "$data/tls/keystore.pem"
  chmod 600 "$data/tls/keystore.pem"
  local props=$data/server.properties
  sed -i -e "s|^listeners=.*|&,SASL_SSL://127.0.0.1:$sasl_ssl_port|" \
    -e "s|^advertised.listeners=.*|&,SASL_SSL://127.0.0.1:$sasl_ssl_port|" \
    -e "s|^listener.security.protocol.map=.*|&,SASL_SSL:SASL_SSL|" "$props"
  cat >> "$props" << PROPS
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PEM
ssl.keystore.location=$data/tls/keystore.pem
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS;User:admin
PROPS
}

configure() {
  mkdir -p "$data/logs"
  sed -e "s/\${KAFKA_PORT}/$port/g" -e "s/\${CONTROLLER_PORT}/$controller_port/g" \
    -e "s/\${NODE_ID}/$node_id/g" -e "s/\${QUORUM_VOTERS}/$quorum_voters/g" \
    -e "s/\${INTERNAL_RF}/$internal_rf/g" -e "s/\${INTERNAL_MIN_ISR}/$internal_min_isr/g" \
    "$here/server.properties" > "$data/server.properties"
  echo "log.dirs=$data/logs" >> "$data/server.properties"
  [ -z "$sasl_ssl_port" ] || secure_listener
  if [ ! -f "$data/logs/meta.properties" ]; then
    local scram=()
    local user
    for user in $(tr ',' ' ' <<< "${KAFKA_SCRAM_USERS:-}"); do
      scram+=(--add-scram "SCRAM-SHA-512=[name=${user%%=*},password=${user#*=}]")
    done
    local cluster_id=${KAFKA_CLUSTER_ID:-$(java_cmd kafka.tools.StorageTool random-uuid)}
    java_cmd kafka.tools.StorageTool format -t "$cluster_id" \
      -c "$data/server.properties" ${scram[@]+"${scram[@]}"} > /dev/null
  fi
}

running_pid() {
  [ -f "$data/kafka.pid" ] && kill -0 "$(cat "$data/kafka.pid")" 2> /dev/null && cat "$data/kafka.pid"
}

start() {
  if pid=$(running_pid); then
    echo "kafka: already running (pid $pid) on 127.0.0.1:$port" >&2
    return
  fi
  fetch
  configure
  : > "$data/kafka.log"
  nohup java "${java_opts[@]}" kafka.Kafka "$data/server.properties" >> "$data/kafka.log" 2>&1 &
  echo $! > "$data/kafka.pid"
  for _ in $(seq 1 240); do
    if grep -q "Kafka Server started" "$data/kafka.log" 2> /dev/null; then
      echo "kafka: ready on 127.0.0.1:$port${sasl_ssl_port:+, SASL_SSL on 127.0.0.1:$sasl_ssl_port}" >&2
      return
    fi
    if ! running_pid > /dev/null; then
      cat "$data/kafka.log" >&2
      echo "kafka: the broker exited while starting" >&2
      exit 1
    fi
    sleep 0.25
  done
  echo "kafka: not ready after 60 s; see $data/kafka.log" >&2
  stop
  exit 1
}

stop() {
  if pid=$(running_pid); then
    kill "$pid"
    for _ in $(seq 1 120); do kill -0 "$pid" 2> /dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2> /dev/null || true
  fi
  rm -f "$data/kafka.pid"
}

# Runs `kafka.sh <command>` for each of N nodes at once: a node's start waits for the quorum,
# which needs the others.
cluster() {
  local command=$1 nodes=$2 voters="" i
  [ "$command" = start ] && fetch
  for i in $(seq 1 "$nodes"); do
    voters+="${voters:+,}$i@127.0.0.1:$((controller_port + 10 * (i - 1)))"
  done
  mkdir -p "$data"
  [ -f "$data/cluster.id" ] || java_cmd kafka.tools.StorageTool random-uuid > "$data/cluster.id"
  local pids=()
  for i in $(seq 1 "$nodes"); do
    KAFKA_DATA_DIR="$data/node-$i" KAFKA_PORT=$((port + 10 * (i - 1))) \
      KAFKA_CONTROLLER_PORT=$((controller_port + 10 * (i - 1))) KAFKA_NODE_ID=$i \
      KAFKA_QUORUM_VOTERS=$voters KAFKA_CLUSTER_ID=$(cat "$data/cluster.id") \
      KAFKA_INTERNAL_RF=$((nodes < 3 ? nodes : 3)) KAFKA_SASL_SSL_PORT='' \
      bash "$0" "$command" &
    pids+=($!)
  done
  local failed=0 pid
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return $failed
}

if [ "${2:-}" = --brokers ] && [ "${3:-1}" -gt 1 ]; then
  case "$1" in
    start | stop) cluster "$1" "$3"; exit ;;
    *) echo "usage: $0 start|stop --brokers N" >&2; exit 2 ;;
  esac
fi

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  run) fetch; configure; exec java "${java_opts[@]}" kafka.Kafka "$data/server.properties" ;;
  *) echo "usage: $0 fetch|start|stop|run" >&2; exit 2 ;;
esac
