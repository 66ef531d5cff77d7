#!/usr/bin/env bash
# The test command (README, CI): type-check, build the bundles, then every test tier in one
# node:test run so there is one summary. Needs what scripts/install-test-deps.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."

# git keeps no 0600 modes: give every committed private key the mode its script wrote, so the
# key-permissions rule judges the fixtures as they were made (one fixture is 0640 on purpose).
grep -rlZ --include='*' 'PRIVATE KEY' test/fixtures examples | xargs -0 -r chmod 600
find test/fixtures -name '*.key.der' -exec chmod 600 {} +
chmod 640 test/fixtures/rules/key-permissions-group-readable.key

npx tsc -p . --noEmit
node esbuild.mjs

shopt -s nullglob
tests=(test/unit/*.test.ts test/lsp/*.test.ts test/oracle/*.test.ts test/e2e/*.test.ts)
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${tests[@]}"
