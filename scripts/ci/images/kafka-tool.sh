#!/bin/bash
# /opt/kafka/bin/<tool>.sh in the local stand-in for the apache/kafka image: the tools the
# compose file and the compose run use, by the class Kafka's own scripts run.
set -euo pipefail
case $(basename "$0" .sh) in
  kafka-broker-api-versions) class=org.apache.kafka.tools.BrokerApiVersionsCommand ;;
  kafka-consumer-groups) class=org.apache.kafka.tools.consumer.group.ConsumerGroupCommand ;;
  kafka-topics) class=org.apache.kafka.tools.TopicCommand ;;
  *) echo "$0: not in this image" >&2 && exit 2 ;;
esac
exec java -Xmx256m -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties \
  -cp '/opt/kafka/libs/*' "$class" "$@"
