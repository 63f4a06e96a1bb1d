#!/usr/bin/env bash
# Contract test: schemathesis (pinned, .venv-ci/) sends generated requests to a demo server
# on a fresh SQLite database and fails on any 5xx, any status the OpenAPI document does not
# list for the operation, any body or content type that does not match it.
# Usage: scripts/contract-test.sh [path/to/outfield]   (EXAMPLES=n per operation, default 25)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="$(realpath "${1:-${CARGO_TARGET_DIR:-target}/debug/outfield}")"
VBIN="$(scripts/ci-venv.sh)"
EXAMPLES="${EXAMPLES:-25}"
WORK="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
PASSWORD="contract-$RANDOM$RANDOM"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

OUTFIELD_DEMO_PASSWORD="$PASSWORD" OUTFIELD_LOG=warn "$BIN" serve --demo \
  --listen "127.0.0.1:$PORT" --database-url "sqlite://$WORK/contract.db" \
  --osmand-listen off --data-dir "$WORK/data" --web-dir "$WORK/no-web" \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.5
done
TOKEN="$(curl -fsS -H 'content-type: application/json' \
  -d "{\"tenant\":\"demo\",\"username\":\"admin\",\"password\":\"$PASSWORD\"}" \
  "$BASE/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"

# Left out: logout (it would revoke the token the run uses) and the live SSE stream (it
# never ends). Everything else, photo uploads included, is exercised.
run_schemathesis() {
  "$VBIN/schemathesis" run "$BASE/api/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance \
    --exclude-path /api/v1/auth/logout --exclude-path /api/v1/live \
    --phases examples,coverage,fuzzing \
    --max-examples "$EXAMPLES" --seed 11 --workers 2 \
    --request-timeout 30 --warnings off \
    --report junit --report-dir "$WORK/report" 2>&1 | tee "$WORK/run.log"
  return "${PIPESTATUS[0]}"
}
status=0
run_schemathesis || status=$?
# Schemathesis itself sometimes fails while generating cases (hypothesis' FlakyFailure in its
# coverage phase, seen 2026-12-07 on POST /locations). A run that found no failure of the API
# but stopped on such an error of its own is run once more; a failure of the API never is.
if [ "$status" != 0 ] && ! grep -q "= FAILURES =" "$WORK/run.log" && grep -q "FlakyFailure" "$WORK/run.log"; then
  echo "contract-test: schemathesis hit an error of its own (FlakyFailure) and no API failure; running it again" >&2
  status=0
  run_schemathesis || status=$?
fi
if [ "$status" != 0 ]; then
  echo "--- server log (tail)" >&2
  tail -n 50 "$WORK/server.log" >&2
fi
exit "$status"
