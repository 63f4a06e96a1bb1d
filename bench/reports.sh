#!/usr/bin/env bash
# Reports, the pure part: 500 reps × 90 days of in-memory inputs built into person-day
# facts (the detour ratio runs plan's exact best path for every day), customer facts,
# roll-ups by day/week/month, every standard report and the insights of one month.
# Prints the median of several runs of each step. Storage is not included.
#
#   bench/reports.sh
#   REPORTS_BENCH_REPS=100 REPORTS_BENCH_DAYS=30 REPORTS_BENCH_RUNS=9 bench/reports.sh
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
cargo bench -q -p reports --bench reports
