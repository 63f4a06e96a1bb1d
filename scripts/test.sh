#!/usr/bin/env bash
# The test command: every Rust test (API suite on SQLite and PostgreSQL), then the browser
# tests of the console and field app in Debian's Chromium against a real server. Works from
# a fresh clone in any folder: it fetches the locked crates first and checks up front for
# what it cannot install itself, saying how to get it.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=0
need() { # need <what> <test> <how to get it>
  if ! eval "$2" >/dev/null 2>&1; then
    echo "test.sh: $1 is missing — $3" >&2
    missing=1
  fi
}
need "cargo (Rust 1.95)" "command -v cargo" "install Rust with rustup"
need "npm (Node 20)" "command -v npm" "install Node.js 20 with npm"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
need "Chromium at $CHROMIUM" "test -x '$CHROMIUM'" "sudo apt-get install chromium (or set CHROMIUM=/path/to/chromium)"
need "the watermark font" "test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc" "sudo apt-get install fonts-wqy-microhei"
PG_URL="${OUTFIELD_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
PG_HOST="$(sed -E 's#^[a-z]+://([^@/]*@)?([^:/?]+).*#\2#' <<<"$PG_URL")"
PG_PORT="$(sed -nE 's#^[a-z]+://([^@/]*@)?[^:/?]+:([0-9]+).*#\2#p' <<<"$PG_URL")"
PG_PORT="${PG_PORT:-5432}"
need "PostgreSQL at $PG_HOST:$PG_PORT" "(exec 3<>/dev/tcp/$PG_HOST/$PG_PORT)" "start PostgreSQL (trust auth, database test) or point OUTFIELD_TEST_POSTGRES_URL at one"
[ "$missing" = 0 ] || exit 1
export CHROMIUM

cargo fetch --locked
# The delivery tests mail reports to a real SMTP server (npm smtp-server, tests/smtp/).
(cd crates/server/tests/smtp && npm ci --no-audit --no-fund)
# The single sign-on tests sign in at a real OpenID provider (npm oidc-provider, tests/oidc/).
(cd crates/server/tests/oidc && npm ci --no-audit --no-fund)
cargo test --workspace --locked

cargo build --locked -p outfield
TARGET="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)"
(cd web && npm ci --no-audit --no-fund && npm run build && OUTFIELD_BIN="$TARGET/debug/outfield" npm test)
