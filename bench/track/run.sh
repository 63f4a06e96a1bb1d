#!/usr/bin/env bash
# Tracking benchmark: simulate rep-days with tracksim, run every method on the
# same fixes.csv, score them against truth.json, write results.md.
#
#   bench/track/run.sh                      # 20 working days x 3 reps, seed 1
#   DAYS=60 REPS=3 SEED=2 bench/track/run.sh
#   OUTFIELD=bench/track/stub_outfield.py bench/track/run.sh   # test the plumbing
#   KEEP=1 ...                               # keep the data folder
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DAYS=${DAYS:-20} REPS=${REPS:-3} SEED=${SEED:-1} HOURS=09:00-18:00
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release
HERE=$ROOT/bench/track

if [[ -z ${OUTFIELD:-} ]]; then
  cargo build --release -p outfield -p tracksim
  OUTFIELD=$BIN/outfield
else
  [[ $OUTFIELD == */* ]] && OUTFIELD=$(realpath "$OUTFIELD")
  cargo build --release -p tracksim
fi

VENV=$ROOT/bench/.venv
PY=$VENV/bin/python
if ! "$PY" -c 'import trackintel, movingpandas' 2>/dev/null; then
  [[ -x $PY ]] || python3 -m venv "$VENV"
  "$PY" -m pip install -q -r "$HERE/requirements.txt"
  "$PY" -W ignore -c 'import trackintel, movingpandas'
fi

DATA=$(mktemp -d /tmp/trackbench.XXXXXX)
if [[ -z ${KEEP:-} ]]; then trap 'rm -rf "$DATA"' EXIT; else echo "data kept in $DATA" >&2; fi
"$BIN/tracksim" --days "$DAYS" --reps "$REPS" --seed "$SEED" --out "$DATA"
ROWS=$(($(wc -l <"$DATA/fixes.csv") - 1))

RESULTS=()
# run NAME CMD...: runs a method, its stdout is the result JSON, timed.
run() {
  local name=$1; shift
  local t0=$EPOCHREALTIME
  if "$@" >"$DATA/$name.json" 2>"$DATA/$name.err"; then
    RESULTS+=("$name=$DATA/$name.json@$(awk "BEGIN{print $EPOCHREALTIME - $t0}")")
  else
    echo "$name failed:" >&2; tail -5 "$DATA/$name.err" >&2
    RESULTS+=("$name=$DATA/$name.failed")
  fi
  echo "ran $name" >&2
}
cd "$HERE"
run naive "$PY" m_naive.py "$DATA/fixes.csv" "$HOURS"
run trackintel "$PY" m_trackintel.py "$DATA/fixes.csv" "$HOURS"
run movingpandas "$PY" m_movingpandas.py "$DATA/fixes.csv" "$HOURS"
if "$OUTFIELD" track analyze --help >/dev/null 2>&1; then
  run outfield "$OUTFIELD" track analyze --input "$DATA/fixes.csv" --format csv --tz +08:00 --work-hours "$HOURS"
else
  echo "outfield has no 'track analyze' yet; skipped" >&2
fi

TABLE=$("$PY" compare.py "$DATA/truth.json" "${RESULTS[@]}")
echo "$TABLE"
{
  echo "# Tracking benchmark results"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(uname -m), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "- data: \`tracksim --days $DAYS --reps $REPS --seed $SEED\`: $((DAYS * REPS)) rep-days, $ROWS rows; working window $HOURS"
  echo "- outfield: $(if [[ " ${RESULTS[*]} " == *" outfield="* ]]; then echo "\`$(basename "$OUTFIELD") track analyze\`"; else echo "not available yet"; fi)"
  echo
  echo "$TABLE"
  echo
  echo "How to read it: see README.md (mileage error = |estimate - truth| / truth of the"
  echo "working-hours mileage per rep-day; a stop matches within 150 m with overlapping time)."
} >"$HERE/results.md"
echo "wrote bench/track/results.md" >&2
