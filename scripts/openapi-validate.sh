#!/usr/bin/env bash
# Validates the OpenAPI document the server serves (`outfield openapi` prints the same one)
# with an independent validator. Usage: scripts/openapi-validate.sh [path/to/outfield]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-${CARGO_TARGET_DIR:-target}/debug/outfield}"
VBIN="$(scripts/ci-venv.sh)"
DOC="$(mktemp --suffix=.json)"
trap 'rm -f "$DOC"' EXIT
"$BIN" openapi >"$DOC"
"$VBIN/openapi-spec-validator" --validation-errors all "$DOC"
