#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs, once, into $1 (default
# ~/.cache/forge-lsp/vscode-e2e): code-server 4.100.3 (the last line that runs on Node 20) and
# playwright-core from npm, and Debian's chromium and ripgrep. About 4 minutes the first time,
# seconds after. Prints the folder.
#   code-server's @vscode/ripgrep downloads rg from GitHub in postinstall: its download cache is
#   seeded with Debian's rg instead. Native modules build against Node's own headers (/usr).
set -euo pipefail
DEST=${1:-$HOME/.cache/forge-lsp/vscode-e2e}
mkdir -p "$DEST"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev libxkbfile-dev libsecret-1-dev build-essential pkg-config >/dev/null 2>&1 ||
  missing+=(build-essential pkg-config libkrb5-dev libxkbfile-dev libsecret-1-dev)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
fi
if [ ! -x "$DEST/cs/node_modules/.bin/code-server" ]; then
  RGV=1.15.11
  mkdir -p "$DEST/tmp/vscode-ripgrep-cache-$RGV" "$DEST/tmp/rgseed" "$DEST/cs"
  cp "$(command -v rg)" "$DEST/tmp/rgseed/rg"
  tar czf "$DEST/tmp/vscode-ripgrep-cache-$RGV/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" \
    -C "$DEST/tmp/rgseed" rg
  (cd "$DEST/cs" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    TMPDIR=$DEST/tmp npm_config_unsafe_perm=true npm_config_nodedir=/usr npm_config_yes=true \
      npm install --no-audit --no-fund --loglevel=error code-server@4.100.3 >/dev/null)
fi
if [ ! -d "$DEST/pw/node_modules/playwright-core" ]; then
  mkdir -p "$DEST/pw"
  (cd "$DEST/pw" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund --loglevel=error playwright-core@1 >/dev/null)
fi
"$DEST/cs/node_modules/.bin/code-server" --version >&2
echo "$DEST"
