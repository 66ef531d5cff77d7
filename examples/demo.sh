#!/usr/bin/env bash
# Runs the built CLI (node esbuild.mjs first; `npm run demo` does both) on the seed and on
# every broken example, in text format. Exits 0 when the seed is clean; exits 1 when it is
# not or when the CLI itself fails (exit 2). A broken example the checker misses is flagged
# with "!!!" but does not fail the demo (test/oracle holds the checker to that).
set -uo pipefail
cd "$(dirname "$0")/.."

cli=dist/cli.js
if [ ! -f "$cli" ]; then
  echo "$cli is missing; run: node esbuild.mjs" >&2
  exit 1
fi

# git keeps no 0600 modes; give the example keys back the mode the PKI script wrote.
find examples -type f \( -name '*[Kk]ey*.pem' -o -name '*CertAndKeyCombined.pem' \) \
  -exec chmod 600 {} +

status=0
check() {
  local dir=$1 expect=$2
  echo "=== ${dir#examples/}"
  [ "$expect" = findings ] && sed -n '1s/^# //p' "$dir/conf.d/reverseProxy.conf"
  node "$cli" check --format text --manifest "$dir/.httpd-mtls.json" \
    "$dir/conf.d/reverseProxy.conf"
  local code=$?
  case "$expect:$code" in
    clean:0 | findings:1) ;;
    clean:*) echo "!!! expected the seed to be clean (exit $code)"; status=1 ;;
    *:2) echo "!!! the CLI failed (exit 2)"; status=1 ;;
    *) echo "!!! expected findings at error level (exit $code)" ;;
  esac
  echo
}

check examples/seed clean
for dir in examples/broken/*/; do
  check "${dir%/}" findings
done
exit $status
