#!/usr/bin/env bash
# npm run cert [-- dir]: a self-signed certificate for localhost and 127.0.0.1, valid 30 days,
# for local HTTPS only: writes <dir>/cert.pem and <dir>/key.pem (dir: .certs in the repository).
#   TLS_CERT_FILE=.certs/cert.pem TLS_KEY_FILE=.certs/key.pem npm run start:gateway
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/.certs}
umask 077
mkdir -p "$dir"
if ! out=$(openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>&1); then
  echo "cert: openssl failed:" >&2
  echo "$out" >&2
  exit 1
fi
chmod 600 "$dir/key.pem"
chmod 644 "$dir/cert.pem"
echo "cert: wrote $dir/cert.pem and $dir/key.pem (self-signed, localhost and 127.0.0.1, 30 days)" >&2
echo "TLS_CERT_FILE=$dir/cert.pem TLS_KEY_FILE=$dir/key.pem"
