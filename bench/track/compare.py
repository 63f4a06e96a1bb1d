"""Scores track-analysis results against tracksim's truth and prints one
Markdown table.

    python compare.py truth.json NAME=result.json[@seconds] ...

A result is what `outfield track analyze` prints: devices → days → date,
work_mileage_m, stops [{start, end, lat, lon}]. Per rep-day the working-hours
mileage error is |estimate − truth| / truth (a missing day counts as 0 m,
i.e. 100 %). A found stop matches a true stop when their centres are within
150 m and their time intervals overlap; pairs are matched one-to-one,
greedily by largest overlap. Precision, recall and F1 pool all rep-days.
"""

import json
import math
import statistics
import sys
from datetime import datetime

MATCH_M = 150.0


def dist_m(a, b):
    """Haversine metres between two (lat, lon) pairs."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(min(1.0, h)))


def interval(s):
    return datetime.fromisoformat(s["start"]).timestamp(), datetime.fromisoformat(s["end"]).timestamp()


def matched(found, true):
    """Number of one-to-one matches between two lists of stops."""
    pairs = []
    for i, f in enumerate(found):
        (f0, f1), fc = interval(f), (f["lat"], f["lon"])
        for j, t in enumerate(true):
            (t0, t1), tc = interval(t), (t["lat"], t["lon"])
            overlap = min(f1, t1) - max(f0, t0)
            if overlap > 0 and dist_m(fc, tc) <= MATCH_M:
                pairs.append((overlap, i, j))
    used_f, used_t = set(), set()
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_f and j not in used_t:
            used_f.add(i)
            used_t.add(j)
    return len(used_f)


def by_day(doc):
    return {(d["device_id"], day["date"]): day for d in doc["devices"] for day in d["days"]}


def score(truth, result):
    """(mileage errors per rep-day, true positives, found stops, true stops)."""
    errors, tp, n_found, n_true = [], 0, 0, 0
    for key, t in truth.items():
        r = result.get(key, {"work_mileage_m": 0.0, "stops": []})
        errors.append(abs(r["work_mileage_m"] - t["work_mileage_m"]) / t["work_mileage_m"])
        tp += matched(r["stops"], t["stops"])
        n_found += len(r["stops"])
        n_true += len(t["stops"])
    return errors, tp, n_found, n_true


def pct(x):
    return f"{100 * x:.1f} %"


def main(argv):
    truth = by_day(json.load(open(argv[1])))
    rows = ["| method | rep-days | mileage error median | p90 | worst | stop precision | recall | F1 | wall time |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    # Reference: straight lines through the true positions at the fix instants.
    chord = [abs(t["chord_work_mileage_m"] - t["work_mileage_m"]) / t["work_mileage_m"] for t in truth.values()]
    q = statistics.quantiles(chord, n=10, method="inclusive")
    rows.append(f"| *chord (truth at fix times)* | {len(chord)} | {pct(statistics.median(chord))} | {pct(q[-1])} "
                f"| {pct(max(chord))} | – | – | – | – |")
    for arg in argv[2:]:
        name, rest = arg.split("=", 1)
        path, _, secs = rest.partition("@")
        try:
            result = by_day(json.load(open(path)))
        except (OSError, ValueError, KeyError) as e:
            rows.append(f"| {name} | – | failed ({type(e).__name__}) | – | – | – | – | – | – |")
            continue
        errors, tp, n_found, n_true = score(truth, result)
        p = tp / n_found if n_found else 0.0
        r = tp / n_true if n_true else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        q = statistics.quantiles(errors, n=10, method="inclusive")
        wall = f"{float(secs):.1f} s" if secs else "–"
        stops = (f"{p:.3f} | {r:.3f} | {f1:.3f}") if n_found else "– | – | –"
        rows.append(f"| {name} | {len(errors)} | {pct(statistics.median(errors))} | {pct(q[-1])} "
                    f"| {pct(max(errors))} | {stops} | {wall} |")
    print("\n".join(rows))


if __name__ == "__main__":
    main(sys.argv)
