#!/usr/bin/env bash
# Installs everything the tests need on a fresh Debian machine: real Apache httpd, gunicorn +
# flask, curl and openssl for the oracle tests; npm packages; the real editor for e2e.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v apache2 >/dev/null || [ -x /usr/sbin/apache2 ] || need+=(apache2)
# The oracle runs Debian's python3 (a pyenv python3 on PATH may lack these modules).
/usr/bin/python3 -c 'import gunicorn' 2>/dev/null || need+=(python3-gunicorn)
/usr/bin/python3 -c 'import flask' 2>/dev/null || need+=(python3-flask)
command -v curl >/dev/null || need+=(curl)
command -v openssl >/dev/null || need+=(openssl)
[ -e /etc/ssl/certs/ssl-cert-snakeoil.pem ] || need+=(ssl-cert)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages: ${need[*]} (run as root or install them)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

npm ci --no-audit --no-fund

if [ -x scripts/install-e2e-deps.sh ]; then
  bash scripts/install-e2e-deps.sh
fi
