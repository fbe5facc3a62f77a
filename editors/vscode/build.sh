#!/usr/bin/env bash
# Build the VS Code extension from a clean checkout: install (npm ci), type-check, bundle,
# unit tests, the bundled server (bundled/libs) and the .vsix. Fails on the first error.
#   PYTHON   interpreter that runs pip for the bundled server (default: python3)
#   TARGET   vsce target, one of linux-x64 (default), linux-arm64, darwin-x64, darwin-arm64,
#            win32-x64: the compiled wheels in bundled/libs are for that platform only
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
TARGET=${TARGET:-linux-x64}

echo "== npm ci"
npm ci --no-audit --no-fund --loglevel=error
echo "== type-check, bundle, unit tests"
npm run --silent typecheck
npm run --silent build
npm test --silent
echo "== the server and its dependencies into bundled/libs ($TARGET)"
"$PYTHON" scripts/bundle_server.py --target "$TARGET"
echo "== the .vsix"
# vsce's secret scan of the ~4,500 bundled third-party files takes 3-4 minutes; CI skips it.
# Release builds (`npm run package`) keep it.
npx vsce package --target "$TARGET" --no-dependencies ${VSCE_FAST:+--allow-package-all-secrets} \
  -o "forge-lsp-$TARGET.vsix"
ls -l "forge-lsp-$TARGET.vsix"
