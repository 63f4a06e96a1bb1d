#!/usr/bin/env bash
# Runs Outfield with the demo company on a fresh machine: installs what the server needs
# beside Rust (the watermark font), builds the web console and field app from the
# lockfile, then serves everything on http://127.0.0.1:8080 (console at /, field app at
# /app/, API docs at /api/docs). Extra arguments go to `outfield serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
if [ ! -f "$FONT" ] && command -v apt-get >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get install -y fonts-wqy-microhei || { $SUDO apt-get update && $SUDO apt-get install -y fonts-wqy-microhei; } || true
fi
[ -f "$FONT" ] || echo "warning: $FONT is missing; photo uploads will answer 503 until fonts-wqy-microhei is installed" >&2

(cd web && npm ci --no-audit --no-fund && npm run build)

export OUTFIELD_DEMO_PASSWORD="${OUTFIELD_DEMO_PASSWORD:-demo-pass-123}"
exec cargo run --release --locked -p outfield -- serve --demo --web-dir web/dist "$@"
