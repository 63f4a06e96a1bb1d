#!/usr/bin/env python3
"""Independent check of a multi-day visit plan printed by `outfield plan schedule`.

Re-times every rep-day from the input's coordinates (great-circle distance x detour at the
input's speed), counts visits on holidays or days off, days past the shift end or the visit
cap, visits closer together than half the customer's interval, and matches visits to the
due windows (due date +- a quarter of the interval, at least 2 days for weekly and longer,
stretched to the next working day; the rule of `plan::schedule::due`) with its own code.
Prints one JSON object of figures.

    check.py INPUT.json PLAN.json
"""
import json
import math
import sys
from datetime import date, timedelta

R = 6371.0088
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def hav(a, b):
    la1, la2 = math.radians(a[0]), math.radians(b[0])
    dlat, dlon = la2 - la1, math.radians(b[1] - a[1])
    h = math.sin(dlat / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(dlon / 2) ** 2
    return 2 * R * math.asin(min(1.0, math.sqrt(h)))


def minutes(s):
    h, m = s.split(":")
    return int(h) * 60 + int(m)


def tolerance(i):
    return max(2, i // 4) if i >= 7 else i // 4


def min_gap(i):
    return max(1, (i + 1) // 2)


def main():
    inp = json.load(open(sys.argv[1]))
    out = json.load(open(sys.argv[2]))
    start = date.fromisoformat(inp["start"])
    ndays = inp.get("days", 28)
    holidays = {date.fromisoformat(h) for h in inp.get("holidays", [])}
    tr = inp.get("travel", {})
    detour = tr.get("detour", 1.3)
    speed = tr.get("speed_kmh", {"drive": 30, "ride": 15, "walk": 4.5}[tr.get("mode", "drive")])
    reps = {r["id"]: r for r in inp["reps"]}
    custs = {c["id"]: c for c in inp["customers"]}
    interval = {}
    for c in inp["customers"]:
        interval[c["id"]] = c.get("frequency_days") or {"A": 7, "B": 14, "C": 28}[c["level"].upper()]

    def works(rep, d):
        day = start + timedelta(days=d)
        wd = reps[rep].get("working_days", DAYS[:5])
        return DAYS[day.weekday()] in [w[:3].lower() for w in wd] and day not in holidays

    km_total = 0.0
    over = off = 0
    visits = {}
    lengths = {(r, d): 0.0 for r in reps for d in range(ndays) if works(r, d)}
    nvisits = 0
    for day in out["days"]:
        rep = reps[day["rep"]]
        d = (date.fromisoformat(day["date"]) - start).days
        s0, s1 = (minutes(x) for x in rep.get("shift", "09:00-17:00").split("-"))
        end = s1 if "max_minutes" not in rep else min(s1, s0 + rep["max_minutes"])
        home = (rep["lat"], rep["lon"])
        pos, t = home, s0
        for v in day["visits"]:
            c = custs[v["customer"]]
            k = hav(pos, (c["lat"], c["lon"])) * detour
            km_total += k
            t += k / speed * 60
            if "hours" in c:
                t = max(t, minutes(c["hours"].split("-")[0]))
            t += c.get("service_min", 20)
            pos = (c["lat"], c["lon"])
            visits.setdefault(v["customer"], []).append(d)
            nvisits += 1
            if not works(day["rep"], d):
                off += 1
        k = hav(pos, home) * detour
        km_total += k
        t += k / speed * 60
        if t > end + 1e-6 or len(day["visits"]) > rep.get("max_visits", 10**9):
            over += 1
        if day["visits"] and (day["rep"], d) in lengths:
            lengths[(day["rep"], d)] = t - s0

    rep_of = {c["id"]: c["rep"] for c in out["customers"]}
    due = met = spacing = 0
    for cid, c in custs.items():
        i = interval[cid]
        rep = rep_of.get(cid)
        ok = (lambda d: works(rep, d)) if rep else (lambda d: True)
        if c.get("last_visit"):
            first = (date.fromisoformat(c["last_visit"]) + timedelta(days=i) - start).days
            first = max(first, 0)
        else:
            first = 0
        windows, t = [], first
        while t < ndays:
            lo, hi = max(0, t - tolerance(i)), min(ndays - 1, t + tolerance(i))
            while not any(ok(x) for x in range(lo, hi + 1)) and hi < ndays - 1:
                hi += 1
            while not any(ok(x) for x in range(lo, hi + 1)) and lo > 0:
                lo -= 1
            windows.append((lo, hi))
            t += i
        due += len(windows)
        vs = sorted(visits.get(cid, []))
        j = 0
        for lo, hi in windows:
            while j < len(vs) and vs[j] < lo:
                j += 1
            if j < len(vs) and vs[j] <= hi:
                met += 1
                j += 1
        spacing += sum(1 for a, b in zip(vs, vs[1:]) if b - a < min_gap(i))

    def ratio_cv(xs):
        mean = sum(xs) / len(xs)
        cv = math.sqrt(sum((x - mean) ** 2 for x in xs) / len(xs)) / mean if mean else 0.0
        pos = [x for x in xs if x > 0]
        return (max(pos) / min(pos) if pos else None), cv

    per_rep = {}
    for (r, _), l in lengths.items():
        per_rep[r] = per_rep.get(r, 0.0) + l
    rep_ratio, rep_cv = ratio_cv(list(per_rep.values()))
    day_ratio, day_cv = ratio_cv(list(lengths.values()))
    rep_days = len(lengths)
    print(json.dumps({
        "due_visits": due, "met": met, "met_pct": 100.0 * met / max(due, 1), "visits": nvisits,
        "over_capacity_days": over, "off_day_visits": off, "spacing_violations": spacing,
        "km_per_rep_day": km_total / rep_days, "visits_per_rep_day": nvisits / rep_days,
        "rep_load_max_min": rep_ratio, "rep_load_cv": rep_cv,
        "day_load_max_min": day_ratio, "day_load_cv": day_cv,
        "empty_rep_days": sum(1 for l in lengths.values() if l == 0),
    }))


if __name__ == "__main__":
    main()
