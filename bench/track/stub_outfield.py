#!/usr/bin/env python3
"""Stand-in for `outfield track analyze` while it does not exist: answers
with the truth that tracksim wrote beside the input, in Outfield's output
shape. Scoring it must give 0 % error and F1 = 1, which checks compare.py
and the harness's plumbing. Use: OUTFIELD=bench/track/stub_outfield.py."""

import argparse
import json
import os
import sys
from datetime import datetime

p = argparse.ArgumentParser()
p.add_argument("command", nargs=2)  # track analyze
p.add_argument("--input", required=True)
p.add_argument("--format", default="csv")
p.add_argument("--tz", default="+08:00")
p.add_argument("--work-hours", default="09:00-18:00")
a = p.parse_args()
if a.command != ["track", "analyze"]:
    sys.exit("stub only knows `track analyze`")

truth = json.load(open(os.path.join(os.path.dirname(a.input), "truth.json")))
secs = lambda s: datetime.fromisoformat(s).timestamp()
out = {"devices": [{"device_id": d["device_id"], "days": [{
    "date": day["date"],
    "mileage_m": day["mileage_m"],
    "work_mileage_m": day["work_mileage_m"],
    "stops": [{**{k: s[k] for k in ("start", "end", "lat", "lon")},
               "duration_s": secs(s["end"]) - secs(s["start"])} for s in day["stops"]],
    "trips": [],
} for day in d["days"]]} for d in truth["devices"]]}
json.dump(out, sys.stdout)
