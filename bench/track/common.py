"""Shared by the Python methods: load fixes.csv the same way, clip to the
working window, measure with haversine, and write results in the shape
`outfield track analyze` prints, so compare.py reads every method alike."""

import json
import sys
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd

TZ = timezone(timedelta(hours=8))  # the data set's local time (Shanghai)
EARTH_RADIUS_M = 6_371_008.8  # same sphere as the Rust side


def load(path):
    """Fixes with basic hygiene every tracker gets for free: rows flagged
    mock=true dropped, re-sent duplicates dropped, sorted by time (the file
    has late rows). Adds `t` (local, tz-aware) and `date` (local)."""
    df = pd.read_csv(path, dtype={"device_id": str, "provider": str})
    df = df[~df["mock"].astype(bool)]
    df["t"] = pd.to_datetime(df["timestamp"], format="ISO8601", utc=True).dt.tz_convert(TZ)
    df = df.drop_duplicates(["device_id", "t"]).sort_values(["device_id", "t"])
    df["date"] = df["t"].dt.strftime("%Y-%m-%d")
    return df.reset_index(drop=True)


def window(date, work_hours):
    """(start, end) of the working window on a local date, tz-aware."""
    a, b = work_hours.split("-")
    day = datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=TZ)
    at = lambda hm: day + timedelta(hours=int(hm[:2]), minutes=int(hm[3:]))
    return at(a), at(b)


def haversine(lat1, lon1, lat2, lon2):
    """Great-circle metres, vectorised."""
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def path_m(g, w0=None, w1=None, same=None):
    """Length of consecutive-fix steps of a time-sorted frame; with a window,
    only steps whose both ends are inside it; with `same`, only steps whose
    two fixes share that column's value (e.g. the same tripleg)."""
    lat, lon, t = g["lat"].to_numpy(), g["lon"].to_numpy(), g["t"]
    step = haversine(lat[:-1], lon[:-1], lat[1:], lon[1:])
    keep = np.ones(len(step), dtype=bool)
    if w0 is not None:
        inside = ((t >= w0) & (t <= w1)).to_numpy()
        keep &= inside[:-1] & inside[1:]
    if same is not None:
        v = g[same].to_numpy()
        keep &= (v[:-1] == v[1:]) & ~pd.isna(v[:-1])
    return float(step[keep].sum())


def iso(ts):
    return pd.Timestamp(ts).tz_convert(TZ).isoformat(timespec="seconds")


def stop(start, end, lat, lon):
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    return {"start": iso(start), "end": iso(end), "lat": float(lat), "lon": float(lon),
            "duration_s": (end - start).total_seconds()}


def dump(days):
    """`days`: {(device_id, date): {"mileage_m", "work_mileage_m", "stops"}} → stdout."""
    devices = {}
    for (dev, date), d in sorted(days.items()):
        devices.setdefault(dev, []).append({"date": date, **d})
    out = {"devices": [{"device_id": k, "days": v} for k, v in devices.items()]}
    json.dump(out, sys.stdout)


def args():
    """`python m_x.py fixes.csv [09:00-18:00]`."""
    return sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "09:00-18:00")
