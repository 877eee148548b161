#!/usr/bin/env bash
# Installs what the end-to-end tests need, offline-safe: Debian's chromium (the VS Code window) and
# code-server 4.100.3 (a real VS Code 1.100 extension host) in .tools/e2e, apart from the extension's
# own dependencies. Idempotent: a second run only checks. Recipe: ../shared/VSCODE-E2E.md.
set -euo pipefail
cd "$(dirname "$0")/.."
CODE_SERVER_VERSION=4.100.3
TOOLS=.tools/e2e

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v rg >/dev/null || need_apt+=(ripgrep)
# The Unicode PDF fixture embeds DejaVu Sans; the PDF bench compares with poppler's pdftotext.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need_apt+=(fonts-dejavu-core)
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
if [ ! -x "$TOOLS/node_modules/.bin/code-server" ]; then
  dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
  command -v pkg-config >/dev/null || need_apt+=(pkg-config)
  command -v g++ >/dev/null || need_apt+=(g++)
  command -v make >/dev/null || need_apt+=(make)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup-e2e-tools: please install: sudo apt-get install -y ${need_apt[*]}" >&2
    exit 1
  fi
  echo "setup-e2e-tools: apt-get install ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -x "$TOOLS/node_modules/.bin/code-server" ] && grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$TOOLS/node_modules/code-server/package.json"; then
  echo "setup-e2e-tools: code-server $CODE_SERVER_VERSION present"
  exit 0
fi
mkdir -p "$TOOLS"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# @vscode/ripgrep's postinstall downloads rg from GitHub; seed its cache with Debian's rg instead.
mkdir -p "$tmp/vscode-ripgrep-cache-1.15.11" "$tmp/rgpkg"
cp "$(command -v rg)" "$tmp/rgpkg/rg"
tar -C "$tmp/rgpkg" -czf "$tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" rg
cat > "$TOOLS/package.json" <<JSON
{ "name": "ai-lab-e2e-tools", "private": true, "dependencies": { "code-server": "$CODE_SERVER_VERSION" } }
JSON
echo "setup-e2e-tools: installing code-server $CODE_SERVER_VERSION (about 90 s)"
(cd "$TOOLS" && TMPDIR="$tmp" npm_config_yes=true npm install --ignore-scripts=false --unsafe-perm --no-audit --no-fund --loglevel=error)
test -x "$TOOLS/node_modules/.bin/code-server"
echo "setup-e2e-tools: done"
