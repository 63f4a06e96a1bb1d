#!/usr/bin/env bash
# Generated field-sales benchmark: Outfield's visit-frequency scheduler and territory
# balancer against simple baselines on the same generated team (20 reps, 2,000 customers
# A/B/C, 4 weeks with a holiday; see crates/plan/src/fieldsales.rs). Every plan is
# re-checked and measured by check.py / check_territories.py, independent of the Rust code.
#
#   bench/plan/run.sh [SECONDS] [SEEDS]        (default 10 s, seeds "1")
#
# Environment: SIZES="2000 3000" (customers; 2,000 is the issue's case, 3,000 the same team
# near full capacity); CARGO_TARGET_DIR as usual; OUTFIELD_BIN / GEN_BIN skip the builds.
# Writes bench/plan/results.md (results-<SECONDS>s.md when SECONDS is not 10).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
secs="${1:-10}"
seeds="${2:-1}"
sizes="${SIZES:-2000 3000}"
target="${CARGO_TARGET_DIR:-$root/target}"
if [ -z "${OUTFIELD_BIN:-}" ]; then
  (cd "$root" && cargo build --release --quiet -p outfield)
  OUTFIELD_BIN="$target/release/outfield"
fi
if [ -z "${GEN_BIN:-}" ]; then
  (cd "$root" && cargo build --release --quiet -p plan --example gen_field_sales)
  GEN_BIN="$target/release/examples/gen_field_sales"
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# Runs a command, its stdout to $1, and appends "name seconds" to the timing file.
timed() {
  local out="$1" name="$2"
  shift 2
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$out"
  t1=$(date +%s.%N)
  echo "$name $(echo "$t1 - $t0" | bc)" >>"$tmp/times"
}

for seed in $seeds; do
  for size in $sizes; do
    id="$seed-$size"
    data="$tmp/team-$id.json"
    "$GEN_BIN" --seed "$seed" --customers "$size" >"$data"
    timed "$tmp/s-outfield-$id.json" "s-outfield-$id" \
      "$OUTFIELD_BIN" plan schedule --input "$data" --time-limit "${secs}s" --seed "$seed"
    timed "$tmp/s-nn-$id.json" "s-nn-$id" \
      "$OUTFIELD_BIN" plan schedule --input "$data" --time-limit "${secs}s" --seed "$seed" --method nearest-neighbour
    for m in balanced round-robin kmedoids; do
      timed "$tmp/t-$m-$id.json" "t-$m-$id" \
        "$OUTFIELD_BIN" plan territories --input "$data" --reps 20 --seed "$seed" --method "$m"
    done
    for m in outfield nn; do
      python3 "$here/check.py" "$data" "$tmp/s-$m-$id.json" >"$tmp/s-$m-$id.check"
    done
    for m in balanced round-robin kmedoids; do
      (cd "$here" && python3 check_territories.py "$data" "$tmp/t-$m-$id.json") >"$tmp/t-$m-$id.check"
    done
  done
done

out="$here/results.md"
[ "$secs" = "10" ] || out="$here/results-${secs}s.md"
python3 - "$tmp" "$secs" "$seeds" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$sizes" >"$out" <<'PY'
import json, sys, datetime
tmp, secs, seeds, cores, load = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4], sys.argv[5]
sizes = sys.argv[6].split()
times = dict(l.split() for l in open(f"{tmp}/times"))
def f(x, d=2):
    return "∞" if x is None else f"{x:.{d}f}"
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
print(f"<!-- written by SIZES=\"{' '.join(sizes)}\" bench/plan/run.sh {secs} \"{' '.join(seeds)}\"; do not edit by hand -->")
print(f"# Field-sales planning benchmark\n")
print(f"{now}, x86_64, {cores} cores shared with other builds (load average {load}). "
      f"Team from `gen_field_sales --seed S --customers N`: 20 reps, N customers (A weekly 20 %, B fortnightly 30 %, "
      f"C four-weekly 50 %), 15–30 min visits, 28 days from 2026-12-28 with 2027-01-01 off, Mon–Fri "
      f"09:00–17:00 including travel, driving 30 km/h × 1.3 detour. Figures from `check.py` / "
      f"`check_territories.py` (independent re-timing from the coordinates), scheduler time limit {secs} s.\n")
for seed, size in [(s, z) for s in seeds for z in sizes]:
    id = f"{seed}-{size}"
    print(f"## Seed {seed}, {int(size):,} customers\n")
    print("### Visit-frequency scheduling\n")
    print("| method | due visits met | visits placed | over-capacity days | off-day visits | spacing breaks | rep load max/min | rep load CV | day load max/min | day load CV | empty rep-days | km per rep-day | visits per rep-day | wall time |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for m, name in [("nn", "nearest-neighbour days (baseline)"), ("outfield", "**Outfield**")]:
        c = json.load(open(f"{tmp}/s-{m}-{id}.check"))
        print(f"| {name} | {c['met']}/{c['due_visits']} ({c['met_pct']:.1f} %) | {c['visits']} | {c['over_capacity_days']} | "
              f"{c['off_day_visits']} | {c['spacing_violations']} | {f(c['rep_load_max_min'], 3)} | {f(c['rep_load_cv'], 3)} | "
              f"{f(c['day_load_max_min'], 2)} | {f(c['day_load_cv'], 3)} | {c['empty_rep_days']} | {c['km_per_rep_day']:.1f} | "
              f"{c['visits_per_rep_day']:.2f} | {float(times[f's-{m}-{id}']):.1f} s |")
    print("\n### Territories (20)\n")
    print("| method | workload max/min | workload CV | mean km to territory medoid | owner breaks | wall time |")
    print("|---|---:|---:|---:|---:|---:|")
    for m, name in [("round-robin", "round-robin by id (baseline)"), ("kmedoids", "k-medoids, no balancing (baseline)"), ("balanced", "**Outfield** balanced")]:
        c = json.load(open(f"{tmp}/t-{m}-{id}.check"))
        print(f"| {name} | {f(c['workload_max_min'], 3)} | {c['workload_cv']:.3f} | {c['mean_km_to_centre']:.2f} | {c['owner_breaks']} | {float(times[f't-{m}-{id}']):.1f} s |")
    print()
PY
cat "$out"
echo "wrote $out"
