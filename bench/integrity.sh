#!/usr/bin/env bash
# Anti-cheat benchmark: simulate honest and cheating rep-days (crates/cheatsim, built on
# tracksim), judge each with integrity::assess, print per trick the share caught (review
# or worse), per honest hard case the share flagged, and time per verdict and per tenant
# month. Thresholds were tuned on seeds 1-10; report other seeds.
#
#   bench/integrity.sh                  # seeds 201..221 (held out), 2 threads
#   SEEDS=101..121 bench/integrity.sh
#   VERBOSE=1 bench/integrity.sh        # also list every misjudged day with its reasons
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${SEEDS:-201..221} THREADS=${THREADS:-2}
cargo build --release -q -p cheatsim
BIN=${CARGO_TARGET_DIR:-$PWD/target}/release/cheatsim
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$BIN" bench --seeds "$SEEDS" --threads "$THREADS" ${VERBOSE:+--verbose}
