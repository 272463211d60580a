#!/usr/bin/env bash
# Validates the compose file without a Docker engine:
#   scripts/ci/check-compose.sh [compose file]     (default: docker-compose.yml at the root)
# - `docker-compose config` (Debian's Compose v1.29, installed when missing) checks it against
#   the Compose specification's schema and resolves its variables, alone and with
#   docker-compose.ci.yml;
# - its services are exactly kafka, postgres, gateway and pos-worker;
# - compose_lint.py adds what v1 leaves unchecked (see there).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
file=$(realpath "${1:-$root/docker-compose.yml}")

command -v docker-compose > /dev/null || "$here/apt-install.sh" docker-compose

compose() {
  docker-compose --project-directory "$(dirname "$file")" -f "$file" "$@"
}

compose config --quiet
# With the override CI runs it with (scripts/ci/compose-run.sh): the same services, other images.
override=$(dirname "$file")/docker-compose.ci.yml
if [ -f "$override" ]; then
  compose -f "$override" config --quiet
fi

services=$(compose config --services | sort | tr '\n' ' ')
expected='gateway kafka pos-worker postgres '
if [ "$services" != "$expected" ]; then
  echo "$file: services are [$services], expected [$expected]" >&2
  exit 1
fi

python3 "$here/compose_lint.py" "$file" "$root/Dockerfile" "$root/README.md" "$root"/docs/*.md
echo "$file: valid ($(docker-compose version --short 2>/dev/null || echo v1)); services: $services"
