#!/usr/bin/env bash
# Forge's .vsix in real VS Code (code-server) as a new user: a fresh profile, the extension
# installed from the .vsix, Debian's python3 with nothing installed, the orders-service example.
#   VSIX      the .vsix to install (default: editors/vscode/forge-lsp-linux-x64.vsix)
#   CSDIR     where code-server is installed (node_modules/.bin/code-server below it)
#   PWDIR     where playwright-core is installed (node_modules/playwright-core below it)
# Prints the drive's JSON summary; screenshots go to $OUT/shots. Exit code = result.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../../.." && pwd)
VSIX=${VSIX:-$REPO/editors/vscode/forge-lsp-linux-x64.vsix}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/forge-vscode-e2e-XXXX")}; PORT=${PORT:-8137}
CS=${CSDIR:?code-server install dir}/node_modules/.bin/code-server
mkdir -p "$OUT/home" "$OUT/ud/User" "$OUT/exts" "$OUT/shots"
cp "$HERE/settings.json" "$OUT/ud/User/"
cp -r "$REPO/examples/orders-service" "$OUT/work"
# A new user's machine: Debian's python3 first on PATH, no forge_lsp anywhere, no key.
export HOME=$OUT/home PATH=/usr/bin:/bin:$PATH
unset PYTHONPATH VIRTUAL_ENV ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN
"$CS" --user-data-dir "$OUT/ud" --extensions-dir "$OUT/exts" --install-extension "$VSIX" >/dev/null
setsid "$CS" --auth none --bind-addr 127.0.0.1:$PORT --user-data-dir "$OUT/ud" \
  --extensions-dir "$OUT/exts" --disable-telemetry --disable-update-check \
  --disable-workspace-trust "$OUT/work" > "$OUT/code-server.log" 2>&1 &
CSPID=$!
cleanup() { kill -- -$CSPID 2>/dev/null || true   # code-server, extension host, Forge server
  for _ in $(seq 1 50); do kill -0 -- -$CSPID 2>/dev/null || break; sleep 0.1; done
  kill -9 -- -$CSPID 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 150); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
SHOTS=$OUT/shots NODE_PATH=${PWDIR:?playwright-core install dir}/node_modules \
  node "$HERE/drive.js" "http://127.0.0.1:$PORT/?folder=$OUT/work"
