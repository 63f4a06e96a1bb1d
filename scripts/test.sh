#!/usr/bin/env bash
# The test command: every Rust test (API suite on SQLite and PostgreSQL), then the browser
# tests of the console and field app in Debian's Chromium against a real server.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --locked

cargo build --locked -p outfield
TARGET="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)"
(cd web && npm ci --no-audit --no-fund && npm run build && OUTFIELD_BIN="$TARGET/debug/outfield" npm test)
