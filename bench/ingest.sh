#!/usr/bin/env bash
# Ingest benchmark: fixes/s through POST /api/v1/locations into SQLite and PostgreSQL,
# as fast as possible (1,000-fix batches, 8 in flight) and at an offered 12,000 fixes/s,
# each run three times; prints every run so medians can be read off.
#   bench/ingest.sh                     # PostgreSQL at postgres://postgres@127.0.0.1:5432/test
#   PG_URL=postgres://… bench/ingest.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
cargo build --release -q -p outfield
BIN=${CARGO_TARGET_DIR:-target}/release/outfield
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for db in sqlite postgres; do
  args=()
  [[ $db == postgres ]] && args=(--database-url "$PG_URL")
  for i in 1 2 3; do
    OUTFIELD_LOG=error "$BIN" bench ingest "${args[@]}" --requests 400 --reps 100 --batch 1000 --concurrency 8
  done
  for i in 1 2 3; do
    OUTFIELD_LOG=error "$BIN" bench ingest "${args[@]}" --requests 360 --reps 100 --batch 1000 --rate 12000
  done
done
