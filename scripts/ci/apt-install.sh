#!/usr/bin/env bash
# Installs Debian packages: apt-get install, and if that fails (package lists stale or absent,
# as on a fresh machine) apt-get update and once more. Quiet; apt's output only on failure.
#
#   scripts/ci/apt-install.sh <package>...
set -euo pipefail
[ $# -gt 0 ] || exit 0
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
apt_install() { apt-get install -y -qq --no-install-recommends "$@" >> "$log" 2>&1; }
if ! apt_install "$@"; then
  if ! { apt-get update -qq >> "$log" 2>&1 && apt_install "$@"; }; then
    cat "$log" >&2
    exit 1
  fi
fi
