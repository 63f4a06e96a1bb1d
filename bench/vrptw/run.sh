#!/usr/bin/env bash
# Side-by-side VRPTW benchmark: Outfield's solver vs PyVRP, VROOM and OR-Tools on the 56
# Solomon instances, every plan re-checked by compare.py's own checker.
#
#   bench/vrptw/run.sh [SECONDS_PER_INSTANCE] [SEED]      (default 1 s, seed 1)
#
# Environment: OBJECTIVES="distance vehicles" (which objectives to run), SOLVERS=
# "outfield,pyvrp,vroom,ortools", ONLY="C101,R101" (subset), SOLVE_BIN=path (skip the
# build and use this binary), CARGO_TARGET_DIR as usual. Writes bench/vrptw/results.md
# (or results-<SECONDS>s.md when SECONDS is not 1) and the raw, re-checked results next to
# it as results[-<SECONDS>s]-<objective>.json (compare.py --from-json re-renders them).
# A full 10 s run takes about 35 min per objective.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
secs="${1:-1}"
seed="${2:-1}"
objectives="${OBJECTIVES:-distance vehicles}"
solvers="${SOLVERS:-outfield,pyvrp,vroom,ortools}"

if [ -z "${SOLVE_BIN:-}" ]; then
  (cd "$root" && cargo build --release --quiet -p plan --example solve)
  target="${CARGO_TARGET_DIR:-$root/target}"
  SOLVE_BIN="$target/release/examples/solve"
fi

venv="$root/bench/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"

stem="$here/results"
[ "$secs" = "1" ] || stem="$here/results-${secs}s"
out="$stem.md"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for objective in $objectives; do
  "$venv/bin/python" "$here/compare.py" --bin "$SOLVE_BIN" --time "$secs" --seed "$seed" \
    --objective "$objective" --solvers "$solvers" ${ONLY:+--only "$ONLY"} \
    --out "$tmp/$objective.md" --json "$stem-$objective.json"
done
{
  echo "<!-- written by bench/vrptw/run.sh $secs $seed; do not edit by hand -->"
  for objective in $objectives; do
    cat "$tmp/$objective.md"
    echo
  done
} >"$out"
echo "wrote $out"
