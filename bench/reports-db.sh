#!/usr/bin/env bash
# Reports over a real database: `outfield bench reports` generates REPS reps × DAYS days of
# history (punches, visits with check-outs, day summaries, published plans; 60 customers a
# rep) written straight into the tables, then times the rebuild of all days but the last,
# the nightly refresh of the last day alone, and every standard report and the insights
# over 30 days through HTTP (RUNS runs each, median and p95). Once on a fresh SQLite file,
# once on a throwaway schema of the PostgreSQL at POSTGRES_URL.
#
#   bench/reports-db.sh
#   REPS=100 DAYS=30 RUNS=9 bench/reports-db.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-500}
DAYS=${DAYS:-90}
RUNS=${RUNS:-20}
POSTGRES_URL=${POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
cargo build -q --release -p outfield
"${CARGO_TARGET_DIR:-target}"/release/outfield bench reports --reps "$REPS" --days "$DAYS" --runs "$RUNS"
"${CARGO_TARGET_DIR:-target}"/release/outfield bench reports --reps "$REPS" --days "$DAYS" --runs "$RUNS" \
  --database-url "$POSTGRES_URL"
