#!/bin/bash
# The entrypoint of the local stand-in for the apache/kafka image: the same environment
# convention, so that docker-compose.yml's `kafka` service runs on it unchanged. Every KAFKA_*
# variable but the JVM's is a server property: KAFKA_ stripped, lower case, "___" for "-",
# "__" for "_" and "_" for ".". CLUSTER_ID formats the storage on first start.
set -euo pipefail
props=/opt/kafka/config/server.properties
mkdir -p /opt/kafka/config
: > "$props"
while IFS='=' read -r name value; do
  case $name in
    KAFKA_HEAP_OPTS | KAFKA_OPTS | KAFKA_JVM_PERFORMANCE_OPTS | KAFKA_LOG4J_OPTS) continue ;;
    KAFKA_*) ;;
    *) continue ;;
  esac
  key=${name#KAFKA_}
  key=${key,,}
  key=${key//___/-}
  key=${key//__/@}
  key=${key//_/.}
  key=${key//@/_}
  printf '%s=%s\n' "$key" "$value" >> "$props"
done < <(env)
java_opts=(${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+UseG1GC -Djava.awt.headless=true
  -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -cp '/opt/kafka/libs/*')
log_dir=$(sed -n 's/^log\.dirs=//p' "$props")
if [ ! -f "${log_dir:-/tmp/kraft-combined-logs}/meta.properties" ]; then
  java "${java_opts[@]}" kafka.tools.StorageTool format -t "${CLUSTER_ID:?}" -c "$props"
fi
exec java "${java_opts[@]}" kafka.Kafka "$props"
