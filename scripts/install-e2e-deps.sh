#!/usr/bin/env bash
# Installs what the real-editor e2e tests need (test/e2e/): Debian chromium, fonts and neovim,
# and code-server 4.100.3 from npm into a cache folder outside the repo. Idempotent: every step
# is skipped when its result is already there and works, so a re-run takes about a second.
#
# Why code-server 4.100.3: it is the newest release whose engines accept Node 20 (it runs
# VS Code 1.100.3). The pitfalls handled below are recorded in shared/research/editor-e2e.md.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
# @vscode/ripgrep version and release asset that code-server 4.100.3 pins (lib/vscode
# npm-shrinkwrap.json, lib/postinstall.js); re-derive both when CODE_SERVER_VERSION changes.
RIPGREP_PKG_VERSION=1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

cache_root="${HTTPD_MTLS_CACHE:-$HOME/.cache/httpd-mtls}"
code_server_dir="$cache_root/code-server-$CODE_SERVER_VERSION"
code_server_bin="$code_server_dir/node_modules/.bin/code-server"

# 1. Debian packages, only the missing ones.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
# kerberos (a code-server native module) builds against gssapi/gssapi.h.
[ -e /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
command -v rg >/dev/null || need+=(ripgrep)
command -v nvim >/dev/null || need+=(neovim)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing Debian packages: ${need[*]} (run as root or install them)" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# Even --version writes a config (with a password) and logs under XDG dirs; keep them out of HOME.
code_server_works() {
  [ -x "$code_server_bin" ] || return 1
  local scratch status=0
  scratch="$(mktemp -d)"
  XDG_CONFIG_HOME="$scratch/config" XDG_DATA_HOME="$scratch/data" \
    "$code_server_bin" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION " || status=1
  rm -rf "$scratch"
  return "$status"
}

if code_server_works; then
  echo "code-server $CODE_SERVER_VERSION already installed in $code_server_dir"
  exit 0
fi

# 2. Seed @vscode/ripgrep's download cache with Debian's rg (same 13.0.0), because its
# postinstall would otherwise fetch the binary from api.github.com, which is unreachable here.
rg_cache="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$RIPGREP_PKG_VERSION"
if [ ! -s "$rg_cache/$RIPGREP_ASSET" ]; then
  mkdir -p "$rg_cache"
  rg_stage="$(mktemp -d)"
  cp "$(command -v rg)" "$rg_stage/rg"
  tar -czf "$rg_cache/$RIPGREP_ASSET.part" -C "$rg_stage" rg
  mv "$rg_cache/$RIPGREP_ASSET.part" "$rg_cache/$RIPGREP_ASSET"
  rm -rf "$rg_stage"
fi

# 3. code-server from npm into its own folder. unsafe_perm: its postinstall refuses root
# otherwise; yes: node-pty's postinstall runs `npx node-gyp`, which ~/.npmrc's yes=false cancels.
rm -rf "$code_server_dir"
mkdir -p "$code_server_dir"
echo '{"private":true}' >"$code_server_dir/package.json"
(
  cd "$code_server_dir"
  npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
)

if ! code_server_works; then
  echo "code-server $CODE_SERVER_VERSION did not install correctly in $code_server_dir" >&2
  exit 1
fi
echo "code-server $CODE_SERVER_VERSION installed in $code_server_dir"
