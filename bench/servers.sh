#!/usr/bin/env bash
# Several servers on one PostgreSQL: ingest through one server and through two (each with
# its own pool and job worker, requests alternating as behind a load balancer), side by
# side on the same machine and data shape, alternated three times so medians can be read
# off. Phone-sized batches (20 fixes), as fast as possible with 64 in flight, then at an
# offered 12,000 fixes/s for the latency. Each run also follows the change feed and prints
# the outbox lag: from an event's commit to a reader seeing it.
#   bench/servers.sh                     # PostgreSQL at postgres://postgres@127.0.0.1:5432/test
#   PG_URL=postgres://… bench/servers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
cargo build --release -q -p outfield
BIN=${CARGO_TARGET_DIR:-target}/release/outfield
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for i in 1 2 3; do
  for n in 1 2; do
    OUTFIELD_LOG=error "$BIN" bench ingest --database-url "$PG_URL" --servers "$n" \
      --batch 20 --reps 1000 --concurrency 64 --requests 5000
  done
done
for i in 1 2 3; do
  for n in 1 2; do
    OUTFIELD_LOG=error "$BIN" bench ingest --database-url "$PG_URL" --servers "$n" \
      --batch 20 --reps 1000 --rate 12000 --requests 3000
  done
done
