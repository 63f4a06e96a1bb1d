#!/usr/bin/env python3
"""Independent figures for territories printed by `outfield plan territories`.

Workload per territory over 28 days = sum over its customers of visits (28 / interval) x
(service minutes + travel minutes from the nearest other customer of the same territory),
travel as great-circle km x detour at the input's speed. Prints the largest/smallest
workload, its coefficient of variation, the mean km from a customer to its territory's
medoid (road km: great-circle x detour), and checks that every customer with an owner sits in the owner's territory.

    check_territories.py INPUT.json TERRITORIES.json
"""
import json
import math
import sys

from check import hav


def main():
    inp = json.load(open(sys.argv[1]))
    out = json.load(open(sys.argv[2]))
    tr = inp.get("travel", {})
    detour = tr.get("detour", 1.3)
    speed = tr.get("speed_kmh", {"drive": 30, "ride": 15, "walk": 4.5}[tr.get("mode", "drive")])
    custs = {c["id"]: c for c in inp["customers"]}
    seen = set()
    loads, to_centre, owner_breaks = [], 0.0, 0
    for t in out["territories"]:
        m = [custs[i] for i in t["members"]]
        seen.update(t["members"])
        pts = [(c["lat"], c["lon"]) for c in m]
        load = 0.0
        for a, c in enumerate(m):
            leg = min((hav(pts[a], pts[b]) * detour / speed * 60 for b in range(len(m)) if b != a), default=0.0)
            i = c.get("frequency_days") or {"A": 7, "B": 14, "C": 28}[c["level"].upper()]
            load += 28 / i * (c.get("service_min", 20) + leg)
            if c.get("owner") and c["owner"] != t["rep"]:
                owner_breaks += 1
        loads.append(load)
        if m:
            # The medoid: the member with the least summed distance to the others.
            sums = [sum(hav(p, q) * detour for q in pts) for p in pts]
            to_centre += min(sums)
    n = len(custs)
    assert seen == set(custs), "every customer in exactly one territory"
    mean = sum(loads) / len(loads)
    cv = math.sqrt(sum((x - mean) ** 2 for x in loads) / len(loads)) / mean
    print(json.dumps({
        "workload_max_min": max(loads) / min(loads) if min(loads) > 0 else None,
        "workload_cv": cv,
        "mean_km_to_centre": to_centre / n,
        "owner_breaks": owner_breaks,
    }))


if __name__ == "__main__":
    main()
