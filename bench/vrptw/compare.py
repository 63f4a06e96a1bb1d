#!/usr/bin/env python3
"""Side-by-side VRPTW benchmark on the 56 Solomon instances.

Runs Outfield's solver (the `solve` example binary), PyVRP, VROOM (pyvroom) and
OR-Tools (guided local search) on the same instances with the same time limit, one
process at a time, re-checks EVERY returned plan with the independent checker below
(unrounded Euclidean distances, travel time = distance, waiting allowed, service
starting by the due date, back at the depot by its due date, capacity, each customer
once, at most the fleet size), and reports gaps to the best-known solutions of
/work/shared/bench/vrptw/bks.csv (path configurable).

Peers get integer data scaled by 1000: distances rounded, travel times rounded UP so
that a plan they find feasible is feasible with the true times too. The reported
distance is always recomputed here from the routes.

Usage: compare.py --bin PATH --time 1 [--objective distance|vehicles] [--only C101,R101]
                  [--solvers outfield,pyvrp,vroom,ortools] [--seed 1] [--out results.md]
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = Path(os.environ.get("VRPTW_DATA", HERE / "../../../shared/bench/vrptw")).resolve()
SCALE = 1000
EPS = 1e-6


# ---------------------------------------------------------------- instances, checker

def read_solomon(path: Path) -> dict:
    lines = path.read_text().splitlines()
    name = lines[0].strip()
    vehicles = capacity = None
    rows = []
    section = None
    for line in lines[1:]:
        parts = line.split()
        if not parts:
            continue
        if parts[0].upper().startswith("VEHICLE"):
            section = "v"
            continue
        if parts[0].upper().startswith("CUSTOMER"):
            section = "c"
            continue
        try:
            nums = [float(p) for p in parts]
        except ValueError:
            continue
        if section == "v":
            vehicles, capacity = int(nums[0]), nums[1]
        elif section == "c":
            rows.append(nums)
    xs = [r[1] for r in rows]
    ys = [r[2] for r in rows]
    return {
        "name": name,
        "vehicles": vehicles,
        "capacity": capacity,
        "x": xs,
        "y": ys,
        "demand": [r[3] for r in rows],
        "ready": [r[4] for r in rows],
        "due": [r[5] for r in rows],
        "service": [r[6] for r in rows],
    }


def dist(inst: dict, i: int, j: int) -> float:
    return math.hypot(inst["x"][i] - inst["x"][j], inst["y"][i] - inst["y"][j])


def check(inst: dict, routes: list[list[int]]) -> tuple[float | None, str]:
    """Independent plan check; returns (distance, "") or (None, reason)."""
    n = len(inst["x"]) - 1
    routes = [r for r in routes if r]
    if len(routes) > inst["vehicles"]:
        return None, f"{len(routes)} routes > {inst['vehicles']} vehicles"
    seen = set()
    total = 0.0
    for r in routes:
        t = inst["ready"][0]
        load = 0.0
        prev = 0
        for c in r:
            if not (1 <= c <= n):
                return None, f"bad client {c}"
            if c in seen:
                return None, f"client {c} twice"
            seen.add(c)
            total += dist(inst, prev, c)
            t = max(t + dist(inst, prev, c), inst["ready"][c])
            if t > inst["due"][c] + EPS:
                return None, f"client {c} late ({t:.4f} > {inst['due'][c]})"
            t += inst["service"][c]
            load += inst["demand"][c]
            prev = c
        total += dist(inst, prev, 0)
        t += dist(inst, prev, 0)
        if t > inst["due"][0] + EPS:
            return None, f"depot late ({t:.4f})"
        if load > inst["capacity"] + EPS:
            return None, f"load {load} > {inst['capacity']}"
    if len(seen) != n:
        return None, f"{n - len(seen)} clients missing"
    return total, ""


def scaled(inst: dict):
    n = len(inst["x"])
    d = [[round(SCALE * dist(inst, i, j)) for j in range(n)] for i in range(n)]
    t = [[math.ceil(SCALE * dist(inst, i, j) - 1e-9) for j in range(n)] for i in range(n)]
    return d, t


# ---------------------------------------------------------------- solvers

def run_outfield(inst, path, args):
    cmd = [args.bin, str(path), "--time", str(args.time), "--seed", str(args.seed),
           "--objective", args.objective]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["routes"]


def run_pyvrp(inst, path, args):
    import pyvrp
    from pyvrp.stop import MaxRuntime

    d, t = scaled(inst)
    m = pyvrp.Model()
    locs = [m.add_location(x=inst["x"][i], y=inst["y"][i]) for i in range(len(inst["x"]))]
    depot = m.add_depot(locs[0], tw_early=int(inst["ready"][0] * SCALE),
                        tw_late=int(inst["due"][0] * SCALE))
    fixed = 0
    if args.objective == "vehicles":
        fixed = sum(d[0][i] + d[i][0] for i in range(len(d)))
    m.add_vehicle_type(num_available=inst["vehicles"], capacity=int(inst["capacity"]),
                       start_depot=depot, end_depot=depot, fixed_cost=fixed,
                       tw_early=int(inst["ready"][0] * SCALE),
                       tw_late=int(inst["due"][0] * SCALE))
    for i in range(1, len(locs)):
        m.add_client(locs[i], delivery=int(inst["demand"][i]),
                     service_duration=int(inst["service"][i] * SCALE),
                     tw_early=int(inst["ready"][i] * SCALE), tw_late=int(inst["due"][i] * SCALE))
    for i, a in enumerate(locs):
        for j, b in enumerate(locs):
            m.add_edge(a, b, distance=d[i][j], duration=t[i][j])
    res = m.solve(stop=MaxRuntime(args.time), seed=args.seed, display=False)
    # Activities index clients among clients (0-based); our numbering has the depot at 0.
    return [[a.idx + 1 for a in r if a.is_client()] for r in res.best.routes()]


def run_vroom(inst, path, args):
    import datetime as dt
    import vroom

    _, t = scaled(inst)
    n = len(t)
    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=t)
    tw = vroom.TimeWindow(int(inst["ready"][0] * SCALE), int(inst["due"][0] * SCALE))
    for v in range(inst["vehicles"]):
        problem.add_vehicle(vroom.Vehicle(id=v + 1, start=0, end=0,
                                          capacity=[int(inst["capacity"])], time_window=tw))
    for i in range(1, n):
        problem.add_job(vroom.Job(
            id=i, location=i, default_service=int(inst["service"][i] * SCALE),
            delivery=[int(inst["demand"][i])],
            time_windows=[vroom.TimeWindow(int(inst["ready"][i] * SCALE),
                                           int(inst["due"][i] * SCALE))]))
    sol = problem.solve(exploration_level=5, nb_threads=1,
                        timeout=dt.timedelta(seconds=args.time))
    routes: dict[int, list[int]] = {}
    df = sol.routes
    for _, row in df.iterrows():
        if row["type"] == "job":
            routes.setdefault(int(row["vehicle_id"]), []).append(int(row["id"]))
    return list(routes.values())


def run_ortools(inst, path, args):
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    d, t = scaled(inst)
    n = len(d)
    manager = pywrapcp.RoutingIndexManager(n, inst["vehicles"], 0)
    routing = pywrapcp.RoutingModel(manager)
    service = [int(s * SCALE) for s in inst["service"]]

    def dist_cb(a, b):
        return d[manager.IndexToNode(a)][manager.IndexToNode(b)]

    def time_cb(a, b):
        i, j = manager.IndexToNode(a), manager.IndexToNode(b)
        return service[i] + t[i][j]

    def demand_cb(a):
        return int(inst["demand"][manager.IndexToNode(a)])

    dist_idx = routing.RegisterTransitCallback(dist_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(dist_idx)
    if args.objective == "vehicles":
        routing.SetFixedCostOfAllVehicles(sum(d[0][i] + d[i][0] for i in range(n)))
    horizon = int(inst["due"][0] * SCALE)
    time_idx = routing.RegisterTransitCallback(time_cb)
    routing.AddDimension(time_idx, horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    for i in range(1, n):
        time_dim.CumulVar(manager.NodeToIndex(i)).SetRange(
            int(inst["ready"][i] * SCALE), int(inst["due"][i] * SCALE))
    for v in range(inst["vehicles"]):
        time_dim.CumulVar(routing.Start(v)).SetRange(int(inst["ready"][0] * SCALE), horizon)
        time_dim.CumulVar(routing.End(v)).SetRange(int(inst["ready"][0] * SCALE), horizon)
    dem_idx = routing.RegisterUnaryTransitCallback(demand_cb)
    routing.AddDimensionWithVehicleCapacity(
        dem_idx, 0, [int(inst["capacity"])] * inst["vehicles"], True, "Capacity")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    params.time_limit.FromMilliseconds(int(args.time * 1000))
    sol = routing.SolveWithParameters(params)
    if sol is None:
        return []
    routes = []
    for v in range(inst["vehicles"]):
        idx = routing.Start(v)
        r = []
        idx = sol.Value(routing.NextVar(idx))
        while not routing.IsEnd(idx):
            r.append(manager.IndexToNode(idx))
            idx = sol.Value(routing.NextVar(idx))
        if r:
            routes.append(r)
    return routes


SOLVERS = {
    "outfield": run_outfield,
    "pyvrp": run_pyvrp,
    "vroom": run_vroom,
    "ortools": run_ortools,
}
LABELS = {"outfield": "Outfield", "pyvrp": "PyVRP 0.14", "vroom": "VROOM 1.15",
          "ortools": "OR-Tools 9.15 GLS"}


# ---------------------------------------------------------------- report

def load_bks() -> dict:
    bks = {}
    with open(DATA / "bks.csv") as fh:
        for row in csv.DictReader(fh):
            bks[(row["instance"], row["objective"])] = (int(row["vehicles"]),
                                                        float(row["distance"]))
    return bks


def family(name: str) -> str:
    return name[:-2]  # C101 -> C1, RC208 -> RC2


def mean(xs):
    xs = list(xs)
    return sum(xs) / len(xs) if xs else float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--time", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--objective", choices=["distance", "vehicles"], default="distance")
    ap.add_argument("--solvers", default="outfield,pyvrp,vroom,ortools")
    ap.add_argument("--only", default="")
    ap.add_argument("--out", default="")
    ap.add_argument("--json", default="", help="also dump raw results here")
    ap.add_argument("--from-json", default="", help="re-render a report from dumped results")
    args = ap.parse_args()

    solvers = args.solvers.split(",")
    files = sorted((DATA / "solomon").glob("*.txt"))
    if args.only:
        keep = set(args.only.split(","))
        files = [f for f in files if f.stem in keep]
    bks = load_bks()
    results = {s: {} for s in solvers}
    load_before = os.getloadavg()
    run_date = datetime.datetime.now().isoformat(timespec="minutes")
    if args.from_json:
        dumped = json.loads(Path(args.from_json).read_text())
        if "results" not in dumped:  # the first format had the results alone
            dumped = {"results": dumped}
        results = {s: dumped["results"][s] for s in solvers}
        load_before = tuple(dumped.get("load", (float("nan"),) * 3))
        run_date = dumped.get("date", "unknown")
        files = [f for f in files if f.stem in results[solvers[0]]]
    for f in [] if args.from_json else files:
        inst = read_solomon(f)
        line = [f"{inst['name']:6}"]
        for s in solvers:
            start = time.perf_counter()
            try:
                routes = SOLVERS[s](inst, f, args)
                err = ""
            except Exception as e:  # a crash counts as no plan
                routes, err = [], f"error: {e}"
            elapsed = time.perf_counter() - start
            d, why = check(inst, routes)
            results[s][inst["name"]] = {
                "distance": d, "vehicles": len([r for r in routes if r]),
                "why": err or why, "seconds": elapsed,
            }
            shown = f"{d:9.2f}/{len([r for r in routes if r]):2}" if d is not None else f"INVALID({err or why})"
            line.append(f"{s}={shown} {elapsed:4.1f}s")
        print("  ".join(line), flush=True)

    names = [f.stem for f in files]
    caveat = {"R109", "RC103"}
    report = []
    w = report.append
    w(f"# VRPTW benchmark: Solomon, {args.time:g} s per instance, objective `{args.objective}`\n")
    w(f"- date: {run_date}; "
      f"`nproc`: {os.cpu_count()}; load average at start {load_before[0]:.1f} (the machine is "
      f"shared with other builds); seed {args.seed}; one solver process at a time, 1 thread each")
    w(f"- instances: {len(names)}; every plan re-checked by compare.py's own checker "
      f"(unrounded distances); an invalid or missing plan counts as a failure, not in the means")
    w("- peers get data ×1000 (distances rounded, times rounded up); distances below are "
      "recomputed unrounded\n")

    def gaps(s, objective, subset):
        out = []
        for nm in subset:
            r = results[s].get(nm)
            b = bks.get((nm, objective))
            if r and r["distance"] is not None and b:
                out.append((nm, r, b))
        return out

    if args.objective == "distance":
        w("## Distance objective: mean gap to `distance_only` BKS\n")
        w("| solver | all 56 | without R109, RC103 | failures | mean vehicles |")
        w("|---|---|---|---|---|")
        for s in solvers:
            g_all = gaps(s, "distance_only", names)
            g_54 = gaps(s, "distance_only", [n for n in names if n not in caveat])
            fails = len(names) - len(g_all)
            w(f"| {LABELS[s]} | {100 * mean(r['distance'] / b[1] - 1 for _, r, b in g_all):+.2f} % "
              f"| {100 * mean(r['distance'] / b[1] - 1 for _, r, b in g_54):+.2f} % | {fails} "
              f"| {mean(r['vehicles'] for _, r, b in g_all):.2f} |")
        w("\n### Per family (mean gap to `distance_only` BKS)\n")
        fams = sorted({family(n) for n in names})
        w("| solver | " + " | ".join(fams) + " |")
        w("|---|" + "---|" * len(fams))
        for s in solvers:
            cells = []
            for fam in fams:
                g = gaps(s, "distance_only", [n for n in names if family(n) == fam])
                cells.append(f"{100 * mean(r['distance'] / b[1] - 1 for _, r, b in g):+.2f} %")
            w(f"| {LABELS[s]} | " + " | ".join(cells) + " |")

    if args.objective == "vehicles":
        w("## Vehicles-then-distance: against the literature's `vehicles_then_distance` BKS\n")
        w("| solver | vehicles (sum) | BKS vehicles (sum) | instances at BKS vehicles | "
          "mean distance gap where vehicles equal BKS |")
        w("|---|---|---|---|---|")
        for s in solvers:
            g = gaps(s, "vehicles_then_distance", names)
            same = [(nm, r, b) for nm, r, b in g if r["vehicles"] == b[0]]
            w(f"| {LABELS[s]} | {sum(r['vehicles'] for _, r, b in g)} | "
              f"{sum(b[0] for _, r, b in g)} | {len(same)}/{len(g)} | "
              f"{100 * mean(r['distance'] / b[1] - 1 for _, r, b in same):+.2f} % |")

    w("\n## Per instance (distance / vehicles; BKS for this objective)\n")
    w("| instance | BKS | " + " | ".join(LABELS[s] for s in solvers) + " |")
    w("|---|---|" + "---|" * len(solvers))
    key = "distance_only" if args.objective == "distance" else "vehicles_then_distance"
    for nm in names:
        b = bks.get((nm, key))
        cells = []
        for s in solvers:
            r = results[s][nm]
            cells.append(f"{r['distance']:.2f} / {r['vehicles']}" if r["distance"] is not None
                         else f"invalid ({r['why']})")
        w(f"| {nm} | {b[1]:.2f} / {b[0]} | " + " | ".join(cells) + " |")
    text = "\n".join(report) + "\n"
    print()
    print(text)
    if args.out:
        Path(args.out).write_text(text)
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "load": load_before, "date": run_date},
                                                indent=1))


if __name__ == "__main__":
    sys.exit(main())
