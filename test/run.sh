#!/usr/bin/env bash
# The test command (README, CI): type-check, build the bundles, then every test tier in one
# node:test run so there is one summary. Needs what scripts/install-test-deps.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."

npx tsc -p . --noEmit
node esbuild.mjs

shopt -s nullglob
tests=(test/unit/*.test.ts test/lsp/*.test.ts test/oracle/*.test.ts test/e2e/*.test.ts)
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${tests[@]}"
