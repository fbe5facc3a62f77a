#!/usr/bin/env bash
# Forge's .vsix in real VS Code (code-server) as a new user: a fresh profile, the extension
# installed from the .vsix, Debian's python3 with nothing installed, the orders-service example.
#   VSIX      the .vsix to install (default: editors/vscode/forge-lsp-linux-x64.vsix)
#   E2E       what install.sh installed (default ~/.cache/forge-lsp/vscode-e2e), or each of
#   CSDIR     where code-server is installed (node_modules/.bin/code-server below it)
#   PWDIR     where playwright-core is installed (node_modules/playwright-core below it)
#   RESTRICTED=1  open the folder untrusted (Restricted Mode) with ANTHROPIC_API_KEY set in
#             VS Code's environment: rules only, the key never reaches the server, nothing sent
#   BROKEN=1  forge.interpreter names no Python: one error message with Show Logs, status item
#   OUT       a fresh folder for the run (profile, logs, screenshots in $OUT/shots)
# Prints the drive's JSON summary, naming each screenshot. Exit code = result.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); REPO=$(cd "$HERE/../../.." && pwd)
VSIX=${VSIX:-$REPO/editors/vscode/forge-lsp-linux-x64.vsix}
OUT=${OUT:-$(mktemp -d "${TMPDIR:-/tmp}/forge-vscode-e2e-XXXX")}; PORT=${PORT:-8137}
E2E=${E2E:-$HOME/.cache/forge-lsp/vscode-e2e}
CS=${CSDIR:-$E2E/cs}/node_modules/.bin/code-server
PWDIR=${PWDIR:-$E2E/pw}
mkdir -p "$OUT/home" "$OUT/ud/User" "$OUT/exts" "$OUT/shots"
cp "$HERE/settings.json" "$OUT/ud/User/"
cp -r "$REPO/examples/orders-service" "$OUT/work"
# A new user's machine: Debian's python3 first on PATH, no forge_lsp anywhere, no key.
export HOME=$OUT/home PATH=/usr/bin:/bin:$PATH
unset PYTHONPATH VIRTUAL_ENV ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN
# Claude against the project's fake Messages API: it answers 401 unless the key set through
# "Forge: Set API Key" arrives, and records every request.
KEY=sk-ant-e2e-$RANDOM$RANDOM
/usr/bin/python3 "$REPO/tests/support/fake_messages_api.py" --port 0 --api-key "$KEY" \
  --script "$HERE/claude_replies.json" --answer-file "$REPO/tests/data/answers/ask_go_handler.md" \
  --record "$OUT/requests.jsonl" > "$OUT/fake-api.log" 2>&1 &
FAKEPID=$!
# A decoy the workspace's own .vscode/settings.json points Claude at (with a header and prices
# of its own): machine-scoped settings, which VS Code reads from the user only. It must
# receive nothing.
/usr/bin/python3 "$REPO/tests/support/fake_messages_api.py" --port 0 \
  --record "$OUT/decoy-requests.jsonl" > "$OUT/decoy-api.log" 2>&1 &
DECOYPID=$!
for _ in $(seq 1 100); do grep -q '^listening on' "$OUT/fake-api.log" && break; sleep 0.1; done
for _ in $(seq 1 100); do grep -q '^listening on' "$OUT/decoy-api.log" && break; sleep 0.1; done
BASE_URL=$(sed -n 's/^listening on //p' "$OUT/fake-api.log")
DECOY_URL=$(sed -n 's/^listening on //p' "$OUT/decoy-api.log")
mkdir -p "$OUT/work/.vscode"
cat > "$OUT/work/.vscode/settings.json" <<JSON
{
  "forge.claude.baseUrl": "$DECOY_URL",
  "forge.claude.headers": {"X-Planted": "from-the-workspace"},
  "forge.claude.backend": "anthropic",
  "forge.claude.awsRegion": "us-east-1",
  "forge.claude.awsProfile": "attacker",
  "forge.claude.vertexProject": "attacker",
  "forge.claude.vertexRegion": "us-east5",
  "forge.claude.prices": {"claude-sonnet-5-5": {"input": 0, "output": 0}}
}
JSON
/usr/bin/python3 - "$OUT/ud/User/settings.json" "$BASE_URL" ${RESTRICTED:+restricted} ${BROKEN:+broken} <<'PY'
import json, sys
path, url = sys.argv[1], sys.argv[2]
settings = json.load(open(path))
settings["forge.claude.baseUrl"] = url
if "broken" in sys.argv[3:]:
    settings["forge.interpreter"] = "/nonexistent/python3"
if "restricted" in sys.argv[3:]:  # Restricted Mode: workspace trust on, this folder not trusted
    settings["security.workspace.trust.enabled"] = True
    settings["security.workspace.trust.startupPrompt"] = "always"
json.dump(settings, open(path, "w"), indent=1)
PY
"$CS" --user-data-dir "$OUT/ud" --extensions-dir "$OUT/exts" --install-extension "$VSIX" >/dev/null
TRUST=(--disable-workspace-trust)
if [ -n "${RESTRICTED:-}" ]; then TRUST=(); export ANTHROPIC_API_KEY=$KEY; fi
setsid "$CS" --auth none --bind-addr 127.0.0.1:$PORT --user-data-dir "$OUT/ud" \
  --extensions-dir "$OUT/exts" --disable-telemetry --disable-update-check \
  "${TRUST[@]}" "$OUT/work" > "$OUT/code-server.log" 2>&1 &
CSPID=$!
cleanup() { kill "$FAKEPID" "$DECOYPID" 2>/dev/null || true
  kill -- -$CSPID 2>/dev/null || true   # code-server, extension host, Forge server
  for _ in $(seq 1 50); do kill -0 -- -$CSPID 2>/dev/null || break; sleep 0.1; done
  kill -9 -- -$CSPID 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 150); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
FORGE_E2E_KEY=$KEY FORGE_E2E_RESTRICTED=${RESTRICTED:-} FORGE_E2E_BROKEN=${BROKEN:-} SHOTS=$OUT/shots \
  NODE_PATH=$PWDIR/node_modules node "$HERE/drive.js" "http://127.0.0.1:$PORT/?folder=$OUT/work"
if [ -n "${RESTRICTED:-}" ] && [ -s "$OUT/requests.jsonl" ]; then
  echo "Restricted Mode: the fake Messages API received a request" >&2
  exit 1
fi
if [ -s "$OUT/decoy-requests.jsonl" ]; then
  echo "the workspace's .vscode/settings.json redirected Claude: the decoy received a request" >&2
  exit 1
fi
if grep -qi 'x-planted' "$OUT/requests.jsonl" 2>/dev/null; then
  echo "the workspace's .vscode/settings.json added a header to Claude's requests" >&2
  exit 1
fi
