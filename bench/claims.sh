#!/usr/bin/env bash
# Mileage claims, the pure part: 500 reps × one month (22 working days) of in-memory day
# inputs built into claims, frozen as snapshots, serialised and exported as a payout
# batch; prints the median of several runs of each step. Storage is not included.
#
#   bench/claims.sh
#   CLAIMS_BENCH_REPS=5000 CLAIMS_BENCH_RUNS=5 bench/claims.sh
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
cargo bench -q -p claims --bench build
