#!/bin/bash
# The entrypoint of the local stand-in for the postgres image: the same environment convention
# (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, PGDATA), so that docker-compose.yml's
# `postgres` service runs on it unchanged. A new data directory gets the user, its password
# (SCRAM), its database, and connections from the network by password; then the server runs
# in the foreground as user postgres.
set -euo pipefail
bin=$(echo /usr/lib/postgresql/*/bin)
export PGDATA=${PGDATA:-/var/lib/postgresql/data}
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "${POSTGRES_PASSWORD:?}" > "$pwfile"
  "$bin/initdb" -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 > /dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  "$bin/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=''" -w start > /dev/null
  [ "$db" = postgres ] || "$bin/psql" -v ON_ERROR_STOP=1 -U "$user" -d postgres -q \
    -c "CREATE DATABASE \"$db\""
  "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop > /dev/null
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*'
