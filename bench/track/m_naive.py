"""Method 1, naive: sum of haversine steps between consecutive fixes, every
fix kept (no accuracy filter, no stop handling). Finds no stops."""

from common import args, dump, load, path_m, window

path, hours = args()
days = {}
for (dev, date), g in load(path).groupby(["device_id", "date"]):
    w0, w1 = window(date, hours)
    days[dev, date] = {"mileage_m": path_m(g), "work_mileage_m": path_m(g, w0, w1), "stops": []}
dump(days)
